import { randomUUID } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, newOfficial, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { issueCertificate, toPem } from '../../kernel/pki/index.js';
import { buildDocumentPacket, buildStatusPacket, documentIdOf, parsePacket } from './edxml.js';
import { startExchangeServer, type ExchangeServer } from './exchange-server.js';
import { packetXml, postPacket, sendPacket } from './exchange-service.js';
import * as xrepo from './exchange-repo.js';
import { ensureDevTlsIdentity, type TlsIdentity } from './exchange-tls.js';
import { DEV_PASSWORD, loadDevCa, pkiRoot } from './pki.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * Two congso instances side by side, each with its own database, data
 * directory, development CA and exchange endpoint (HTTPS, client certificates
 * required): A is where Sở Tư pháp (STP) works, B is where the People's
 * Committee of Phủ Lý ward (UBND-13285) works. A document drafted, signed and issued at A travels
 * to B as an edXML packet; B answers 01 on arrival, then 03, 04 and 06 as its
 * people register, assign and finish it, and A sees each status. Replayed and
 * forged packets are refused with nothing stored.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Instance {
  env: TestEnv;
  server: ExchangeServer;
  tls: TlsIdentity;
}
let A: Instance;
let B: Instance;
let stpSpecialist: TestSession;
let stpHead: TestSession;
let stpDirector: TestSession;
let stpClerk: TestSession;
let stpAdmin: TestSession;
let bAdmin: TestSession;
let phuly: TestSession;
let phulyHandler: TestSession;
let phulyClerk: TestSession;

const call = async (env: TestEnv, s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
  const headers = { ...(s?.headers ?? {}), ...(method === 'POST' ? { 'idempotency-key': `k-${randomUUID()}` } : {}) };
  const r = await env.app.inject({ method, url, payload: (payload ?? (method === 'GET' ? undefined : {})) as object, headers });
  let body: Json = {};
  try { body = r.json(); } catch { /* binary */ }
  return { status: r.statusCode, body };
};
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const count = async (env: TestEnv, table: 'document' | 'doc_edxml_packet' | 'stored_file') =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(env.k.db)).rows[0]!.n;

