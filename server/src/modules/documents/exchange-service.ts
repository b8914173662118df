import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { systemCtx, type Ctx } from '../../kernel/context.js';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { AppError, defineErrors, errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { openForSigning, validatePdf } from '../../kernel/pki/index.js';
import { getAgency, getAgencyByCode } from '../org/index.js';
import * as repo from './document.repo.js';
import type { DocumentRow } from './document.repo.js';
import { overall, recallBySystem, startIncoming } from './document.service.js';
import {
  buildDocumentPacket, buildStatusPacket, documentIdOf, EdxmlError, type DocumentPacket, parseDocumentId, parsePacket, type StatusCode, type StatusPacket,
} from './edxml.js';
import * as xrepo from './exchange-repo.js';
import { certSha256, loadTlsIdentity, peerMatches, type TlsIdentity } from './exchange-tls.js';
import { trustMaterial } from './pki.js';

/**
 * Exchange of documents between congso instances (and any system speaking the
 * same edXML over HTTPS with mutual TLS):
 *
 * - sending: dispatching an issued document to a recipient found in the agency
 *   registry writes a document packet and an outbox job in the dispatch's
 *   transaction; the job posts it to the recipient's endpoint with this
 *   instance's client certificate, retried with backoff until the receiver
 *   acknowledges it (2xx, or "already received");
 * - receiving: the client certificate must be the one registered for the
 *   packet's From organisation (fingerprint and CA); a packet id seen before
 *   is a replay; both are refused with nothing stored. A document whose
 *   signatures do not validate is answered with status 02 (refused, with the
 *   reason); otherwise it becomes an incoming document and status 01 goes back;
 * - the receiving side's registration, assignment, progress, finish and refusal
 *   send 03/04/05/06/02; a recall (13) freezes the received copy unless it is
 *   finished (15 accepted, 16 refused).
 */

defineErrors({
  DOCUMENTS_EDXML_INVALID: { status: 400, vi: 'Gói tin edXML không hợp lệ ({field}): {reason}', en: 'Invalid edXML packet ({field}): {reason}' },
  DOCUMENTS_EDXML_NO_CLIENT_CERT: { status: 401, vi: 'Kết nối trao đổi văn bản phải xuất trình chứng thư số máy khách (TLS hai chiều)', en: 'The exchange requires a TLS client certificate' },
  DOCUMENTS_EDXML_FORGED: { status: 403, vi: 'Chứng thư số của kết nối không phải của cơ quan gửi «{organ}» đã đăng ký', en: 'The client certificate is not the one registered for the sender «{organ}»' },
  DOCUMENTS_EDXML_REPLAY: { status: 409, vi: 'Gói tin {packetId} đã được nhận trước đó (gửi lặp lại)', en: 'Packet {packetId} was already received (replay)' },
  DOCUMENTS_EDXML_UNKNOWN: { status: 404, vi: 'Không có {what} «{id}» tại hệ thống nhận', en: 'No {what} «{id}» at the receiving system' },
  DOCUMENTS_EDXML_UNSUPPORTED: { status: 422, vi: 'Chưa hỗ trợ nghiệp vụ edXML loại {type}', en: 'edXML business type {type} is not supported' },
  DOCUMENTS_EXCHANGE_NOT_CONFIGURED: { status: 503, vi: 'Chưa cấu hình chứng thư TLS cho trao đổi văn bản ({path})', en: 'No TLS identity configured for the document exchange ({path})' },
  DOCUMENTS_EXCHANGE_SECRET: { status: 409, vi: 'Văn bản mật không được gửi qua trục liên thông', en: 'Secret documents may not be sent over the exchange' },
});

export const SEND_TOPIC = 'documents.edxml.send';
// Where packets for an agency go is the platform's business, not an agency leader's (leaders hold documents.*).
export const REGISTRY_ADMIN = 'system.documents.exchange';

/** Recipient statuses the sender sees, by the status code that sets them. */
export const STATUS_OF_CODE: Partial<Record<StatusCode, string>> = {
  '01': 'arrived', '02': 'refused', '03': 'registered', '04': 'assigned', '05': 'in_progress', '06': 'finished', '15': 'recalled', '16': 'recall_refused',
};
const CODE_OF_STATUS: Record<string, StatusCode> = { registered: '03', assigned: '04', in_progress: '05', finished: '06', refused: '02' };

// ——— Registry ———

export const registryEntry = (ex: Executor, organId: string) => xrepo.exchangeAgency(ex, organId);

export async function registry(k: Kernel) {
  return (await xrepo.exchangeAgencies(k.db)).map((r) => ({ organId: r.organ_id, name: r.name, endpoint: r.endpoint, certSha256: r.cert_sha256, updatedAt: r.updated_at }));
}

export interface RegistryInput {
  organId: string;
  name: string;
  endpoint: string;
  /** The peer instance's TLS certificate (PEM); its fingerprint is pinned. */
  certPem: string;
  /** The CA that issued it (PEM). */
  caPem: string;
}

export async function putRegistryEntry(k: Kernel, ctx: Ctx, input: RegistryInput) {
  let sha: string;
  try {
    sha = certSha256(input.certPem);
    certSha256(input.caPem);
  } catch {
    throw errors.field('body.certPem', 'pem', 'Chứng thư phải ở dạng PEM (-----BEGIN CERTIFICATE-----)');
  }
  if (!peerMatches(Buffer.from((await import('../../kernel/pki/index.js')).fromPemOrDer(Buffer.from(input.certPem), 'CERTIFICATE')[0]!), { cert_sha256: sha, ca_pem: input.caPem })) {
    throw errors.field('body.caPem', 'issuer', 'Chứng thư không do CA đã khai cấp, hoặc đã hết hạn');
  }
  await transaction(k.db, async (tx) => {
    await xrepo.upsertExchangeAgency(tx, { organ_id: input.organId, name: input.name, endpoint: input.endpoint, cert_sha256: sha, ca_pem: input.caPem });
    await k.audit.record(tx, ctx, { action: 'documents.exchange.registry', entity: 'doc_exchange_agency', entityId: input.organId, after: { endpoint: input.endpoint, certSha256: sha } });
  });
  return { organId: input.organId, name: input.name, endpoint: input.endpoint, certSha256: sha };
}

/**
 * The single-instance demo: `organIds` are reached over the exchange at our
 * own endpoint, authenticated by our own certificate. Real deployments
 * register other instances' endpoints and certificates instead.
 */
export async function registerSelf(k: Kernel, endpoint: string, organIds: string[]): Promise<void> {
  const id = loadTlsIdentity(k);
  if (!id) return;
  for (const code of organIds) {
    const a = await getAgencyByCode(k.db, code);
    if (!a) continue;
    await xrepo.upsertExchangeAgency(k.db, { organ_id: code, name: a.name, endpoint, cert_sha256: id.sha256, ca_pem: id.ca });
  }
}

// ——— Sending ———

/** Queues one document packet per recipient reached over the exchange (in the dispatch's transaction). */
export async function queueDocumentPackets(k: Kernel, tx: Tx, d: DocumentRow, recipients: repo.RecipientRow[]): Promise<void> {
  if (!recipients.length) return;
  if (d.secrecy !== 'none') throw new AppError('DOCUMENTS_EXCHANGE_SECRET');
  const agency = (await getAgency(tx, d.agency_id))!;
  const ref = documentIdOf(agency.code, d.issued_on!, d.number_symbol!);
  const now = new Date();
  for (const r of recipients) {
    const id = randomUUID();
    await xrepo.insertPacket(tx, { id, direction: 'out', kind: 'document', from_organ: agency.code, to_organ: r.organ_id!, document_ref: ref, document_id: d.id, recipient_id: r.id });
    await repo.updateRecipient(tx, r.id, { status: 'sending', sent_at: now, status_at: now });
    await k.outbox.enqueue(tx, SEND_TOPIC, { packetId: id }, { maxAttempts: 20 });
  }
}

async function queueStatus(k: Kernel, tx: Tx, p: { from: string; to: string; documentRef: string; code: StatusCode; description: string; documentId: string | null; recipientId?: string | null }) {
  const id = randomUUID();
  await xrepo.insertPacket(tx, {
    id, direction: 'out', kind: 'status', from_organ: p.from, to_organ: p.to, document_ref: p.documentRef, status_code: p.code, description: p.description,
    document_id: p.documentId, recipient_id: p.recipientId ?? null,
  });
  await k.outbox.enqueue(tx, SEND_TOPIC, { packetId: id }, { maxAttempts: 20 });
}

/**
 * An incoming document that arrived by edXML changed state: tell its sender
 * (03 registered, 04 assigned, 05 in progress, 06 finished, 02 refused), once per code.
 */
export async function statusChanged(k: Kernel, tx: Tx, d: DocumentRow, status: string, note?: string | null): Promise<void> {
  const code = CODE_OF_STATUS[status];
  if (!code) return;
  const o = await xrepo.origin(tx, d.id);
  if (!o) return;
  if ((await xrepo.packetsOf(tx, d.id)).some((p) => p.direction === 'out' && p.status_code === code)) return;
  const agency = (await getAgency(tx, d.agency_id))!;
  await queueStatus(k, tx, { from: agency.code, to: o.from_organ, documentRef: o.document_ref, code, description: note ?? '', documentId: d.id });
}

/** The sender recalls: a 13 to every recipient reached over the exchange that has not refused it. */
export async function queueRecall(k: Kernel, tx: Tx, d: DocumentRow, r: repo.RecipientRow, note: string): Promise<void> {
  const agency = (await getAgency(tx, d.agency_id))!;
  await queueStatus(k, tx, { from: agency.code, to: r.organ_id!, documentRef: documentIdOf(agency.code, d.issued_on!, d.number_symbol!), code: '13', description: note, documentId: d.id, recipientId: r.id });
  await xrepo.setRecipientStatus(tx, r.id, 'recall_requested', note || null);
}

/** Posts a packet over HTTPS with our client certificate; the server must present the registered certificate. */
export function postPacket(endpoint: string, xml: string, id: TlsIdentity, peer: { cert_sha256: string; ca_pem: string }): Promise<{ status: number; body: string }> {
  const u = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: u.hostname, port: u.port || 443, path: `${u.pathname}${u.search}`, method: 'POST', agent: false, timeout: 60_000,
        key: id.key, cert: id.cert, ca: peer.ca_pem,
        // The peer is who the registry says: its pinned certificate, whatever name it is reached by.
        checkServerIdentity: (_host, cert) => (certSha256(new Uint8Array(cert.raw)) === peer.cert_sha256 ? undefined : new Error(`server certificate is not the one registered for ${endpoint}`)),
        headers: { 'content-type': 'application/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, 4000) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(xml);
  });
}

