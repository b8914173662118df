import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';

const TOKEN = 'may-chu-thu-ninh-binh-2026';
let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let operator: TestSession;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, FEEDBACK_INBOUND_EMAIL_TOKEN: TOKEN } });
  operator = await login(env.app, 'tiepnhan@ninhbinh.gov.vn');
}, 60_000);
afterAll(async () => {
  await env.close();
  await smtp.close();
});

/** A real MIME message, as the mail server would hand it over. */
async function message(opts: { messageId: string; attach?: Buffer }) {
  const mail = new MailComposer({
    from: 'Lê Thị Hồng <hong.le@example.vn>',
    to: 'phananh@ninhbinh.gov.vn',
    subject: 'Đèn tín hiệu giao thông ngã tư Lê Lợi bị hỏng',
    text: 'Đèn tín hiệu ở ngã tư Lê Lợi – Trần Hưng Đạo, phường Phủ Lý không hoạt động từ sáng nay, rất nguy hiểm.',
    messageId: opts.messageId,
    attachments: opts.attach ? [{ filename: 'den.jpg', content: opts.attach, contentType: 'image/jpeg' }] : [],
  });
  return mail.compile().build();
}

const post = (raw: Buffer, token = TOKEN) =>
  env.app.inject({ method: 'POST', url: '/api/feedback/inbound-email', headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${token}` }, payload: raw });

describe('reports by email', () => {
  it('turns a message into a report on the email channel, once, with its photo stripped, and acknowledges it', async () => {
    const photo = await sharp({ create: { width: 1200, height: 900, channels: 3, background: { r: 200, g: 30, b: 30 } } }).withExif({ IFD0: { Artist: 'Hong' } }).jpeg().toBuffer();
    const id = `<${randomUUID()}@example.vn>`;
    const raw = await message({ messageId: id, attach: photo });
    expect((await post(raw, 'sai-ma-truy-cap-cua-may-chu-thu')).statusCode).toBe(401);
    const r = await post(raw);
    expect(r.statusCode).toBe(201);
    const { code, id: reportId } = r.json();
    // Delivered twice (a retry by the mail server): still one report.
    expect((await post(raw)).json().code).toBe(code);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report WHERE channel = 'email'`.execute(env.k.db)).rows[0]!.n).toBe(1);

    const v = (await env.app.inject({ method: 'GET', url: `/api/feedback/reports/${reportId}`, headers: operator.headers })).json();
    expect(v).toMatchObject({ channel: 'email', category: { code: 'khac' }, title: 'Đèn tín hiệu giao thông ngã tư Lê Lợi bị hỏng', reporterName: 'Lê Thị Hồng', reporterContact: { email: 'hong.le@example.vn' }, state: 'received' });
    const img = await env.app.inject({ method: 'GET', url: v.photos[0].url, headers: operator.headers });
    expect((await sharp(img.rawPayload).metadata()).exif).toBeUndefined();

    // The desk sets the category and the place.
    const c = await env.app.inject({
      method: 'POST', url: `/api/feedback/reports/${reportId}/actions/classify`, headers: { ...operator.headers, 'idempotency-key': `k-${randomUUID()}` },
      payload: { categoryCode: 'ha_tang_giao_thong', unitCode: '13285' },
    });
    expect(c.json()).toMatchObject({ state: 'triaged', category: { code: 'ha_tang_giao_thong' }, unitCode: '13285' });
    await env.k.outbox.drain();
    expect(smtp.received.some((m) => m.to.includes('hong.le@example.vn') && (m.parsed.subject ?? '').includes(code))).toBe(true);
  });

  it('refuses a message without a sender or a body, storing nothing', async () => {
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n;
    const r = await post(Buffer.from('Subject: x\r\n\r\n'));
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0].field).toBe('body');
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n).toBe(n);
  });
});
