import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';

/**
 * Notifications by SMS (an HTTP brandname gateway) and Zalo (ZNS template
 * messages) beside email, as the applicant chose: against real local HTTP
 * receivers that check each request against the contract in docs/services.md,
 * refuse the first delivery, and accept the retry.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Hit { path: string; headers: IncomingHttpHeaders; body: Json; problems: string[] }

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let citizen: TestSession;
let phuly: TestSession;
let sms: { server: Server; hits: Hit[]; url: string };
let zalo: { server: Server; hits: Hit[]; url: string };

/** A receiver that records each request, checks it, and answers the first with `first` and the rest with `then`. */
async function receiver(check: (h: Omit<Hit, 'problems'>) => string[], first: [number, unknown], then: [number, unknown]) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body: Json = {};
      const problems: string[] = [];
      try {
        body = JSON.parse(raw);
      } catch {
        problems.push('body is not JSON');
      }
      if (!String(req.headers['content-type']).startsWith('application/json')) problems.push('content-type');
      if (req.method !== 'POST') problems.push('method');
      const h = { path: req.url ?? '', headers: req.headers, body };
      problems.push(...check(h));
      hits.push({ ...h, problems });
      const [status, answer] = hits.length === 1 ? first : then;
      res.writeHead(problems.length ? 400 : status, { 'content-type': 'application/json' }).end(JSON.stringify(problems.length ? { error: -1, problems } : answer));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, hits, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const PHONE_84 = /^84[0-9]{9,10}$/;

beforeAll(async () => {
  smtp = await startSmtp();
  sms = await receiver((h) => {
    const p: string[] = [];
    if (h.path !== '/sms/send') p.push(`path ${h.path}`);
    if (h.headers.authorization !== 'Bearer sms-gateway-secret') p.push('authorization');
    if (h.body.brandname !== 'UBND NB') p.push('brandname');
    if (!PHONE_84.test(h.body.phone ?? '')) p.push('phone');
    if (typeof h.body.message !== 'string' || !/^[\x20-\x7e\n]{1,306}$/.test(h.body.message)) p.push('message: ASCII, at most 306 characters');
    if (typeof h.body.ref !== 'string' || !h.body.ref) p.push('ref');
    if (Object.keys(h.body).sort().join() !== 'brandname,message,phone,ref') p.push('fields');
    return p;
  }, [503, { status: 'error', message: 'busy' }], [200, { status: 'ok', id: 'sms-1' }]);
  zalo = await receiver((h) => {
    const p: string[] = [];
    if (h.path !== '/message/template') p.push(`path ${h.path}`);
    if (h.headers.access_token !== 'zalo-oa-token') p.push('access_token');
    if (!PHONE_84.test(h.body.phone ?? '')) p.push('phone');
    if (h.body.template_id !== '231456') p.push('template_id');
    const data = h.body.template_data ?? {};
    for (const k of ['ten_khach_hang', 'ma_ho_so', 'ten_thu_tuc', 'trang_thai', 'ngay_hen']) if (typeof data[k] !== 'string' || !data[k]) p.push(`template_data.${k}`);
    if (typeof h.body.tracking_id !== 'string') p.push('tracking_id');
    return p;
  }, [200, { error: -124, message: 'Access token is invalid' }], [200, { error: 0, message: 'Success', data: { msg_id: 'zns-1' } }]);
  Object.assign(process.env, {
    SMS_GATEWAY_URL: `${sms.url}/sms/send`, SMS_GATEWAY_TOKEN: 'sms-gateway-secret', SMS_BRANDNAME: 'UBND NB',
    ZALO_ZNS_URL: zalo.url, ZALO_OA_ACCESS_TOKEN: 'zalo-oa-token', ZALO_ZNS_TEMPLATE_ID: '231456',
  });
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://dichvucong.ninhbinh.gov.vn' } });
  [citizen, phuly] = await Promise.all([login(env.app, 'congdan@example.vn'), login(env.app, 'phuly@ninhbinh.gov.vn')]);
});
afterAll(async () => {
  await env.close();
  await smtp.close();
  sms.server.close();
  zalo.server.close();
});

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json };
};
const key = () => `k-${randomUUID()}`;

