import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { fromPemOrDer, validatePdf } from '../../kernel/pki/index.js';
import { independentChecks } from '../../kernel/pki/testing.js';
import { getAgencyByCode } from '../org/index.js';
import { DEV_PASSWORD, devOfficialSignatureImage, pkiRoot } from './pki.js';
import { seedDocumentsDemo } from './seed.js';
import { closeDevRemote, devRemote } from './signing.js';
import { vnYear } from './types.js';

/**
 * The leader's signing screen and the registers' administration, through the
 * HTTP API: signature images (own only), signing with a stored image, remote
 * signing on the local CSC service with polling, the layout preview, the
 * overdue list, and opening/closing registers — who may, who may not, bad input.
 */

let env: TestEnv;
let specialist: TestSession;
let head: TestSession;
let director: TestSession;
let clerk: TestSession;
let citizen: TestSession;
let otherLeader: TestSession;
let tmp: string;
let caPem: Uint8Array;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  let body: Json = {};
  try { body = r.json(); } catch { /* binary */ }
  return { status: r.statusCode, body, raw: r };
};
const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });
const post = (s: TestSession | null, url: string, payload: unknown = {}) => call(s, 'POST', url, payload, key());
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const p12Of = (email: string) => b64(readFileSync(path.join(pkiRoot(env.k), 'dev', 'officials', `${email}.p12`)));

async function approvedDocument(summary: string): Promise<string> {
  const pdf = await renderPdf({
    meta: { title: summary, createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số:      /QĐ-STP', placeDate: 'Ninh Bình, ngày      tháng      năm 2026' },
    blocks: [{ kind: 'title', text: 'Quyết định', subtitle: summary }, { kind: 'text', text: 'Nội dung quyết định.' }, { kind: 'signatures', blocks: [{ title: 'GIÁM ĐỐC', name: 'Lê Quang Huy' }] }],
  });
  const r = await post(specialist, '/api/documents/outgoing', { docType: 'quyet_dinh', summary, recipients: [{ name: 'Lưu: VT' }], file: { name: 'du-thao.pdf', data: b64(pdf) } });
  expect(r.status).toBe(201);
  expect((await post(specialist, `/api/documents/${r.body.id}/actions/submit`)).status).toBe(200);
  expect((await post(head, `/api/documents/${r.body.id}/actions/approve`)).body.state).toBe('approved');
  return r.body.id;
}

async function poll(s: TestSession, id: string): Promise<Json> {
  for (;;) {
    const r = await call(s, 'GET', `/api/documents/sign-requests/${id}`);
    expect(r.status).toBe(200);
    if (r.body.state !== 'waiting') return r.body;
    await new Promise((res) => setTimeout(res, 200));
  }
}

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'congso-sign-test-'));
  caPem = fromPemOrDer(readFileSync(path.join(pkiRoot(env.k), 'dev', 'ca.pem')), 'CERTIFICATE')[0]!;
  [specialist, head, director, clerk, citizen, otherLeader] = await Promise.all([
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(env.app, 'truongphong.stp@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'vanthu.stp@ninhbinh.gov.vn'),
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
  ]);
}, 120_000);
afterAll(async () => {
  await closeDevRemote();
  await env.close();
});

describe('signature images', () => {
  it('the demo leader has the dev PKI drawing registered; only the owner sees or uses it', async () => {
    const mine = await call(director, 'GET', '/api/documents/signature-images');
    expect(mine.status).toBe(200);
    expect(mine.body).toHaveLength(1);
    const id = mine.body[0].id;
    const png = await call(director, 'GET', `/api/documents/signature-images/${id}/png`);
    expect(png.raw.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(png.raw.rawPayload, Buffer.from(devOfficialSignatureImage(env.k, 'giamdoc.stp@ninhbinh.gov.vn')!))).toBe(0);
    // Another leader: not found (never someone else's image); a specialist or citizen: may not sign at all.
    expect((await call(otherLeader, 'GET', `/api/documents/signature-images/${id}/png`)).status).toBe(404);
    expect((await call(specialist, 'GET', '/api/documents/signature-images')).status).toBe(403);
    expect((await call(citizen, 'GET', '/api/documents/signature-images')).status).toBe(403);
    expect((await call(null, 'GET', '/api/documents/signature-images')).status).toBe(401);
  });

  it('uploads a PNG, refuses what is not one, and deletes own images only', async () => {
    const png = devOfficialSignatureImage(env.k, 'lanhdao@ninhbinh.gov.vn')!;
    const bad = await post(director, '/api/documents/signature-images', { label: 'Hỏng', data: b64(Buffer.from('GIF89a not a png at all')) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.data');
    const noLabel = await post(director, '/api/documents/signature-images', { label: '', data: b64(png) });
    expect(noLabel.status).toBe(400);
    const before = (await call(director, 'GET', '/api/documents/signature-images')).body.length;
    const ok = await post(director, '/api/documents/signature-images', { label: 'Chữ ký tắt', data: b64(png) });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ label: 'Chữ ký tắt' });
    expect((await call(director, 'GET', '/api/documents/signature-images')).body).toHaveLength(before + 1);
    expect((await call(otherLeader, 'DELETE', `/api/documents/signature-images/${ok.body.id}`)).status).toBe(404);
    expect((await call(director, 'DELETE', `/api/documents/signature-images/${ok.body.id}`)).status).toBe(204);
    expect((await call(director, 'GET', '/api/documents/signature-images')).body).toHaveLength(before);
  });
});