export async function packetXml(k: Kernel, p: xrepo.PacketRow): Promise<string> {
  const from = await getAgencyByCode(k.db, p.from_organ);
  const fromOrgan = { organId: p.from_organ, organName: from?.name ?? p.from_organ };
  if (p.kind === 'status') {
    return buildStatusPacket({ packetId: p.id, from: fromOrgan, to: p.to_organ, documentId: p.document_ref, code: p.status_code as StatusCode, description: p.description ?? '', at: p.created_at });
  }
  const d = (await repo.document(k.db, p.document_id!))!;
  const v = (await repo.version(k.db, d.current_version_id!))!;
  const to = await xrepo.exchangeAgency(k.db, p.to_organ);
  const [num, ...rest] = d.number_symbol!.split('/');
  const packet: DocumentPacket = {
    packetId: p.id, from: fromOrgan, to: { organId: p.to_organ, organName: to?.name ?? p.to_organ }, documentId: p.document_ref,
    codeNumber: num!, codeNotation: rest.join('/'), place: 'Ninh Bình', promulgationDate: d.issued_on!, docType: d.doc_type, subject: d.summary,
    signer: { competence: d.authority, position: d.signer_title ?? '', fullName: d.signer_name ?? '' }, dueDate: d.due_date, urgency: d.urgency, secrecy: d.secrecy,
    pages: d.pages, copies: d.copies, business: '0', sentAt: p.created_at,
    attachment: { name: `${d.number_symbol!.replace(/[^\p{L}\p{N}-]+/gu, '_')}.pdf`, data: await k.files.read(v.sha256) },
  };
  return buildDocumentPacket(packet);
}