async function drainAll(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await env.k.outbox.drain();
    const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic IN ('services.notify.sms', 'services.notify.zalo', 'mail.send')`.execute(env.k.db);
    if (!pending.rows[0]!.n) return;
    await new Promise((r) => setTimeout(r, 40));
  }
}

const birthForm = {
  ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha',
  tre_ho_ten: 'Nguyễn Minh Khôi', tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình', me_ho_ten: 'Lê Thị Hoa',
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('notification channels', () => {
  it('the applicant chooses channels among those configured; bad choices are refused', async () => {
    expect(await call(citizen, 'GET', '/api/notification-channels')).toMatchObject({ status: 200, body: { channels: ['email'], chosen: false, available: ['email', 'sms', 'zalo'] } });
    const bad = await call(citizen, 'PUT', '/api/notification-channels', { channels: ['sms', 'fax'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'body.channels.1', rule: 'enum' });
    expect((await call(citizen, 'PUT', '/api/notification-channels', { channels: [] })).status).toBe(400);
    expect((await call(null, 'PUT', '/api/notification-channels', { channels: ['sms'] })).status).toBe(401);
    expect((await call(phuly, 'PUT', '/api/notification-channels', { channels: ['sms'] })).status).toBe(403);
    const ok = await call(citizen, 'PUT', '/api/notification-channels', { channels: ['sms', 'zalo', 'sms'] });
    expect(ok).toMatchObject({ status: 200, body: { channels: ['sms', 'zalo'], chosen: true } });
  });

  it('a submission is announced by SMS and Zalo (not email), each retried until the receiver accepts it', async () => {
    const d = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '1.001193', unitCode: '13285' });
    await call(citizen, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
      version: d.body.version, forms: { to_khai: birthForm }, applicant: { ...d.body.applicant, phone: '0912345678' },
    });
    await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${d.body.id}/files?component=giay_chung_sinh&name=gcs.pdf`, payload: PDF, headers: { ...citizen.headers, 'content-type': 'application/pdf' } });
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, {}, { 'idempotency-key': key() });
    expect(sub.status).toBe(201);
    const code = sub.body.code as string;
    await drainAll();

    expect(sms.hits.map((h) => h.problems)).toEqual([[], []]);
    expect(sms.hits[1]!.body).toEqual(sms.hits[0]!.body);
    expect(sms.hits[0]!.body).toMatchObject({
      brandname: 'UBND NB', phone: '84912345678',
      message: `Ho so ${code} da duoc gui, cho tiep nhan. Tra cuu: https://dichvucong.ninhbinh.gov.vn/tra-cuu/${code}`,
    });
    expect(zalo.hits.map((h) => h.problems)).toEqual([[], []]);
    expect(zalo.hits[0]!.body).toEqual({
      phone: '84912345678', template_id: '231456', tracking_id: expect.stringContaining(sub.body.id),
      template_data: { ten_khach_hang: 'Nguyễn Văn An', ma_ho_so: code, ten_thu_tuc: 'Đăng ký khai sinh', trang_thai: 'đã được gửi, chờ tiếp nhận', ngay_hen: 'chưa có' },
    });
    // Zalo's "error" inside an HTTP 200 counted as a failure: the first attempt's error is recorded, then delivered.
    const rows = await sql<{ topic: string; attempts: number }>`
      SELECT topic, attempts FROM outbox_done WHERE topic IN ('services.notify.sms', 'services.notify.zalo') ORDER BY topic`.execute(env.k.db);
    expect(rows.rows.map((r) => r.topic)).toEqual(['services.notify.sms', 'services.notify.zalo']);
    expect(rows.rows.every((r) => r.attempts >= 1)).toBe(true);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic IN ('services.notify.sms', 'services.notify.zalo')`.execute(env.k.db);
    expect(left.rows[0]!.n).toBe(0);
    expect(smtp.received.some((m) => m.parsed.subject?.includes(code))).toBe(false);

    // Back to email: the next news comes by email only.
    await call(citizen, 'PUT', '/api/notification-channels', { channels: ['email'] });
    expect((await call(phuly, 'POST', `/api/dossiers/${sub.body.id}/actions/receive`, {}, { 'idempotency-key': key() })).status).toBe(200);
    await drainAll();
    expect(smtp.received.some((m) => m.parsed.subject === `Hồ sơ ${code} đã được tiếp nhận`)).toBe(true);
    expect(sms.hits).toHaveLength(2);
    expect(zalo.hits).toHaveLength(2);
  });
});