describe('signing with a chosen image, and the preview', () => {
  it('gives the layout: the signature above the name on the last page, the seal over its left third', async () => {
    const id = await approvedDocument('Quyết định xem trước vị trí chữ ký');
    const l = await call(director, 'GET', `/api/documents/${id}/signing-layout`);
    expect(l.status).toBe(200);
    expect(l.body.page).toBe(l.body.pages - 1);
    expect(l.body.seal.x).toBeLessThan(l.body.signer.x + l.body.signer.width / 3);
    expect(l.body.seal.x + l.body.seal.width).toBeCloseTo(l.body.signer.x + l.body.signer.width / 3, 0);
    const seal = await call(director, 'GET', `/api/documents/${id}/seal.png`);
    expect(seal.raw.headers['content-type']).toBe('image/png');
    const page = await call(director, 'GET', `/api/documents/${id}/page.png?page=${l.body.page}`);
    expect(page.raw.headers['content-type']).toBe('image/png');
    expect((await call(director, 'GET', `/api/documents/${id}/page.png?page=99`)).status).toBe(400);
    expect((await call(citizen, 'GET', `/api/documents/${id}/signing-layout`)).status).toBe(404);
  });

  it('signs with a stored image (own only); the PDF validates and passes pdfsig', async () => {
    const id = await approvedDocument('Quyết định ký bằng ảnh chữ ký đã lưu');
    const imageId = (await call(director, 'GET', '/api/documents/signature-images')).body[0].id;
    const foreign = (await call(otherLeader, 'GET', '/api/documents/signature-images')).body[0].id;
    const p12 = p12Of('giamdoc.stp@ninhbinh.gov.vn');
    expect((await post(director, `/api/documents/${id}/sign`, { p12, password: DEV_PASSWORD, imageId: foreign })).status).toBe(404);
    expect((await post(director, `/api/documents/${id}/sign`, { p12, password: DEV_PASSWORD, imageId, image: b64(Buffer.from('x')) })).status).toBe(400);
    expect((await post(director, `/api/documents/${id}/sign`, { p12, password: DEV_PASSWORD, imageId: 'khong-phai-uuid' })).status).toBe(400);
    const r = await post(director, `/api/documents/${id}/sign`, { p12, password: DEV_PASSWORD, imageId });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('signed');
    const bytes = new Uint8Array((await call(director, 'GET', `/api/documents/${id}/pdf`)).raw.rawPayload);
    const report = await validatePdf(bytes, { trustRoots: [caPem] });
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED']);
    const { pdfsig } = await independentChecks(bytes, tmp, caPem);
    expect(pdfsig).toMatch(/Signer Certificate Common Name: Lê Quang Huy/);
  });
});