/** The outbox job: send one packet; throws (and is retried) until the receiver acknowledges it. */
export async function sendPacket(k: Kernel, packetId: string): Promise<void> {
  const p = await xrepo.packet(k.db, 'out', packetId);
  if (!p) return;
  const peer = await xrepo.exchangeAgency(k.db, p.to_organ);
  if (!peer) throw new Error(`no registry entry for ${p.to_organ}`);
  const id = loadTlsIdentity(k);
  if (!id) throw new Error('no TLS identity for the exchange (DATA_DIR/pki/exchange)');
  const res = await postPacket(peer.endpoint, await packetXml(k, p), id, peer);
  const replayed = res.status === 409 && res.body.includes('DOCUMENTS_EDXML_REPLAY');
  if (res.status >= 300 && !replayed) throw new Error(`${peer.endpoint} answered ${res.status}: ${res.body.slice(0, 300)}`);
  if (p.kind === 'document' && p.recipient_id) {
    // Delivered. Status 01 comes back on its own; do not overwrite it if it came first.
    const r = await xrepo.exchangeRecipient(k.db, p.recipient_id);
    if (r?.status === 'sending') await xrepo.setRecipientStatus(k.db, r.id, 'sent', null);
  }
}

export function registerExchangeHandlers(k: Kernel): void {
  k.outbox.on<{ packetId: string }>(SEND_TOPIC, async (m) => sendPacket(k, m.payload.packetId));
}

