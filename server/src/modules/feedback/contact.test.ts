import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url } });
}, 60_000);
afterAll(async () => {
  await env.close();
  await smtp.close();
});

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => env.app.inject({ method: 'POST', url, payload: payload as object, headers });
const report = { categoryCode: 'moi_truong', title: 'Cống rãnh bốc mùi', body: 'Cống rãnh trước chợ Phủ Lý bốc mùi hôi nhiều ngày.', unitCode: '13285', reporter: { name: 'Đỗ Văn Tâm' } };

describe('reporting without an account', () => {
  it('proves an email address with a code, then files a report that keeps the address; no proof, no report', async () => {
    const n = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n;
    const before = await n();
    expect((await post('/api/feedback/reports', report, { 'idempotency-key': `k-${randomUUID()}` })).statusCode).toBe(401);
    expect((await post('/api/feedback/reports', report, { 'idempotency-key': `k-${randomUUID()}`, 'x-contact-token': 'gia-mao-ma-truy-cap' })).statusCode).toBe(401);
    expect((await post('/api/feedback/contacts', { email: 'khong-phai-email' })).json().errors[0].field).toBe('body.email');

    const asked = await post('/api/feedback/contacts', { email: 'Tam.Do@Example.vn' });
    expect(asked.statusCode).toBe(202);
    await env.k.outbox.drain();
    const mail = smtp.received.find((m) => m.to.includes('tam.do@example.vn'));
    const code = mail!.parsed.subject!.match(/\d{6}/)![0];
    const wrong = code === '000000' ? '111111' : '000000';
    const bad = await post(`/api/feedback/contacts/${asked.json().id}/confirm`, { code: wrong });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.code');
    const ok = await post(`/api/feedback/contacts/${asked.json().id}/confirm`, { code });
    expect(ok.statusCode).toBe(200);
    const { token } = ok.json();
    // A code works once.
    expect((await post(`/api/feedback/contacts/${asked.json().id}/confirm`, { code })).statusCode).toBe(400);

    // The reporter's name is needed when there is no account.
    expect((await post('/api/feedback/reports', { ...report, reporter: undefined }, { 'idempotency-key': `k-${randomUUID()}`, 'x-contact-token': token })).json().errors[0].field).toBe('body.reporter.name');
    const r = await post('/api/feedback/reports', report, { 'idempotency-key': `k-${randomUUID()}`, 'x-contact-token': token });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ channel: 'web', reporterName: 'Đỗ Văn Tâm', reporterContact: { email: 'tam.do@example.vn' }, allowedActions: [] });
    expect(await n()).toBe(before + 1);
    await env.k.outbox.drain();
    expect(smtp.received.some((m) => m.to.includes('tam.do@example.vn') && (m.parsed.subject ?? '').includes(r.json().code))).toBe(true);
  });

  it('stops guessing after five tries', async () => {
    const asked = (await post('/api/feedback/contacts', { email: 'doan.ma@example.vn' })).json();
    await env.k.outbox.drain();
    const code = smtp.received.find((m) => m.to.includes('doan.ma@example.vn'))!.parsed.subject!.match(/\d{6}/)![0];
    for (let i = 0; i < 5; i++) await post(`/api/feedback/contacts/${asked.id}/confirm`, { code: String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0') });
    expect((await post(`/api/feedback/contacts/${asked.id}/confirm`, { code })).statusCode).toBe(400);
  });
});