describe('remote signing (CSC, confirmation on the phone)', () => {
  it('offers remote signing to a demo leader, waits for the confirmation, and stores a valid signature', async () => {
    const opts = await call(director, 'GET', '/api/documents/signing/options');
    expect(opts.status).toBe(200);
    expect(opts.body.remote.timeoutSeconds).toBeGreaterThan(0);
    expect(opts.body.images.length).toBeGreaterThan(0);
    const id = await approvedDocument('Quyết định ký số từ xa trên điện thoại');
    devRemote.confirmMs = 1500;
    const imageId = opts.body.images[0].id;
    // Who may not: the specialist (no signing right), a citizen, anonymous.
    expect((await post(specialist, `/api/documents/${id}/sign/remote`, {})).status).toBe(403);
    expect((await post(citizen, `/api/documents/${id}/sign/remote`, {})).status).toBe(403);
    expect((await post(null, `/api/documents/${id}/sign/remote`, {})).status).toBe(401);
    expect((await post(director, `/api/documents/${id}/sign/remote`, { imageId: 'x' })).status).toBe(400);
    expect((await post(director, `/api/documents/${id}/sign/remote`, { pin: '1234' })).status).toBe(400);
    const start = await post(director, `/api/documents/${id}/sign/remote`, { imageId });
    expect(start.status).toBe(202);
    expect(start.body.state).toBe('waiting');
    // One waiting request per document; someone else cannot read it.
    expect((await post(director, `/api/documents/${id}/sign/remote`, {})).status).toBe(409);
    expect((await call(otherLeader, 'GET', `/api/documents/sign-requests/${start.body.id}`)).status).toBe(404);
    const done = await poll(director, start.body.id);
    expect(done.state).toBe('signed');
    expect(done.document.state).toBe('signed');
    expect(done.document.versions.at(-1).indication).toBe('TOTAL_PASSED');
    const bytes = new Uint8Array((await call(director, 'GET', `/api/documents/${id}/pdf`)).raw.rawPayload);
    const report = await validatePdf(bytes, { trustRoots: [caPem] });
    expect(report.signatures[0]!.signer!.commonName).toBe('Lê Quang Huy');
    expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
    // Signed already: a new request is refused by the document's state.
    expect((await post(director, `/api/documents/${id}/sign/remote`, {})).status).toBe(409);
  });

  it('a leader of another agency may not sign remotely; nothing is written', async () => {
    const id = await approvedDocument('Quyết định ký từ xa bởi người không có chứng thư');
    // The chairman of Phủ Lý holds documents.* but not over STP: he does not even see it.
    expect((await post(otherLeader, `/api/documents/${id}/sign/remote`, {})).status).toBe(404);
    const waiting = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM doc_sign_request WHERE document_id = ${id}`.execute(env.k.db)).rows[0]!.n;
    expect(waiting).toBe(0);
  });
});

describe('remote signing configured in DATA_DIR/pki/remote.json', () => {
  it('a service that refuses the platform (wrong token) fails the request with a clear message; the document stays approved', async () => {
    const id = await approvedDocument('Quyết định ký từ xa bị dịch vụ từ chối');
    const url = (await devRemote.service!).url;
    const file = path.join(pkiRoot(env.k), 'remote.json');
    writeFileSync(file, JSON.stringify({ url, token: 'sai-ma-truy-cap', name: 'Dịch vụ thử', timeoutSeconds: 30, credentials: { 'giamdoc.stp@ninhbinh.gov.vn': 'giamdoc.stp@ninhbinh.gov.vn' } }));
    try {
      expect((await call(director, 'GET', '/api/documents/signing/options')).body.remote).toEqual({ service: 'Dịch vụ thử', timeoutSeconds: 30 });
      // Nobody else has a credential there: told so, nothing written.
      const other = await approvedDocument('Quyết định của người không có chứng thư từ xa');
      const chairman = await login(env.app, 'lanhdao@ninhbinh.gov.vn');
      const none = await post(chairman, `/api/documents/${other}/sign/remote`, {});
      expect([403, 404, 409]).toContain(none.status);
      const start = await post(director, `/api/documents/${id}/sign/remote`, {});
      expect(start.status).toBe(202);
      const done = await poll(director, start.body.id);
      expect(done.state).toBe('failed');
      expect(done.error.code).toBe('PKI_REMOTE_SIGNER_AUTH');
      expect(done.error.message.length).toBeGreaterThan(5);
      expect((await call(director, 'GET', `/api/documents/${id}`)).body.state).toBe('approved');
      // The failed request does not block a new one.
      writeFileSync(file, 'not json');
      expect((await call(director, 'GET', '/api/documents/signing/options')).body.remote).toBeNull();
      expect((await post(director, `/api/documents/${id}/sign/remote`, {})).body.code).toBe('DOCUMENTS_NO_REMOTE');
    } finally {
      rmSync(file, { force: true });
    }
  });
});

describe('overdue list (the operations centre links it)', () => {
  it('lists open documents past their deadline only; bad values are 400', async () => {
    const id = await approvedDocument('Văn bản có hạn xử lý đã qua');
    await sql`UPDATE document SET deadline = now() - interval '2 days' WHERE id = ${id}`.execute(env.k.db);
    const late = await call(director, 'GET', '/api/documents?box=all&overdue=1');
    expect(late.status).toBe(200);
    expect(late.body.items.map((d: Json) => d.id)).toContain(id);
    expect(late.body.items.every((d: Json) => d.overdue)).toBe(true);
    expect(late.body.total).toBe(late.body.items.length);
    const outgoingOnly = await call(director, 'GET', '/api/documents?box=incoming&overdue=1');
    expect(outgoingOnly.body.items.map((d: Json) => d.id)).not.toContain(id);
    expect((await call(director, 'GET', '/api/documents?overdue=maybe')).status).toBe(400);
    expect((await call(citizen, 'GET', '/api/documents?overdue=1')).status).toBe(403);
  });
});

describe('registers administration', () => {
  it('the clerk opens next year\'s register (numbering from 01), closes and reopens it; others may not', async () => {
    const next = vnYear(new Date()) + 1;
    const stp = (await getAgencyByCode(env.k.db, 'STP'))!.id;
    expect((await post(specialist, '/api/documents/registers', { year: next, direction: 'outgoing' })).status).toBe(403);
    expect((await post(citizen, '/api/documents/registers', { year: next, direction: 'outgoing' })).status).toBe(403);
    expect((await post(null, '/api/documents/registers', { year: next, direction: 'outgoing' })).status).toBe(401);
    const far = await post(clerk, '/api/documents/registers', { year: next + 5, direction: 'outgoing' });
    expect(far.status).toBe(400);
    expect(far.body.errors[0].field).toBe('body.year');
    expect((await post(clerk, '/api/documents/registers', { year: next, direction: 'sideways' })).status).toBe(400);
    expect((await post(clerk, '/api/documents/registers', { year: next, direction: 'incoming', sequence: 'normative' })).status).toBe(400);
    const r = await post(clerk, '/api/documents/registers', { year: next, direction: 'outgoing', sequence: 'regular' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ agencyId: stp, year: next, lastNumber: 0, nextNumber: 1, closed: false });
    expect((await post(clerk, '/api/documents/registers', { year: next, direction: 'outgoing' })).status).toBe(409);
    const list = await call(clerk, 'GET', `/api/documents/registers?year=${next}`);
    expect(list.body.find((x: Json) => x.id === r.body.id)).toMatchObject({ nextNumber: 1, mayManage: true });
    // Another agency's leader does not see it to close it.
    expect((await post(otherLeader, `/api/documents/registers/${r.body.id}/close`)).status).toBe(404);
    expect((await post(specialist, `/api/documents/registers/${r.body.id}/close`)).status).toBe(403);
    const closed = await post(clerk, `/api/documents/registers/${r.body.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ closed: true, nextNumber: null });
    const reopened = await post(clerk, `/api/documents/registers/${r.body.id}/reopen`);
    expect(reopened.body).toMatchObject({ closed: false, nextNumber: 1 });
    expect((await post(clerk, `/api/documents/registers/${randomUUID()}/close`)).status).toBe(404);
  });

  it('a closed register gives no number: issuing waits until it is reopened, and nothing is half-written', async () => {
    const year = vnYear(new Date());
    const id = await approvedDocument('Quyết định phát hành khi sổ đã khóa');
    expect((await post(director, `/api/documents/${id}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD })).status).toBe(200);
    let reg = (await call(clerk, 'GET', `/api/documents/registers?year=${year}`)).body.find((x: Json) => x.direction === 'outgoing' && x.sequence === 'regular' && x.mayManage);
    if (!reg) reg = (await post(clerk, '/api/documents/registers', { year, direction: 'outgoing' })).body;
    expect((await post(clerk, `/api/documents/registers/${reg.id}/close`)).status).toBe(200);
    const refused = await post(clerk, `/api/documents/${id}/issue`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('DOCUMENTS_REGISTER_CLOSED');
    expect((await call(clerk, 'GET', `/api/documents/${id}`)).body.state).toBe('signed');
    expect((await post(clerk, `/api/documents/registers/${reg.id}/reopen`)).status).toBe(200);
    const issued = await post(clerk, `/api/documents/${id}/issue`);
    expect(issued.status).toBe(200);
    expect(issued.body.registerNumber).toBe(reg.lastNumber + 1);
  });
});