// ——— Receiving ———

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const problem = (e: AppError): Answer => {
  const def = e.status;
  return { status: def, body: { status: def, code: e.code, params: e.params } };
};

/**
 * Handles a packet received over mutual TLS. `peerCert` is the client
 * certificate (DER) the connection presented. Replays and forgeries are
 * refused before anything is written.
 */
export async function receivePacket(k: Kernel, peerCert: Buffer | null, body: Buffer): Promise<Answer> {
  try {
    if (!peerCert?.length) throw new AppError('DOCUMENTS_EDXML_NO_CLIENT_CERT');
    let packet;
    try {
      packet = parsePacket(body);
    } catch (e) {
      if (e instanceof EdxmlError) throw new AppError('DOCUMENTS_EDXML_INVALID', { field: e.field || '—', reason: e.message });
      throw e;
    }
    const sender = await xrepo.exchangeAgency(k.db, packet.from.organId);
    if (!sender || !peerMatches(peerCert, sender)) throw new AppError('DOCUMENTS_EDXML_FORGED', { organ: packet.from.organId });
    return packet.kind === 'document' ? await receiveDocument(k, packet) : await receiveStatus(k, packet);
  } catch (e) {
    if (e instanceof AppError) return problem(e);
    k.log.error({ err: e }, 'edxml: receiving failed');
    return { status: 500, body: { status: 500, code: 'INTERNAL' } };
  }
}

const EDXML_CTX = () => systemCtx('edXML');

async function claim(tx: Tx, p: { packetId: string; kind: 'document' | 'status'; from: string; to: string; ref: string; code?: string; description?: string; sha256?: string }) {
  const fresh = await xrepo.insertPacket(tx, {
    id: p.packetId, direction: 'in', kind: p.kind, from_organ: p.from, to_organ: p.to, document_ref: p.ref, status_code: p.code ?? null, description: p.description ?? null, sha256: p.sha256 ?? null,
  });
  if (!fresh) throw new AppError('DOCUMENTS_EDXML_REPLAY', { packetId: p.packetId });
}