async function letter(title: string): Promise<Buffer> {
  return renderPdf({
    meta: { title, createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số:      /STP-VP', placeDate: 'Ninh Bình, ngày      tháng      năm 2026' },
    blocks: [{ kind: 'title', text: 'Công văn', subtitle: title }, { kind: 'text', text: 'Đề nghị Sở Khoa học và Công nghệ phối hợp triển khai.' }],
  });
}

async function instance(): Promise<Instance> {
  const env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  const tls = (await ensureDevTlsIdentity(env.k, `congso exchange ${randomUUID().slice(0, 8)}`))!;
  const server = await startExchangeServer(env.k, { port: 0, host: '127.0.0.1' });
  return { env, server, tls };
}

/** Runs both outboxes until neither has anything left (packets cross both ways). */
async function settle() {
  for (let i = 0; i < 10; i++) {
    const n = (await A.env.k.outbox.drain()) + (await B.env.k.outbox.drain());
    if (!n) return;
  }
}

beforeAll(async () => {
  [A, B] = await Promise.all([instance(), instance()]);
  // Each side trusts the other's CA for signatures on documents (in production both trust the Government CA).
  copyFileSync(path.join(pkiRoot(A.env.k), 'dev', 'ca.pem'), path.join(pkiRoot(B.env.k), 'trust', 'instance-a-ca.pem'));
  copyFileSync(path.join(pkiRoot(A.env.k), 'crl', 'dev-ca.der'), path.join(pkiRoot(B.env.k), 'crl', 'instance-a-ca.der'));
  [stpSpecialist, stpHead, stpDirector, stpClerk, stpAdmin, bAdmin, phuly, phulyHandler] = await Promise.all([
    login(A.env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(A.env.app, 'truongphong.stp@ninhbinh.gov.vn'),
    login(A.env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(A.env.app, 'vanthu.stp@ninhbinh.gov.vn'),
    login(A.env.app, 'admin@ninhbinh.gov.vn'),
    login(B.env.app, 'admin@ninhbinh.gov.vn'),
    login(B.env.app, 'phuly@ninhbinh.gov.vn'),
    login(B.env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
  ]);
  // Phủ Lý has no clerk among the demo accounts: B's administrator gives it one.
  const officialId = await newOfficial(B.env.k, 'UBND-13285', 'vanthu.phuly@ninhbinh.gov.vn');
  const acc = await call(B.env, bAdmin, 'POST', '/api/admin/accounts', { officialId, email: 'vanthu.phuly@ninhbinh.gov.vn', password: 'Vanthu@2026' });
  expect((await call(B.env, bAdmin, 'POST', `/api/admin/accounts/${acc.body.id}/roles`, { role: 'clerk', unitCode: '13285' })).status).toBe(201);
  phulyClerk = await login(B.env.app, 'vanthu.phuly@ninhbinh.gov.vn', 'Vanthu@2026');
}, 180_000);
afterAll(async () => {
  await Promise.all([A?.server.close(), B?.server.close()]);
  await Promise.all([A?.env.close(), B?.env.close()]);
});

let outgoingId: string;
let documentRef: string;
let incomingId: string;

describe('agency registry', () => {
  it('only administrators register agencies; a certificate not issued by the given CA is refused', async () => {
    const entry = { name: 'UBND phường Phủ Lý', endpoint: B.server.url, certPem: B.tls.cert, caPem: B.tls.ca };
    expect((await call(A.env, stpClerk, 'PUT', '/api/documents/exchange/agencies/UBND-13285', entry)).status).toBe(403);
    // A leader holds documents.*, but where another agency's documents go is for system administrators.
    expect((await call(A.env, stpDirector, 'PUT', '/api/documents/exchange/agencies/UBND-13285', entry)).status).toBe(403);
    const wrongCa = await call(A.env, stpAdmin, 'PUT', '/api/documents/exchange/agencies/UBND-13285', { ...entry, caPem: A.tls.ca });
    expect(wrongCa.status).toBe(400);
    expect(wrongCa.body.errors[0].field).toBe('body.caPem');
    const http = await call(A.env, stpAdmin, 'PUT', '/api/documents/exchange/agencies/UBND-13285', { ...entry, endpoint: 'http://127.0.0.1/edxml' });
    expect(http.status).toBe(400);
    const ok = await call(A.env, stpAdmin, 'PUT', '/api/documents/exchange/agencies/UBND-13285', entry);
    expect(ok.status).toBe(200);
    expect(ok.body.certSha256).toBe(B.tls.sha256);
    const back = await call(B.env, bAdmin, 'PUT', '/api/documents/exchange/agencies/STP', { name: 'Sở Tư pháp', endpoint: A.server.url, certPem: A.tls.cert, caPem: A.tls.ca });
    expect(back.status).toBe(200);
    const list = await call(A.env, stpClerk, 'GET', '/api/documents/exchange/agencies');
    expect(list.body.map((x: Json) => x.organId)).toEqual(['UBND-13285']);
  });
});

describe('a document from STP (instance A) to Phủ Lý (instance B)', () => {
  it('is drafted, reviewed, signed and issued at A, and dispatch queues an edXML packet', async () => {
    const d = await call(A.env, stpSpecialist, 'POST', '/api/documents/outgoing', {
      docType: 'cong_van', summary: 'Về việc phối hợp triển khai chữ ký số trong văn bản điện tử', urgency: 'khan', copies: 2, draftingUnit: 'VP',
      recipients: [{ agencyCode: 'UBND-13285' }, { name: 'Lưu: VT' }], file: { name: 'cv.pdf', data: b64(await letter('Phối hợp triển khai chữ ký số')) },
    });
    expect(d.status).toBe(201);
    outgoingId = d.body.id;
    expect(d.body.recipients.find((r: Json) => r.organId === 'UBND-13285')).toMatchObject({ agencyId: null, status: 'pending' });
    expect((await call(A.env, stpSpecialist, 'POST', `/api/documents/${outgoingId}/actions/submit`)).body.state).toBe('reviewing');
    expect((await call(A.env, stpHead, 'POST', `/api/documents/${outgoingId}/actions/comment`, { note: 'Nêu rõ thời hạn phối hợp' })).status).toBe(200);
    expect((await call(A.env, stpHead, 'POST', `/api/documents/${outgoingId}/actions/approve`)).body.state).toBe('approved');
    const p12 = b64(readFileSync(path.join(pkiRoot(A.env.k), 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12')));
    expect((await call(A.env, stpDirector, 'POST', `/api/documents/${outgoingId}/sign`, { p12, password: DEV_PASSWORD })).body.state).toBe('signed');
    const issued = await call(A.env, stpClerk, 'POST', `/api/documents/${outgoingId}/issue`);
    expect(issued.body.state).toBe('issued');
    documentRef = documentIdOf('STP', issued.body.issuedOn, issued.body.numberSymbol);
    const sent = await call(A.env, stpClerk, 'POST', `/api/documents/${outgoingId}/dispatch`);
    expect(sent.status).toBe(200);
    expect(sent.body.state).toBe('dispatched');
    expect(sent.body.recipients.find((r: Json) => r.organId === 'UBND-13285').status).toBe('sending');
    expect(await count(B.env, 'document')).toBe(0);
  });

  it('travels over mutual TLS; B stores it as an incoming document with its signatures checked and answers 01', async () => {
    await A.env.k.outbox.drain();
    const arrived = (await call(B.env, phuly, 'GET', '/api/documents?box=incoming')).body.items;
    expect(arrived).toHaveLength(1);
    incomingId = arrived[0].id;
    const inc = await call(B.env, phuly, 'GET', `/api/documents/${incomingId}`);
    expect(inc.body).toMatchObject({ direction: 'incoming', state: 'received', issuerName: 'Sở Tư pháp', urgency: 'khan', docType: 'cong_van' });
    expect(documentIdOf('STP', inc.body.issuedOn, inc.body.numberSymbol)).toBe(documentRef);
    expect(inc.body.versions[0].indication).toBe('TOTAL_PASSED');
    expect(inc.body.versions[0].signatures.map((s: Json) => s.signer)).toEqual(['Lê Quang Huy', 'Sở Tư pháp']);
    // Delivered; the 01 is still in B's outbox.
    expect((await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}`)).body.recipients.find((r: Json) => r.organId === 'UBND-13285').status).toBe('sent');
    await B.env.k.outbox.drain();
    const sender = await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}`);
    expect(sender.body.recipients.find((r: Json) => r.organId === 'UBND-13285').status).toBe('arrived');
    const packets = await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}/packets`);
    expect(packets.body.map((p: Json) => [p.direction, p.kind, p.statusCode])).toEqual([['out', 'document', null], ['in', 'status', '01']]);
  });

  it('registered (03), assigned (04) and finished (06) at B: A sees each status', async () => {
    const status = async () => (await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}`)).body.recipients.find((r: Json) => r.organId === 'UBND-13285').status;
    const reg = await call(B.env, phulyClerk, 'POST', `/api/documents/${incomingId}/register`);
    expect(reg.status).toBe(200);
    expect(reg.body.registerNumber).toBe(1);
    await settle();
    expect(await status()).toBe('registered');
    const as = await call(B.env, phuly, 'POST', `/api/documents/${incomingId}/assign`, { leadId: phulyHandler.user.id, deadlineDays: 3 });
    expect(as.status).toBe(200);
    await settle();
    expect(await status()).toBe('assigned');
    const fin = await call(B.env, phulyHandler, 'POST', `/api/documents/${incomingId}/actions/finish`, { note: 'Đã phối hợp' });
    expect(fin.body.state).toBe('finished');
    await settle();
    expect(await status()).toBe('finished');
    const codes = (await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}/packets`)).body.filter((p: Json) => p.direction === 'in').map((p: Json) => p.statusCode);
    expect(codes).toEqual(['01', '03', '04', '06']);
  });

  it('a replayed packet is refused with nothing stored, and a retried send after a lost answer is taken as delivered', async () => {
    const sent = (await xrepo.packetsOf(A.env.k.db, outgoingId)).find((p) => p.direction === 'out' && p.kind === 'document')!;
    const xml = await packetXml(A.env.k, sent);
    const before = [await count(B.env, 'document'), await count(B.env, 'doc_edxml_packet')];
    const peer = (await xrepo.exchangeAgency(A.env.k.db, 'UBND-13285'))!;
    const again = await postPacket(B.server.url, xml, A.tls, peer);
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body)).toMatchObject({ code: 'DOCUMENTS_EDXML_REPLAY' });
    expect([await count(B.env, 'document'), await count(B.env, 'doc_edxml_packet')]).toEqual(before);
    // A's outbox sending the same packet again (its answer lost) takes "already received" as delivered.
    await expect(sendPacket(A.env.k, sent.id)).resolves.toBeUndefined();
    expect([await count(B.env, 'document'), await count(B.env, 'doc_edxml_packet')]).toEqual(before);
  });

  it('forged senders are refused with nothing stored: another certificate of the same CA, or B\'s own, claiming to be STP', async () => {
    const before = [await count(B.env, 'document'), await count(B.env, 'doc_edxml_packet')];
    const original = parsePacket(await packetXml(A.env.k, (await xrepo.packetsOf(A.env.k.db, outgoingId)).find((p) => p.kind === 'document')!));
    if (original.kind !== 'document') throw new Error('document packet expected');
    const fresh = buildDocumentPacket({ ...original, packetId: randomUUID() });
    const ca = (await loadDevCa(path.join(pkiRoot(A.env.k), 'dev')))!;
    const other = await issueCertificate(ca, { kind: 'organisation', subject: 'CN=Kẻ mạo danh, O=congso, C=VN' });
    const impostor: TlsIdentity = { key: toPem('PRIVATE KEY', other.pkcs8), cert: toPem('CERTIFICATE', other.certificate), ca: A.tls.ca, sha256: '' };
    const peer = (await xrepo.exchangeAgency(A.env.k.db, 'UBND-13285'))!;
    const r1 = await postPacket(B.server.url, fresh, impostor, peer);
    expect(r1.status).toBe(403);
    expect(JSON.parse(r1.body)).toMatchObject({ code: 'DOCUMENTS_EDXML_FORGED' });
    const r2 = await postPacket(B.server.url, fresh, B.tls, peer);
    expect(r2.status).toBe(403);
    // A status packet to A claiming to come from STP's correspondent, sent with B's certificate: A has no entry for STP, so it is refused.
    const status = buildStatusPacket({ packetId: randomUUID(), from: { organId: 'STP', organName: 'x' }, to: 'UBND-13285', documentId: documentIdOf('UBND-13285', '2026-11-20', '01/UBND-VP'), code: '06', description: '', at: new Date() });
    const r3 = await postPacket(A.server.url, status, B.tls, (await xrepo.exchangeAgency(B.env.k.db, 'STP'))!);
    expect(r3.status).toBe(403);
    // No client certificate at all: refused too.
    const bare = await postPacket(B.server.url, fresh, { ...A.tls, key: undefined as never, cert: undefined as never }, peer);
    expect(bare.status).toBe(401);
    expect([await count(B.env, 'document'), await count(B.env, 'doc_edxml_packet')]).toEqual(before);
  });

  it('malformed packets are refused naming the element; a PDF without a valid signature is refused with status 02 and its reason', async () => {
    const peer = (await xrepo.exchangeAgency(A.env.k.db, 'UBND-13285'))!;
    const before = await count(B.env, 'document');
    const doctype = await postPacket(B.server.url, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><edXMLEnvelope/>', A.tls, peer);
    expect(doctype.status).toBe(400);
    const base = parsePacket(await packetXml(A.env.k, (await xrepo.packetsOf(A.env.k.db, outgoingId)).find((p) => p.kind === 'document')!));
    if (base.kind !== 'document') throw new Error('document packet expected');
    const badType = buildDocumentPacket({ ...base, packetId: randomUUID(), docType: 'sac_lenh' });
    const r = await postPacket(B.server.url, badType, A.tls, peer);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).detail).toMatch(/DocumentType\/Type/);
    // Unsigned: a status 02 goes back with the reason; no document is created.
    const unsigned = buildDocumentPacket({ ...base, packetId: randomUUID(), documentId: documentIdOf('STP', base.promulgationDate, `99/${base.codeNotation}`), codeNumber: '99', attachment: { name: 'x.pdf', data: await letter('Không ký') } });
    const u = await postPacket(B.server.url, unsigned, A.tls, peer);
    expect(u.status).toBe(200);
    expect(JSON.parse(u.body)).toMatchObject({ status: '02' });
    expect(await count(B.env, 'document')).toBe(before);
    const out = await sql<{ status_code: string; description: string }>`SELECT status_code, description FROM doc_edxml_packet WHERE direction = 'out' AND status_code = '02'`.execute(B.env.k.db);
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0]!.description).toMatch(/chữ ký số/i);
  });
});

describe('recall over the exchange', () => {
  it('a recall (13) freezes the copy at B, which answers 15; a finished copy answers 16', async () => {
    const d = await call(A.env, stpSpecialist, 'POST', '/api/documents/outgoing', {
      docType: 'cong_van', summary: 'Về việc cử cán bộ tham dự tập huấn', draftingUnit: 'VP', recipients: [{ agencyCode: 'UBND-13285' }], file: { name: 'cv2.pdf', data: b64(await letter('Cử cán bộ tập huấn')) },
    });
    const id = d.body.id;
    await call(A.env, stpSpecialist, 'POST', `/api/documents/${id}/actions/submit`);
    await call(A.env, stpHead, 'POST', `/api/documents/${id}/actions/approve`);
    const p12 = b64(readFileSync(path.join(pkiRoot(A.env.k), 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12')));
    await call(A.env, stpDirector, 'POST', `/api/documents/${id}/sign`, { p12, password: DEV_PASSWORD });
    await call(A.env, stpClerk, 'POST', `/api/documents/${id}/issue`);
    await call(A.env, stpClerk, 'POST', `/api/documents/${id}/dispatch`);
    await settle();
    const recalled = await call(A.env, stpDirector, 'POST', `/api/documents/${id}/actions/recall`, { note: 'Sai thành phần' });
    expect(recalled.body.state).toBe('recalled');
    expect(recalled.body.recipients[0].status).toBe('recall_requested');
    await settle();
    const sender = await call(A.env, stpClerk, 'GET', `/api/documents/${id}`);
    expect(sender.body.recipients[0].status).toBe('recalled');
    const copy = (await call(B.env, phuly, 'GET', '/api/documents?box=incoming')).body.items.find((x: Json) => x.summary.includes('tập huấn'));
    expect(copy.state).toBe('recalled');
    expect((await call(B.env, phulyClerk, 'POST', `/api/documents/${copy.id}/register`)).status).toBe(409);
    // The first document is finished at B: its recall is refused (16), A sees that.
    const late = await call(A.env, stpDirector, 'POST', `/api/documents/${outgoingId}/actions/recall`, { note: 'Thu hồi' });
    expect(late.body.state).toBe('recalled');
    await settle();
    const first = await call(A.env, stpClerk, 'GET', `/api/documents/${outgoingId}`);
    expect(first.body.recipients.find((r: Json) => r.organId === 'UBND-13285')).toMatchObject({ status: 'recall_refused' });
    expect((await call(B.env, phuly, 'GET', `/api/documents/${incomingId}`)).body.state).toBe('finished');
  });
});
