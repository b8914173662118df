import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, newOfficial, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { fromPemOrDer, validatePdf } from '../../kernel/pki/index.js';
import { independentChecks } from '../../kernel/pki/testing.js';
import { DEV_PASSWORD, devOfficialSignatureImage, pkiRoot } from './pki.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * The document flow end to end on real PostgreSQL, real PDFs and real
 * signatures: STP drafts, gets opinions, the director signs with his PKCS#12,
 * the clerk issues with number and the organisation's signature, dispatches to
 * Phủ Lý, whose clerk registers it, its chairman assigns it, the handler
 * finishes it. Every signed PDF passes kernel/pki validation, pdfsig, qpdf and openssl.
 */

let env: TestEnv;
let specialist: TestSession;
let head: TestSession;
let director: TestSession;
let clerk: TestSession;
let citizen: TestSession;
let phuly: TestSession;
let phulyClerk: TestSession;
let phulyHandler: TestSession;
let tmp: string;
let caPem: Uint8Array;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (s: TestSession | null, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  let body: Json = {};
  try { body = r.json(); } catch { /* binary */ }
  return { status: r.statusCode, body, raw: r };
};
const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });
const post = (s: TestSession | null, url: string, payload: unknown = {}) => call(s, 'POST', url, payload, key());

async function letter(title: string, body: string): Promise<Buffer> {
  return renderPdf({
    meta: { title, createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số:      /QĐ-STP', placeDate: 'Ninh Bình, ngày      tháng      năm 2026' },
    blocks: [{ kind: 'title', text: 'Quyết định', subtitle: title }, { kind: 'text', text: body }, { kind: 'signatures', blocks: [{ title: 'GIÁM ĐỐC', name: 'Lê Quang Huy' }] }],
  });
}
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** The last page rendered by poppler's pdftoppm at 72 dpi (1 px per point), as RGB pixels. */
async function pagePixels(pdf: Uint8Array, dir: string): Promise<{ width: number; height: number; data: Buffer }> {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const file = path.join(dir, `page-${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  const out = path.join(dir, `page-${randomUUID()}`);
  execFileSync('pdftoppm', ['-png', '-r', '72', '-singlefile', '-l', '99', '-f', '1', file, out]);
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(`${out}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'congso-doc-test-'));
  caPem = fromPemOrDer(readFileSync(path.join(pkiRoot(env.k), 'dev', 'ca.pem')), 'CERTIFICATE')[0]!;
  const admin = await login(env.app, 'admin@ninhbinh.gov.vn');
  // Phủ Lý has no clerk among the demo accounts: the administrator gives it one, through the API.
  const officialId = await newOfficial(env.k, 'UBND-13285', 'vanthu.phuly@ninhbinh.gov.vn');
  const acc = await call(admin, 'POST', '/api/admin/accounts', { officialId, email: 'vanthu.phuly@ninhbinh.gov.vn', password: 'Vanthu@2026' });
  expect(acc.status).toBe(201);
  expect((await call(admin, 'POST', `/api/admin/accounts/${acc.body.id}/roles`, { role: 'clerk', unitCode: '13285' })).status).toBe(201);
  [specialist, head, director, clerk, citizen, phuly, phulyClerk, phulyHandler] = await Promise.all([
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(env.app, 'truongphong.stp@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'vanthu.stp@ninhbinh.gov.vn'),
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
    login(env.app, 'vanthu.phuly@ninhbinh.gov.vn', 'Vanthu@2026'),
    login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
  ]);
}, 120_000);
afterAll(() => env.close());

const p12Of = (email: string) => b64(readFileSync(path.join(pkiRoot(env.k), 'dev', 'officials', `${email}.p12`)));
let outgoingId: string;
let incomingId: string;
let issuedNumber: string;