async function receiveDocument(k: Kernel, p: DocumentPacket): Promise<Answer> {
  const agency = await getAgencyByCode(k.db, p.to.organId);
  if (!agency) throw new AppError('DOCUMENTS_EDXML_UNKNOWN', { what: 'cơ quan nhận', id: p.to.organId });
  if (p.business !== '0') throw new AppError('DOCUMENTS_EDXML_UNSUPPORTED', { type: p.business });
  // Checked before the transaction: a refusal (02) keeps only the packet's record.
  let reason: string | null = null;
  let pages = 0;
  try {
    pages = (await openForSigning(new Uint8Array(p.attachment.data))).getPages().length;
    const report = await validatePdf(new Uint8Array(p.attachment.data), await trustMaterial(k));
    const bad = report.signatures.find((s) => s.indication !== 'TOTAL_PASSED');
    if (!report.signatures.length) reason = 'Văn bản không có chữ ký số';
    else if (bad) reason = `Chữ ký số không hợp lệ (${bad.indication}${bad.subIndication ? '/' + bad.subIndication : ''}): ${bad.message.vi}`;
    else if (overall(report) !== 'TOTAL_PASSED') reason = 'Chữ ký số không hợp lệ';
  } catch (e) {
    if (e instanceof AppError && e.code === 'DOCUMENTS_NO_TRUST') throw e;
    if (e instanceof AppError && e.code === 'PKI_NO_SIGNATURE') reason = 'Văn bản không có chữ ký số';
    else reason = e instanceof AppError ? `Tệp PDF không hợp lệ (${e.code})` : 'Tệp PDF không hợp lệ';
  }
  const ctx = EDXML_CTX();
  const sha256 = (await import('node:crypto')).createHash('sha256').update(p.attachment.data).digest('hex');
  return transaction(k.db, async (tx) => {
    await claim(tx, { packetId: p.packetId, kind: 'document', from: p.from.organId, to: p.to.organId, ref: p.documentId, sha256, code: reason ? '02' : '01', description: reason ?? '' });
    if (reason) {
      await queueStatus(k, tx, { from: agency.code, to: p.from.organId, documentRef: p.documentId, code: '02', description: reason, documentId: null });
      return { status: 200, body: { packetId: p.packetId, status: '02', reason } };
    }
    const stored = await k.files.put(tx, ctx, p.attachment.name, p.attachment.data, { allow: ['application/pdf'] });
    const d = await startIncoming(k, tx, ctx, {
      agencyId: agency.id, key: `edxml:${p.packetId}`, sourceDocumentId: null,
      meta: {
        docType: p.docType, summary: p.subject, secrecy: p.secrecy, urgency: p.urgency, pages: p.pages, copies: p.copies, dueDate: p.dueDate,
        signerName: p.signer.fullName || null, signerTitle: p.signer.position || null, authority: p.signer.competence,
      },
      numberSymbol: `${p.codeNumber}/${p.codeNotation}`, issuedOn: p.promulgationDate, issuerName: p.from.organName || p.from.organId, issuerAgencyId: null,
      file: { fileId: stored.id, sha256: stored.sha256, bytes: p.attachment.data, pages },
    });
    await xrepo.insertOrigin(tx, { document_id: d.id, from_organ: p.from.organId, document_ref: p.documentId, packet_id: p.packetId });
    await tx.updateTable('doc_edxml_packet').set({ document_id: d.id }).where('direction', '=', 'in').where('id', '=', p.packetId).execute();
    await k.audit.record(tx, ctx, { action: 'documents.edxml.receive', entity: 'document', entityId: d.id, after: { packetId: p.packetId, from: p.from.organId, documentId: p.documentId } });
    await queueStatus(k, tx, { from: agency.code, to: p.from.organId, documentRef: p.documentId, code: '01', description: '', documentId: d.id });
    return { status: 200, body: { packetId: p.packetId, status: '01' } };
  });
}

