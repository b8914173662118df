import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { DEMO_PASSWORD, login } from '../../../test/auth.js';
import { startSmtp } from '../../../test/smtp.js';

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://dichvucong.ninhbinh.gov.vn' } });
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

const post = (url: string, payload: unknown) => env.app.inject({ method: 'POST', url, payload: payload as object });

describe('password reset by email', () => {
  it('mails a single-use link through SMTP; the token sets a new password once and ends old sessions', async () => {
    const old = await login(env.app, 'congdan@example.vn');
    const r = await post('/api/auth/password/forgot', { email: 'CongDan@example.vn' });
    expect(r.statusCode).toBe(202);
    await env.k.outbox.drain();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['congdan@example.vn']);
    expect(mail.parsed.subject).toBe('Đặt lại mật khẩu tài khoản Cổng số');
    const text = mail.parsed.text ?? '';
    expect(text).toContain('Xin chào Nguyễn Văn An');
    const m = /https:\/\/dichvucong\.ninhbinh\.gov\.vn\/dat-lai-mat-khau\?token=([A-Za-z0-9_-]+)/.exec(text);
    expect(m).toBeTruthy();
    const token = m![1]!;
    // Only the hash is stored.
    const stored = await env.k.db.selectFrom('password_reset').select(['token_hash']).execute();
    expect(stored.some((s) => s.token_hash.toString('base64url') === token)).toBe(false);

    const weak = await post('/api/auth/password/reset', { token, password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0]).toMatchObject({ field: 'body.password', message: 'Mật khẩu phải có ít nhất 8 ký tự' });

    expect((await post('/api/auth/password/reset', { token, password: 'MatKhauMoi2026' })).statusCode).toBe(204);
    const again = await post('/api/auth/password/reset', { token, password: 'MatKhauKhac2026' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'RESET_TOKEN_INVALID', detail: 'Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn' });

    expect((await post('/api/auth/login', { identifier: 'congdan@example.vn', password: DEMO_PASSWORD })).statusCode).toBe(401);
    await login(env.app, 'congdan@example.vn', 'MatKhauMoi2026');
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: old.cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('answers 202 for an unknown address and sends nothing', async () => {
    const n = smtp.received.length;
    const t = performance.now();
    const r = await post('/api/auth/password/forgot', { email: 'khongai@example.vn' });
    expect(r.statusCode).toBe(202);
    // Same floor as for a real address: the timing does not tell which addresses have accounts.
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);
    await env.k.outbox.drain();
    expect(smtp.received).toHaveLength(n);
  });

  it('refuses an expired token and an invented one', async () => {
    await post('/api/auth/password/forgot', { email: 'congdan2@example.vn' });
    await env.k.outbox.drain();
    const text = smtp.received.at(-1)!.parsed.text ?? '';
    const token = /token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
    await env.k.db.updateTable('password_reset').set({ expires_at: new Date(Date.now() - 1000) }).where('used_at', 'is', null).execute();
    expect((await post('/api/auth/password/reset', { token, password: 'MatKhauMoi2026' })).json().code).toBe('RESET_TOKEN_INVALID');
    expect((await post('/api/auth/password/reset', { token: 'x'.repeat(43), password: 'MatKhauMoi2026' })).statusCode).toBe(400);
    await login(env.app, 'congdan2@example.vn');
  });
});
