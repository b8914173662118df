import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../test/harness.js';
import { startSmtp } from '../../test/smtp.js';
import { transaction } from './db/index.js';

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Cổng số Ninh Bình <no-reply@ninhbinh.gov.vn>' } });
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

describe('mail through the outbox and SMTP', () => {
  it('delivers a Vietnamese message after the transaction commits, and never one from a rolled-back transaction', async () => {
    await transaction(env.k.db, (tx) =>
      env.k.mailer.send(tx, env.k.outbox, { to: 'congdan@example.vn', subject: 'Hồ sơ của bạn đã được tiếp nhận', text: 'Kính gửi ông/bà Nguyễn Văn An' }),
    );
    await transaction(env.k.db, async (tx) => {
      await env.k.mailer.send(tx, env.k.outbox, { to: 'khac@example.vn', subject: 'không gửi', text: 'x' });
      throw new Error('rollback');
    }).catch(() => undefined);
    expect(smtp.received).toHaveLength(0);
    await env.k.outbox.drain();
    expect(smtp.received).toHaveLength(1);
    const m = smtp.received[0]!;
    expect(m.to).toEqual(['congdan@example.vn']);
    expect(m.from).toBe('no-reply@ninhbinh.gov.vn');
    expect(m.raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(m.parsed.subject).toBe('Hồ sơ của bạn đã được tiếp nhận');
    expect(m.parsed.text).toContain('Nguyễn Văn An');
  });

  it('retries when the SMTP server is down and delivers once it is back', async () => {
    const port = smtp.port;
    await smtp.close();
    await transaction(env.k.db, (tx) => env.k.mailer.send(tx, env.k.outbox, { to: 'a@example.vn', subject: 'Thử lại', text: 'x' }));
    expect(await env.k.outbox.runOnce()).toBe(1);
    const row = await env.k.db.selectFrom('outbox').selectAll().where('topic', '=', 'mail.send').executeTakeFirstOrThrow();
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/ECONNREFUSED|connect/i);
    // Bring a server back on the same port.
    const again = await startSmtp(port);
    smtp = again;
    for (let i = 0; i < 50 && again.received.length === 0; i++) {
      await env.k.outbox.runOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(again.received.map((r) => r.to[0])).toEqual(['a@example.vn']);
  });
});