describe('outgoing documents', () => {
  it('refuses bad drafts with a field-named Vietnamese problem and writes nothing', async () => {
    const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM document`.execute(env.k.db)).rows[0]!.n;
    const noType = await post(specialist, '/api/documents/outgoing', { docType: 'sac_lenh', summary: 'Thử', recipients: [] });
    expect(noType.status).toBe(400);
    expect(noType.raw.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(noType.body.errors)).toMatch(/docType/);
    const notPdf = await post(specialist, '/api/documents/outgoing', {
      docType: 'quyet_dinh', summary: 'Quyết định thử nghiệm', recipients: [], file: { name: 'x.pdf', data: b64(Buffer.from('không phải PDF')) },
    });
    expect(notPdf.status).toBe(400);
    expect(notPdf.body.code).toBe('PKI_PDF_MALFORMED');
    const badRecipient = await post(specialist, '/api/documents/outgoing', { docType: 'quyet_dinh', summary: 'Quyết định thử nghiệm', recipients: [{ agencyCode: 'KHONGCO' }] });
    expect(badRecipient.status).toBe(400);
    expect(badRecipient.body.errors[0].field).toBe('body.recipients.0.agencyCode');
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM document`.execute(env.k.db)).rows[0]!.n).toBe(before);
    // .docx needs LibreOffice; without it, a clear error.
    const docx = await post(specialist, '/api/documents/outgoing', { docType: 'quyet_dinh', summary: 'Quyết định thử nghiệm', recipients: [] });
    const conv = await post(specialist, `/api/documents/${docx.body.id}/drafts`, { file: { name: 'du-thao.docx', data: b64(Buffer.from('PK\u0003\u0004 not really')) } });
    // Not a Word package: refused before LibreOffice is started (convert.test.ts converts real ones).
    expect(conv.status).toBe(400);
    expect(conv.body.errors[0].field).toBe('body.file');
  });

  it('citizens and clerks may not draft; nobody anonymous', async () => {
    const body = { docType: 'quyet_dinh', summary: 'Quyết định thử nghiệm', recipients: [] };
    expect((await post(null, '/api/documents/outgoing', body)).status).toBe(401);
    expect((await post(citizen, '/api/documents/outgoing', body)).status).toBe(403);
    expect((await post(clerk, '/api/documents/outgoing', body)).status).toBe(403);
  });

  it('drafts, gathers opinions, keeps every draft, and is approved by the head of division', async () => {
    const r = await post(specialist, '/api/documents/outgoing', {
      docType: 'quyet_dinh', summary: 'Phê duyệt kế hoạch chuyển đổi số năm 2027 của Sở Tư pháp', urgency: 'khan', copies: 3, authority: '',
      recipients: [{ agencyCode: 'UBND-13285' }, { name: 'Lưu: VT, HCTP' }], file: { name: 'du-thao-1.pdf', data: b64(await letter('Phê duyệt kế hoạch', 'Bản dự thảo thứ nhất về chuyển đổi số.')) },
    });
    expect(r.status).toBe(201);
    outgoingId = r.body.id;
    expect(r.body.state).toBe('draft');
    expect((await post(specialist, `/api/documents/${outgoingId}/actions/submit`)).body.state).toBe('reviewing');
    expect((await post(head, `/api/documents/${outgoingId}/actions/comment`, { note: 'Bổ sung căn cứ Nghị định 30/2020' })).status).toBe(200);
    const emptyOpinion = await post(head, `/api/documents/${outgoingId}/actions/comment`, {});
    expect(emptyOpinion.status).toBe(409);
    const v2 = await post(specialist, `/api/documents/${outgoingId}/drafts`, { file: { name: 'du-thao-2.pdf', data: b64(await letter('Phê duyệt kế hoạch', 'Bản dự thảo thứ hai, căn cứ Nghị định 30/2020 về công tác văn thư, tiêu chí số hóa.')) }, note: 'Sửa theo góp ý' });
    expect(v2.body.versions.map((v: Json) => v.kind)).toEqual(['draft', 'draft']);
    // A specialist may not approve; the leader may not sign before approval.
    expect((await post(specialist, `/api/documents/${outgoingId}/actions/approve`)).status).toBe(403);
    const early = await post(director, `/api/documents/${outgoingId}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD });
    expect(early.status).toBe(409);
    const ok = await post(head, `/api/documents/${outgoingId}/actions/approve`);
    expect(ok.body.state).toBe('approved');
    expect(ok.body.history.map((h: Json) => h.action)).toEqual(['start', 'submit', 'comment', 'approve']);
  });

  it('the director signs with his own PKCS#12 only; the signature validates', async () => {
    const wrongPw = await post(director, `/api/documents/${outgoingId}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: 'sai-mat-khau' });
    expect(wrongPw.status).toBe(422);
    expect(wrongPw.body.code).toBe('PKI_P12_PASSWORD');
    const other = await post(director, `/api/documents/${outgoingId}/sign`, { p12: p12Of('lanhdao@ninhbinh.gov.vn'), password: DEV_PASSWORD });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('DOCUMENTS_SIGNER_MISMATCH');
    expect((await post(clerk, `/api/documents/${outgoingId}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD })).status).toBe(403);
    const notPng = await post(director, `/api/documents/${outgoingId}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD, image: b64(Buffer.from('GIF89a not a png')) });
    expect(notPng.status).toBeGreaterThanOrEqual(400);
    expect(notPng.status).toBeLessThan(500);
    // The director's handwritten signature image goes with the key (Decree 30 appendix I).
    const image = devOfficialSignatureImage(env.k, 'giamdoc.stp@ninhbinh.gov.vn')!;
    const r = await post(director, `/api/documents/${outgoingId}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD, image: b64(image) });
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('signed');
    expect(r.body.signerName).toBe('Lê Quang Huy');
    const last = r.body.versions.at(-1);
    expect(last.kind).toBe('signed');
    expect(last.indication).toBe('TOTAL_PASSED');
  });

  it('the clerk issues with the next number and the organisation\'s signature; both signatures pass DSS-style validation, pdfsig, qpdf and openssl', async () => {
    expect((await post(specialist, `/api/documents/${outgoingId}/issue`)).status).toBe(403);
    const r = await post(clerk, `/api/documents/${outgoingId}/issue`);
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('issued');
    expect(r.body.numberSymbol).toMatch(/^\d{2,}\/QĐ-STP$/);
    issuedNumber = r.body.numberSymbol;
    expect(r.body.registerNumber).toBe(Number(issuedNumber.split('/')[0]));
    const pdf = await call(clerk, 'GET', `/api/documents/${outgoingId}/pdf`);
    expect(pdf.raw.headers['content-type']).toBe('application/pdf');
    const bytes = new Uint8Array(pdf.raw.rawPayload);
    const report = await validatePdf(bytes, { trustRoots: [caPem] });
    expect(report.signatures).toHaveLength(2);
    expect(report.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(report.signatures[0]!.signer!.commonName).toBe('Lê Quang Huy');
    expect(report.signatures[1]!.signer!.commonName).toBe('Sở Tư pháp');
    // The organisation's signature added a signature field, nothing on the pages the leader signed.
    expect(report.signatures[0]!.modifications).toMatchObject({ kind: 'signatures', pagesChanged: [], revisionsAfter: 1 });
    const { pdfsig } = await independentChecks(bytes, tmp, caPem);
    expect(pdfsig).toMatch(/Signer Certificate Common Name: Lê Quang Huy/);
    expect(pdfsig).toMatch(/Signer Certificate Common Name: Sở Tư pháp/);
    // What the page shows (Decree 30 appendix I): the director's signature image in blue, and the
    // organisation's red seal over the left third of it, rendered by poppler.
    const pixels = await pagePixels(bytes, tmp);
    const MM = 72 / 25.4;
    const sig = { x: pixels.width - 15 * MM - 75 * MM, y: 25 * MM, w: 75 * MM, h: 22 * MM };
    const d = 36 * MM;
    const sealBox = { x: sig.x + sig.w / 3 - d, y: sig.y + (sig.h - d) / 2, w: d, h: d };
    const count = (b: { x: number; y: number; w: number; h: number }, test: (r: number, g: number, bl: number) => boolean) => {
      let n = 0;
      for (let y = Math.max(0, Math.floor(pixels.height - b.y - b.h)); y < Math.min(pixels.height, pixels.height - b.y); y++) {
        for (let x = Math.max(0, Math.floor(b.x)); x < Math.min(pixels.width, b.x + b.w); x++) {
          const i = (y * pixels.width + x) * 3;
          if (test(pixels.data[i]!, pixels.data[i + 1]!, pixels.data[i + 2]!)) n++;
        }
      }
      return n;
    };
    expect(count(sealBox, (r, g, b) => r > 150 && g < 110 && b < 110)).toBeGreaterThan(200);
    expect(count({ ...sig, x: sig.x + sig.w / 3, w: (sig.w * 2) / 3 }, (r, g, b) => b > 90 && r < 90)).toBeGreaterThan(100);
    // Nowhere else on the page is red.
    expect(count({ x: 0, y: sig.y + sig.h + 30 * MM, w: pixels.width, h: pixels.height - sig.y - sig.h - 30 * MM }, (r, g, b) => r > 150 && g < 110 && b < 110)).toBe(0);
    // The signed revision of the leader is still there, byte for byte, inside the issued file.
    const signedVersion = r.body.versions.find((v: Json) => v.kind === 'signed');
    const signed = await call(clerk, 'GET', `/api/documents/${outgoingId}/pdf?version=${signedVersion.id}`);
    expect(Buffer.from(bytes.subarray(0, signed.raw.rawPayload.length)).equals(signed.raw.rawPayload)).toBe(true);
  });

  it('anyone can verify a PDF; a tampered one fails', async () => {
    const pdf = new Uint8Array((await call(clerk, 'GET', `/api/documents/${outgoingId}/pdf`)).raw.rawPayload);
    const ok = await call(null, 'POST', '/api/documents/verify', Buffer.from(pdf), { 'content-type': 'application/pdf' });
    expect(ok.status).toBe(200);
    expect(ok.body.indication).toBe('TOTAL_PASSED');
    expect(ok.body.signatures).toHaveLength(2);
    const tampered = Buffer.from(pdf);
    const at = tampered.indexOf('Trang', 0, 'latin1');
    const i = at > 0 ? at : 400;
    tampered[i] = tampered[i]! ^ 0x01;
    const bad = await call(null, 'POST', '/api/documents/verify', tampered, { 'content-type': 'application/pdf' });
    expect(bad.status).toBe(200);
    expect(bad.body.indication).not.toBe('TOTAL_PASSED');
    const junk = await call(null, 'POST', '/api/documents/verify', Buffer.from('%PDF-1.7 rác'), { 'content-type': 'application/pdf' });
    expect(junk.status).toBeGreaterThanOrEqual(400);
    expect(junk.status).toBeLessThan(500);
  });

  it('dispatches: Phủ Lý receives it at once as an incoming document with its signatures checked', async () => {
    expect((await post(specialist, `/api/documents/${outgoingId}/dispatch`)).status).toBe(403);
    const r = await post(clerk, `/api/documents/${outgoingId}/dispatch`);
    expect(r.status).toBe(200);
    expect(r.body.state).toBe('dispatched');
    const phulyRecipient = r.body.recipients.find((x: Json) => x.incomingId);
    expect(phulyRecipient.status).toBe('arrived');
    incomingId = phulyRecipient.incomingId;
    // STP's clerk does not read Phủ Lý's incoming documents.
    expect((await call(clerk, 'GET', `/api/documents/${incomingId}`)).status).toBe(404);
    const inc = await call(phulyClerk, 'GET', `/api/documents/${incomingId}`);
    expect(inc.status).toBe(200);
    expect(inc.body).toMatchObject({ direction: 'incoming', state: 'received', numberSymbol: issuedNumber, issuerName: 'Sở Tư pháp', urgency: 'khan' });
    expect(inc.body.versions[0].indication).toBe('TOTAL_PASSED');
    expect(inc.body.versions[0].signatures).toHaveLength(2);
  });
});

describe('incoming documents', () => {
  it('registers with the arrival number, assigns with a deadline, handlers progress and finish; the sender sees each status', async () => {
    expect((await post(phulyHandler, `/api/documents/${incomingId}/register`)).status).toBe(403);
    const reg = await post(phulyClerk, `/api/documents/${incomingId}/register`);
    expect(reg.status).toBe(200);
    expect(reg.body.state).toBe('registered');
    expect(reg.body.registerNumber).toBe(1);
    const candidates = await call(phuly, 'GET', `/api/documents/${incomingId}/handlers`);
    const handler = candidates.body.find((c: Json) => c.name === phulyHandler.user.name);
    expect(handler).toBeTruthy();
    expect((await post(phulyClerk, `/api/documents/${incomingId}/assign`, { leadId: handler.id, deadlineDays: 5 })).status).toBe(403);
    const bad = await post(phuly, `/api/documents/${incomingId}/assign`, { leadId: director.user.id, deadlineDays: 5 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('DOCUMENTS_HANDLER_INVALID');
    const as = await post(phuly, `/api/documents/${incomingId}/assign`, { leadId: handler.id, deadlineDays: 5, note: 'Đề nghị triển khai' });
    expect(as.status).toBe(200);
    expect(as.body.state).toBe('assigned');
    expect(new Date(as.body.deadline).getTime()).toBeGreaterThan(Date.now() + 3 * 86_400_000);
    const mine = await call(phulyHandler, 'GET', '/api/documents?box=mine');
    expect(mine.body.items.map((i: Json) => i.id)).toContain(incomingId);
    expect((await post(phulyHandler, `/api/documents/${incomingId}/actions/progress`, { note: 'Đã xây dựng kế hoạch triển khai' })).body.state).toBe('in_progress');
    const fin = await post(phulyHandler, `/api/documents/${incomingId}/actions/finish`, { note: 'Đã hoàn thành' });
    expect(fin.status).toBe(200);
    expect(fin.body.state).toBe('finished');
    // Finished is final: nothing more.
    expect((await post(phulyHandler, `/api/documents/${incomingId}/actions/progress`, { note: 'Thêm' })).status).toBe(409);
    const sender = await call(clerk, 'GET', `/api/documents/${outgoingId}`);
    expect(sender.body.recipients.find((x: Json) => x.incomingId).status).toBe('finished');
  });

  it('receives by upload with a duplicate alert on number, symbol and issuing body; an unsigned scan says so', async () => {
    const meta = { docType: 'cong_van', summary: 'Về việc báo cáo tình hình số hóa hồ sơ', numberSymbol: '15/UBND-VP', issuerName: 'UBND huyện Kim Sơn', issuedOn: '2026-11-18' };
    const file = { name: 'cv-15.pdf', data: b64(await letter('Báo cáo số hóa', 'Đề nghị báo cáo tình hình số hóa.')) };
    expect((await post(specialist, '/api/documents/incoming', { ...meta, file })).status).toBe(403);
    const first = await post(clerk, '/api/documents/incoming', { ...meta, file });
    expect(first.status).toBe(201);
    expect(first.body.duplicates).toEqual([]);
    expect(first.body.versions[0].indication).toBe('NO_SIGNATURE');
    const second = await post(clerk, '/api/documents/incoming', { ...meta, numberSymbol: '15/ubnd-vp', issuerName: 'ubnd huyện Kim Sơn', file });
    expect(second.body.duplicates.map((d: Json) => d.id)).toEqual([first.body.id]);
    const other = await post(clerk, '/api/documents/incoming', { ...meta, issuerName: 'UBND huyện Yên Mô', file });
    expect(other.body.duplicates).toEqual([]);
    const missing = await post(clerk, '/api/documents/incoming', { ...meta, numberSymbol: '' , file });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toMatch(/numberSymbol/);
    // Refusing needs a reason; the first registered gets arrival number 1 of STP's register.
    expect((await post(clerk, `/api/documents/${second.body.id}/actions/refuse`, {})).status).toBe(409);
    expect((await post(clerk, `/api/documents/${second.body.id}/actions/refuse`, { note: 'Trùng văn bản đã nhận' })).body.state).toBe('refused');
    expect((await post(clerk, `/api/documents/${first.body.id}/register`)).body.registerNumber).toBe(1);
  });
});

describe('files, search, recall and registers', () => {
  it('files hold documents by reference; history keeps drafts, opinions and views', async () => {
    const f = await call(specialist, 'POST', '/api/documents/folders', { code: 'HS-01', title: 'Hồ sơ chuyển đổi số 2027' });
    expect(f.status).toBe(201);
    expect((await call(specialist, 'POST', `/api/documents/folders/${f.body.id}/documents`, { documentId: outgoingId })).status).toBe(200);
    const again = await call(specialist, 'POST', `/api/documents/folders/${f.body.id}/documents`, { documentId: outgoingId });
    expect(again.body.documents).toHaveLength(1);
    expect((await call(phuly, 'POST', `/api/documents/folders/${f.body.id}/documents`, { documentId: incomingId })).status).toBe(404);
    const d = await call(head, 'GET', `/api/documents/${outgoingId}`);
    expect(d.body.folders.map((x: Json) => x.code)).toEqual(['HS-01']);
    expect(d.body.versions.map((v: Json) => v.kind)).toEqual(['draft', 'draft', 'signed', 'issued']);
    expect(d.body.views.map((v: Json) => v.name)).toContain(head.user.name);
    const blobs = (await sql<{ n: number }>`SELECT count(DISTINCT sha256)::int AS n FROM document_version WHERE document_id IN (${outgoingId}, ${incomingId})`.execute(env.k.db)).rows[0]!.n;
    expect(blobs).toBe(4); // the incoming copy is the issued file, not a duplicate
  });

  it('searches accent-insensitively over metadata and the PDF text, within scope only', async () => {
    const byMeta = await call(specialist, 'GET', `/api/documents?q=${encodeURIComponent('chuyen doi so')}`);
    expect(byMeta.body.items.map((i: Json) => i.id)).toContain(outgoingId);
    const byText = await call(specialist, 'GET', `/api/documents?q=${encodeURIComponent('tieu chi so hoa')}`);
    expect(byText.body.items.map((i: Json) => i.id)).toContain(outgoingId);
    const byNumber = await call(clerk, 'GET', `/api/documents?q=${encodeURIComponent(issuedNumber.toLowerCase())}`);
    expect(byNumber.body.items.map((i: Json) => i.id)).toContain(outgoingId);
    const none = await call(specialist, 'GET', `/api/documents?q=${encodeURIComponent('khong co van ban nao nhu the nay')}`);
    expect(none.body.items).toEqual([]);
    // Phủ Lý's handler finds the copy it handled, never STP's own drafts.
    const other = await call(phulyHandler, 'GET', `/api/documents?box=mine&q=${encodeURIComponent('chuyen doi so')}`);
    expect(other.body.items.map((i: Json) => i.id)).toEqual([incomingId]);
    expect((await call(citizen, 'GET', '/api/documents?q=so')).status).toBe(403);
  });

  it('exports the registers as .xlsx with the issued and received entries', async () => {
    const stp = (await sql<{ id: string }>`SELECT id FROM agency WHERE code = 'STP'`.execute(env.k.db)).rows[0]!.id;
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const x = await call(clerk, 'GET', `/api/documents/registers/export?agencyId=${stp}&year=${year}&kind=outgoing`);
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw.rawPayload as never);
    const cells = wb.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String));
    expect(cells).toContain(issuedNumber);
    const inc = await call(clerk, 'GET', `/api/documents/registers/export?agencyId=${stp}&year=${year}&kind=incoming`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(inc.raw.rawPayload as never);
    expect(wb2.worksheets.flatMap((ws) => ws.getSheetValues().flat().map(String))).toContain('15/UBND-VP');
    expect((await call(phuly, 'GET', `/api/documents/registers/export?agencyId=${stp}&year=${year}&kind=outgoing`)).status).toBe(403);
    expect((await call(clerk, 'GET', `/api/documents/registers/export?agencyId=${stp}&year=1800&kind=outgoing`)).status).toBe(400);
    const regs = await call(clerk, 'GET', `/api/documents/registers?year=${year}`);
    expect(regs.body.map((r: Json) => `${r.direction}:${r.sequence}`).sort()).toEqual(['incoming:regular', 'outgoing:regular']);
  });

  it('recall freezes the document and the copies it sent', async () => {
    const r = await post(specialist, '/api/documents/outgoing', { docType: 'thong_bao', summary: 'Thông báo lịch tiếp công dân tháng 12', recipients: [{ agencyCode: 'UBND-13285' }], file: { name: 'tb.pdf', data: b64(await letter('Lịch tiếp công dân', 'Lịch tiếp công dân tháng 12.')) } });
    const id = r.body.id;
    await post(specialist, `/api/documents/${id}/actions/submit`);
    await post(director, `/api/documents/${id}/actions/approve`);
    await post(director, `/api/documents/${id}/sign`, { p12: p12Of('giamdoc.stp@ninhbinh.gov.vn'), password: DEV_PASSWORD });
    const issued = await post(clerk, `/api/documents/${id}/issue`);
    expect(issued.body.numberSymbol).toMatch(/\/TB-STP$/);
    const sent = await post(clerk, `/api/documents/${id}/dispatch`);
    const copy = sent.body.recipients[0].incomingId;
    expect((await post(clerk, `/api/documents/${id}/actions/recall`, { note: 'Sai lịch' })).status).toBe(403);
    const rec = await post(director, `/api/documents/${id}/actions/recall`, { note: 'Sai lịch' });
    expect(rec.body.state).toBe('recalled');
    expect(rec.body.frozen).toBe(true);
    expect((await call(phulyClerk, 'GET', `/api/documents/${copy}`)).body.state).toBe('recalled');
    expect((await post(phulyClerk, `/api/documents/${copy}/register`)).status).toBe(409);
    expect((await post(specialist, `/api/documents/${id}/drafts`, { file: { name: 'x.pdf', data: b64(await letter('x', 'y')) } })).body.code).toBe('DOCUMENTS_FROZEN');
  });
});
