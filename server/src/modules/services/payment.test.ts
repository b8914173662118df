import { createHmac, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { QRPay } from 'vietnam-qr-pay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { signParams } from './payment.gateway.js';

let env: TestEnv;
let citizen: TestSession;
let citizen2: TestSession;
let desk: TestSession;
let phuly: TestSession;
let stpSpecialist: TestSession;

beforeAll(async () => {
  env = await testEnv({ demo: true, env: { PUBLIC_URL: 'https://dichvucong.ninhbinh.gov.vn' } });
  [citizen, citizen2, desk, phuly, stpSpecialist] = await Promise.all([
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'congdan2@example.vn'),
    login(env.app, 'motcua@ninhbinh.gov.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
  ]);
});
afterAll(async () => {
  await env.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const key = () => `k-${randomUUID()}`;
const start = (s: TestSession, id: string, k = key()) => call(s, 'POST', `/api/dossiers/${id}/payments`, undefined, { 'idempotency-key': k });
const callback = (params: Record<string, string>) => call(null, 'POST', '/api/payment-callback', params);
const signed = (p: Record<string, string>) => ({ ...p, signature: signParams(p, env.config.paymentGatewaySecret) });
const n = async (q: ReturnType<typeof sql<{ n: number }>>) => (await q.execute(env.k.db)).rows[0]!.n;
const paidCount = (dossierId: string) => n(sql<{ n: number }>`SELECT count(*)::int AS n FROM dossier_payment WHERE dossier_id = ${dossierId} AND status = 'paid'`);
const eventCount = () => n(sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = 'services.payment.paid'`);
const auditCount = () => n(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'services.payment.%'`);
const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** A criminal-record certificate request (2.000488, a 200,000 VND fee at submission) filed at the desk for citizen 1. */
async function fileAtDesk(): Promise<Json> {
  const d = await call(desk, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
  expect(d.status).toBe(201);
  await call(desk, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
    version: d.body.version,
    applicant: { name: 'Nguyễn Văn An', idNumber: '037090000001', phone: '0912345678' },
    forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Bổ sung hồ sơ xin việc' } },
  });
  const filed = await call(desk, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, { channel: 'desk' }, { 'idempotency-key': key() });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  expect(filed.body.state).toBe('processing');
  return filed.body;
}

describe('fees and payment', () => {
  let a: Json;

  it('shows what is due with a VietQR code naming the dossier, to its applicant and the officials in scope only', async () => {
    a = await fileAtDesk();
    const r = await call(citizen, 'GET', `/api/dossiers/${a.id}/payment`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ code: a.code, dueTotal: 200000, paidTotal: 0, outstanding: 200000, paidOnline: false, payments: [], gateway: 'dev' });
    expect(r.body.fees).toEqual([expect.objectContaining({ name: 'Phí cung cấp thông tin lý lịch tư pháp', amount: 200000, when: 'submission', due: true })]);
    const t = r.body.transfer;
    expect(t).toMatchObject({ bankBin: '970415', bankName: 'VietinBank', amount: 200000 });
    expect(t.message).toContain(a.code);
    // The payload is a valid EMVCo/NAPAS VietQR string that reads back to the amount and the dossier code.
    const qr = new QRPay(t.payload);
    expect(qr.isValid).toBe(true);
    expect(qr.provider.name).toBe('VIETQR');
    expect(qr.consumer.bankBin).toBe('970415');
    expect(qr.consumer.bankNumber).toBe(env.config.PAYMENT_ACCOUNT_NO);
    expect(qr.amount).toBe('200000');
    expect(qr.currency).toBe('704');
    expect(qr.additionalData.purpose).toContain(a.code);
    expect(t.qrPng).toMatch(/^data:image\/png;base64,iVBOR/);
    expect(Buffer.from(t.qrSvg.split(',')[1], 'base64').toString()).toContain('<svg');

    // Another citizen: as if it did not exist; officials: in scope yes, out of scope no.
    expect((await call(citizen2, 'GET', `/api/dossiers/${a.id}/payment`)).status).toBe(404);
    expect((await start(citizen2, a.id)).status).toBe(404);
    expect((await call(stpSpecialist, 'GET', `/api/dossiers/${a.id}/payment`)).status).toBe(200);
    expect((await call(phuly, 'GET', `/api/dossiers/${a.id}/payment`)).status).toBe(403);
    expect((await call(null, 'GET', `/api/dossiers/${a.id}/payment`)).status).toBe(401);
  });

  it('refuses a forged callback and writes nothing; a valid one marks the dossier paid once, however often it comes', async () => {
    const k = key();
    const s = await start(citizen, a.id, k);
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body.amount).toBe(200000);
    expect(s.body.redirectUrl).toContain('https://dichvucong.ninhbinh.gov.vn/api/payment-gateway/dev/pay?');
    // A retried request gets the same attempt.
    const again = await start(citizen, a.id, k);
    expect(again.status).toBe(200);
    expect(again.body.paymentId).toBe(s.body.paymentId);

    const before = { events: await eventCount(), audit: await auditCount() };
    const fields = { ref: s.body.reference, txn: 'GW0001', amount: '200000', status: 'paid' };
    const forged = [
      { ...fields, signature: createHmac('sha256', 'not-the-secret-at-all').update('x').digest('hex') },
      { ...signed(fields), amount: '1' },
      { ...fields, signature: signParams(fields, 'not-the-secret-at-all') },
      { ...fields },
    ];
    for (const f of forged) {
      const r = await callback(f);
      expect(r.status).toBe(401);
      expect(r.raw.headers['content-type']).toContain('application/problem+json');
      expect(r.body.code).toBe('SERVICES_PAYMENT_SIGNATURE_INVALID');
    }
    expect(await paidCount(a.id)).toBe(0);
    expect(await eventCount()).toBe(before.events);
    expect(await auditCount()).toBe(before.audit);
    expect((await call(citizen, 'GET', `/api/dossiers/${a.id}/payment`)).body.paidOnline).toBe(false);

    // Delivered twice at once, then once more: one payment, one event, one audit entry.
    const ok = signed(fields);
    const [r1, r2] = await Promise.all([callback(ok), callback(ok)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect([r1.body.replayed, r2.body.replayed].sort()).toEqual([false, true]);
    const r3 = await callback(ok);
    expect(r3.body).toEqual({ reference: s.body.reference, status: 'paid', replayed: true });
    expect(await paidCount(a.id)).toBe(1);
    expect(await eventCount()).toBe(before.events + 1);
    expect(await auditCount()).toBe(before.audit + 1);
    const ev = (await sql<{ payload: Json }>`SELECT payload FROM outbox WHERE topic = 'services.payment.paid'`.execute(env.k.db)).rows.at(-1)!.payload;
    expect(ev).toMatchObject({ dossierId: a.id, dossierCode: a.code, method: 'gateway', amount: 200000, paidAmount: 200000, paidOnline: true });

    const after = await call(citizen, 'GET', `/api/dossiers/${a.id}/payment`);
    expect(after.body).toMatchObject({ paidTotal: 200000, outstanding: 0, paidOnline: true, transfer: null });
    expect(after.body.payments).toEqual([expect.objectContaining({ id: s.body.paymentId, method: 'gateway', status: 'paid', paidAmount: 200000, reference: s.body.reference })]);
    // Nothing more to pay.
    expect((await start(citizen, a.id)).body.code).toBe('SERVICES_PAYMENT_NOTHING_DUE');
    // An unknown reference, correctly signed, is not found and writes nothing.
    expect((await callback(signed({ ...fields, ref: 'CSUNKNOWN' }))).status).toBe(404);
  });

  it('the development gateway pays and sends the payer back', async () => {
    const b = await fileAtDesk();
    const s = await start(citizen, b.id);
    const u = new URL(s.body.redirectUrl);
    const page = await env.app.inject({ method: 'GET', url: `${u.pathname}${u.search}` });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`https://dichvucong.ninhbinh.gov.vn/ho-so/${b.id}?thanh-toan=${s.body.reference}`);
    expect((await call(citizen, 'GET', `/api/dossiers/${b.id}/payment`)).body).toMatchObject({ outstanding: 0, paidOnline: true });
    // Its address cannot be altered to pay less.
    const c = await fileAtDesk();
    const s2 = await start(citizen, c.id);
    const tampered = new URL(s2.body.redirectUrl);
    tampered.searchParams.set('amount', '1000');
    expect((await env.app.inject({ method: 'GET', url: `${tampered.pathname}${tampered.search}` })).statusCode).toBe(401);
    expect(await paidCount(c.id)).toBe(0);
  });

  let deskPaid: Json;
  it('a desk officer records a payment with its receipt; others may not', async () => {
    const d = await fileAtDesk();
    deskPaid = d;
    const body = { receiptNo: 'BL-2026-000123', method: 'desk' };
    // A specialist holds no such grant; a commune's officials do not cover the agency's dossier; a citizen neither.
    expect((await call(stpSpecialist, 'POST', `/api/dossiers/${d.id}/payments/desk`, body)).status).toBe(403);
    expect((await call(phuly, 'POST', `/api/dossiers/${d.id}/payments/desk`, body)).status).toBe(403);
    expect((await call(citizen, 'POST', `/api/dossiers/${d.id}/payments/desk`, body)).status).toBe(403);
    const tooMuch = await call(desk, 'POST', `/api/dossiers/${d.id}/payments/desk`, { ...body, amount: 300000 });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.errors[0].field).toBe('body.amount');
    // Part now, the rest later.
    const part = await call(desk, 'POST', `/api/dossiers/${d.id}/payments/desk`, { ...body, amount: 120000 });
    expect(part.status, JSON.stringify(part.body)).toBe(201);
    expect(part.body).toMatchObject({ method: 'desk', status: 'paid', amount: 120000, paidAmount: 120000, receiptNo: 'BL-2026-000123' });
    expect((await call(citizen, 'GET', `/api/dossiers/${d.id}/payment`)).body).toMatchObject({ paidTotal: 120000, outstanding: 80000, transfer: { amount: 80000 } });
    const rest = await call(desk, 'POST', `/api/dossiers/${d.id}/payments/desk`, { receiptNo: 'BL-2026-000125', note: 'Nộp nốt' });
    expect(rest.body).toMatchObject({ amount: 80000, paidAmount: 80000 });
    const v = await call(citizen, 'GET', `/api/dossiers/${d.id}/payment`);
    // Cash at the desk is not an online payment (766 indicator TT.2).
    expect(v.body).toMatchObject({ outstanding: 0, paidOnline: false });
    // The same receipt number twice in the office's series is refused.
    const other = await fileAtDesk();
    expect((await call(desk, 'POST', `/api/dossiers/${other.id}/payments/desk`, body)).status).toBe(409);
    expect((await call(desk, 'POST', `/api/dossiers/${d.id}/payments/desk`, { receiptNo: 'BL-2026-000124' })).body.code).toBe('SERVICES_PAYMENT_NOTHING_DUE');
  });

  it('reconciliation shows payments by day and method, and gateway amounts that do not add up', async () => {
    // The gateway reports less than was asked.
    const m = await fileAtDesk();
    const s = await start(citizen, m.id);
    expect((await callback(signed({ ref: s.body.reference, txn: 'GW0002', amount: '150000', status: 'paid' }))).status).toBe(200);
    expect((await call(citizen, 'GET', `/api/dossiers/${m.id}/payment`)).body).toMatchObject({ paidOnline: false, paidTotal: 150000, outstanding: 50000 });

    const r = await call(desk, 'GET', `/api/admin/payments/reconciliation?from=${today()}&to=${today()}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const gw = r.body.days.find((x: Json) => x.day === today() && x.method === 'gateway');
    const cash = r.body.days.find((x: Json) => x.day === today() && x.method === 'desk');
    expect(gw).toEqual({ day: today(), method: 'gateway', count: 3, amount: 550000 });
    expect(cash).toEqual({ day: today(), method: 'desk', count: 2, amount: 200000 });
    expect(r.body.totals).toEqual(expect.arrayContaining([{ method: 'gateway', count: 3, amount: 550000 }]));
    expect(r.body.mismatches).toEqual([expect.objectContaining({ dossierId: m.id, dossierCode: m.code, amount: 200000, paidAmount: 150000, reason: 'amount' })]);
    expect(r.body.mismatches.map((x: Json) => x.dossierId)).not.toContain(deskPaid.id);

    expect((await call(citizen, 'GET', '/api/admin/payments/reconciliation')).status).toBe(403);
    expect((await call(stpSpecialist, 'GET', '/api/admin/payments/reconciliation')).status).toBe(403);
    expect((await call(desk, 'GET', `/api/admin/payments/reconciliation?from=${today()}&to=2020-01-01`)).status).toBe(400);
  });

  it('a fee paid online after the result counts for the 766 payment indicator, on the day the dossier finished', async () => {
    const d = await fileAtDesk();
    const director = await login(env.app, 'giamdoc.stp@ninhbinh.gov.vn');
    const take = (s: TestSession, action: string) => call(s, 'POST', `/api/dossiers/${d.id}/actions/${action}`, {}, { 'idempotency-key': key() });
    expect((await take(stpSpecialist, 'process')).status).toBe(200);
    expect((await take(director, 'approve')).status).toBe(200);
    const tt2 = async () => ((await call(null, 'GET', `/api/index-766?from=${today()}&to=${today()}`)).body.indicators as Json[]).find((i) => i.code === 'TT.2')!;
    const before = await tt2();
    const s = await start(citizen, d.id);
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect((await callback(signed({ ref: s.body.reference, txn: 'GW-LATE-1', amount: '200000', status: 'paid' }))).status).toBe(200);
    const after = await tt2();
    expect(after.numerator).toBe(before.numerator + 1);
    expect(after.denominator).toBe(before.denominator);
  });
});