async function receiveStatus(k: Kernel, p: StatusPacket): Promise<Answer> {
  const agency = await getAgencyByCode(k.db, p.to);
  if (!agency) throw new AppError('DOCUMENTS_EDXML_UNKNOWN', { what: 'cơ quan nhận', id: p.to });
  const ref = parseDocumentId(p.documentId)!;
  return transaction(k.db, async (tx) => {
    await claim(tx, { packetId: p.packetId, kind: 'status', from: p.from.organId, to: p.to, ref: p.documentId, code: p.code, description: p.description });
    if (p.code === '13') {
      // The issuer asks to recall a document it sent us: only the issuer may (the DocumentId is its own).
      if (ref.organId !== p.from.organId) throw new AppError('DOCUMENTS_EDXML_FORGED', { organ: p.from.organId });
      const inc = await xrepo.incomingByRef(tx, p.from.organId, p.documentId, agency.id);
      if (!inc) throw new AppError('DOCUMENTS_EDXML_UNKNOWN', { what: 'văn bản', id: p.documentId });
      await tx.updateTable('doc_edxml_packet').set({ document_id: inc.id }).where('direction', '=', 'in').where('id', '=', p.packetId).execute();
      const accepted = !['finished', 'refused', 'recalled'].includes(inc.state);
      if (accepted) await recallBySystem(k, tx, EDXML_CTX(), inc.id, p.description, `edxml:${p.packetId}`);
      const answer = accepted ? 'Đã thu hồi văn bản theo yêu cầu' : 'Văn bản đã xử lý xong, không thể thu hồi';
      await queueStatus(k, tx, { from: agency.code, to: p.from.organId, documentRef: p.documentId, code: accepted ? '15' : '16', description: answer, documentId: inc.id });
      return { status: 200, body: { packetId: p.packetId, status: accepted ? '15' : '16' } };
    }
    // An answer about a document we sent: the DocumentId must be ours (the To agency's).
    if (ref.organId !== agency.code) throw new AppError('DOCUMENTS_EDXML_UNKNOWN', { what: 'văn bản', id: p.documentId });
    const r = await xrepo.recipientByRef(tx, agency.id, ref.date, ref.numberSymbol, p.from.organId);
    if (!r) throw new AppError('DOCUMENTS_EDXML_UNKNOWN', { what: 'văn bản', id: p.documentId });
    await tx.updateTable('doc_edxml_packet').set({ document_id: r.document_id, recipient_id: r.recipient_id }).where('direction', '=', 'in').where('id', '=', p.packetId).execute();
    const status = STATUS_OF_CODE[p.code];
    // Statuses may cross on the network: a late 01 never takes a recipient back from "registered".
    const order = ['pending', 'sending', 'sent', 'arrived', 'registered', 'assigned', 'in_progress', 'finished'];
    const later = order.indexOf(status ?? '') >= 0 && order.indexOf(r.status) > order.indexOf(status!);
    if (status && !later) await xrepo.setRecipientStatus(tx, r.recipient_id, status, p.description || null);
    await k.audit.record(tx, EDXML_CTX(), { action: 'documents.edxml.status', entity: 'document', entityId: r.document_id, after: { from: p.from.organId, code: p.code } });
    return { status: 200, body: { packetId: p.packetId, status: p.code } };
  });
}

/** The packets of a document (who sent what, when), for the people who read it. */
export async function packetsOf(k: Kernel, documentId: string) {
  return (await xrepo.packetsOf(k.db, documentId)).map((p) => ({
    id: p.id, direction: p.direction, kind: p.kind, from: p.from_organ, to: p.to_organ, statusCode: p.status_code, description: p.description, at: p.created_at,
  }));
}
