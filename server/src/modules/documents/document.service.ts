import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { Ctx } from '../../kernel/context.js';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import { type Actor, can, scopesFor } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { vnDateTime } from '../../kernel/pdf/index.js';
import {
  decree30TextLines, loadP12, openForSigning, sealPlacementOver, signPdf, validatePdf, type Placement, type RemoteSigner, type ValidationReport,
} from '../../kernel/pki/index.js';
import { allowedActions, type CaseView, label, mayTake } from '../../kernel/workflow/index.js';
import { getAccount, loadActor } from '../identity/index.js';
import { type AgencyRow, getAgency, getAgencyByCode } from '../org/index.js';
import * as repo from './document.repo.js';
import * as searchRepo from './search.repo.js';
import type { Direction, DocumentRow } from './document.repo.js';
import { documentsErrors } from './errors.js';
import { indexText, ocrView } from './ocr.js';
import { draftPdf } from './convert.js';
import { INCOMING_SPECIAL, INCOMING_TYPE, incomingCaseType } from './incoming.workflow.js';
import { OUTGOING_SPECIAL, OUTGOING_TYPE, outgoingCaseType } from './outgoing.workflow.js';
import { orgSigner, sealImage, trustMaterial } from './pki.js';
import { queueDocumentPackets, queueRecall, registryEntry, statusChanged } from './exchange-service.js';
import { docType, numberSymbol, SECRECY, type Secrecy, sequenceOf, URGENCY, type Urgency, vnDay, vnYear } from './types.js';

/**
 * Official documents: outgoing ones from draft to dispatch (opinions,
 * approval, the leader's PAdES signature, number and date with the
 * organisation's signature), incoming ones from arrival to the finished reply,
 * registers with Decree 30 numbering, files (hồ sơ công việc), search and
 * signature checks. Each document is a case on the case engine; this service
 * keeps the document's row in step with it in the same transaction.
 */

export const READ = 'documents.read';
export const DRAFT = 'documents.draft';
export const REGISTER = 'documents.register';
const run = promisify(execFile);
const MM = 72 / 25.4;

export interface FileInput {
  name: string;
  data: Buffer;
}

export interface Metadata {
  docType: string;
  normative?: boolean;
  summary: string;
  secrecy?: Secrecy;
  urgency?: Urgency;
  pages?: number | null;
  copies?: number | null;
  dueDate?: string | null;
  signerName?: string | null;
  signerTitle?: string | null;
  authority?: string;
  draftingUnit?: string | null;
}

const caseTypeOf = (d: Pick<DocumentRow, 'direction'>) => (d.direction === 'outgoing' ? outgoingCaseType : incomingCaseType);
const stateLabel = (d: Pick<DocumentRow, 'direction' | 'state'>) => (caseTypeOf(d).labels as Record<string, string>)[d.state] ?? d.state;
const scopeOf = (d: Pick<DocumentRow, 'unit_path' | 'agency_id'>) => ({ unitPath: d.unit_path, agencyId: d.agency_id });

// ——— Who ———

/** The agency the actor works for: its own, else the one agency its grants for `action` name. */
export async function actorAgency(ex: Executor, actor: Actor | null, action: string): Promise<AgencyRow> {
  if (!actor) throw errors.unauthenticated();
  const id = actor.agencyId ?? actor.grants.find((g) => g.scope.agencyId && can({ ...actor, grants: [g] }, action))?.scope.agencyId;
  const agency = id ? await getAgency(ex, id) : undefined;
  if (!agency) throw documentsErrors.noAgency();
  return agency;
}

async function isHandler(ex: Executor, id: string, actor: Actor | null): Promise<'lead' | 'co' | null> {
  if (!actor) return null;
  return (await repo.handlers(ex, id)).find((h) => h.account_id === actor.id)?.role ?? null;
}

/** The document if the actor may read it: its scope, or one of its handlers (whatever their scope). */
async function readable(ex: Executor, ctx: Ctx, id: string, lock = false): Promise<DocumentRow> {
  if (!ctx.actor) throw errors.unauthenticated();
  const d = /^[0-9a-f-]{36}$/i.test(id) ? await repo.document(ex, id, lock) : undefined;
  if (!d) throw documentsErrors.notFound();
  if (ctx.actor.kind !== 'system' && !can(ctx.actor, READ, scopeOf(d)) && !(await isHandler(ex, id, ctx.actor))) throw documentsErrors.notFound();
  return d;
}

// ——— Files ———

/** Checks a PDF's structure the way signing will (not encrypted, no JavaScript or embedded files) and counts its pages. */
async function inspectPdf(data: Buffer): Promise<number> {
  const pdf = await openForSigning(new Uint8Array(data));
  return pdf.getPages().length;
}

/** The text of a PDF (poppler's pdftotext), for search; '' when it has none (a scan). */
export async function pdfText(data: Uint8Array): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-doc-'));
  try {
    const file = path.join(dir, 'in.pdf');
    await writeFile(file, data);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024 });
    return stdout.replace(/\f/g, '\n').replace(/[ \t]+/g, ' ').trim();
  } catch {
    return '';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function addVersion(
  k: Kernel, tx: Tx, ctx: Ctx, d: DocumentRow,
  v: { kind: repo.VersionRow['kind']; name: string; data: Buffer; note?: string | null; validation?: ValidationReport | null; pages?: number },
): Promise<repo.VersionRow> {
  const pages = v.pages ?? (await inspectPdf(v.data));
  const stored = await k.files.put(tx, ctx, v.name, v.data, { allow: ['application/pdf'] });
  const indication = v.validation ? overall(v.validation) : null;
  const row = await repo.insertVersion(tx, {
    document_id: d.id, kind: v.kind, file_id: stored.id, sha256: stored.sha256, pages, note: v.note ?? null,
    validation: v.validation ?? null, indication, created_by: ctx.actor?.id ?? null, created_by_name: ctx.actor?.name ?? null,
  });
  await repo.updateDocument(tx, d.id, { current_version_id: row.id, pages: d.pages ?? pages });
  await indexText(k, tx, d.id, row.id, v.data);
  return row;
}

/** The worst indication of a report: TOTAL_PASSED only if every signature passed. */
export function overall(r: ValidationReport): string {
  const order = ['TOTAL_FAILED', 'INDETERMINATE', 'TOTAL_PASSED'];
  return r.signatures.map((s) => s.indication).sort((a, b) => order.indexOf(a) - order.indexOf(b))[0] ?? 'NO_SIGNATURE';
}

async function currentBytes(k: Kernel, ex: Executor, d: DocumentRow): Promise<{ version: repo.VersionRow; bytes: Buffer }> {
  if (!d.current_version_id) throw documentsErrors.noFile();
  const version = (await repo.version(ex, d.current_version_id))!;
  return { version, bytes: await k.files.read(version.sha256) };
}

// ——— Outgoing ———

export interface CreateOutgoingInput extends Metadata {
  recipients: { agencyCode?: string; name?: string }[];
  file?: FileInput;
}

async function recipientRows(ex: Executor, documentId: string, list: CreateOutgoingInput['recipients']) {
  const rows = [];
  const seen = new Set<string>();
  for (const [i, r] of list.entries()) {
    // An agency in the exchange registry is reached by edXML (exchange-service.ts), even when it also lives here.
    const remote = r.agencyCode ? await registryEntry(ex, r.agencyCode) : undefined;
    if (remote) {
      if (seen.has(remote.organ_id)) continue;
      seen.add(remote.organ_id);
      rows.push({ document_id: documentId, agency_id: null, organ_id: remote.organ_id, name: remote.name, status: 'pending' });
    } else if (r.agencyCode) {
      const a = await getAgencyByCode(ex, r.agencyCode);
      if (!a) throw errors.field(`body.recipients.${i}.agencyCode`, 'exists', `Cơ quan nhận «${r.agencyCode}» không tồn tại`);
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      rows.push({ document_id: documentId, agency_id: a.id, name: a.name, status: 'pending' });
    } else if (r.name) {
      rows.push({ document_id: documentId, agency_id: null, name: r.name, status: 'pending' });
    }
  }
  return rows;
}

export async function createOutgoing(k: Kernel, ctx: Ctx, input: CreateOutgoingInput, key: string) {
  const agency = await actorAgency(k.db, ctx.actor, DRAFT);
  if (!can(ctx.actor, DRAFT, { unitPath: agency.unit_path, agencyId: agency.id })) throw errors.forbidden(DRAFT);
  if (input.file) input = { ...input, file: await draftPdf(input.file) }; // a .docx draft becomes its PDF
  if (input.file) await inspectPdf(input.file.data); // refuse a bad PDF before anything is written
  const id = await transaction(k.db, async (tx) => {
    const { case: c, replayed } = await k.workflow.start(tx, ctx, {
      type: OUTGOING_TYPE, unitPath: agency.unit_path, agencyId: agency.id, idempotencyKey: key,
      data: { summary: input.summary, docType: input.docType },
    });
    if (replayed) return c.id;
    const d = await repo.insertDocument(tx, {
      id: c.id, direction: 'outgoing', agency_id: agency.id, unit_path: agency.unit_path, doc_type: input.docType, normative: !!input.normative,
      summary: input.summary, issuer_name: agency.name, issuer_agency_id: agency.id, signer_name: input.signerName ?? null,
      signer_title: input.signerTitle ?? null, authority: input.authority ?? '', secrecy: input.secrecy ?? 'none', urgency: input.urgency ?? 'normal',
      pages: input.pages ?? null, copies: input.copies ?? null, due_date: input.dueDate ?? null, drafting_unit: input.draftingUnit ?? null,
      recipients_text: input.recipients.map((r) => r.name ?? r.agencyCode).join('; '), state: c.state, created_by: ctx.actor?.id ?? null,
    });
    await repo.insertRecipients(tx, await recipientRows(tx, d.id, input.recipients));
    if (input.file) await addVersion(k, tx, ctx, d, { kind: 'draft', ...input.file });
    return c.id;
  });
  return view(k, ctx, id);
}

/** A new draft (PDF, or .docx converted) while the document is being drafted or reviewed: every draft is kept. */
export async function addDraft(k: Kernel, ctx: Ctx, id: string, file: FileInput, note?: string) {
  const { data, name } = await draftPdf(file);
  await inspectPdf(data);
  await transaction(k.db, async (tx) => {
    const d = await readable(tx, ctx, id, true);
    if (d.direction !== 'outgoing') throw documentsErrors.state('thay dự thảo', stateLabel(d));
    if (!['draft', 'reviewing'].includes(d.state)) throw d.state === 'recalled' ? documentsErrors.frozen() : documentsErrors.state('thay dự thảo', stateLabel(d));
    if (!can(ctx.actor, DRAFT, scopeOf(d))) throw errors.forbidden(DRAFT);
    await addVersion(k, tx, ctx, d, { kind: 'draft', name, data, note });
    await k.audit.record(tx, ctx, { action: 'documents.draft.upload', entity: 'document', entityId: d.id, after: { name } });
  });
  return view(k, ctx, id);
}

async function lockedCase(k: Kernel, tx: Tx, ctx: Ctx, id: string, action: string, direction: Direction): Promise<{ d: DocumentRow; c: CaseView }> {
  const d = await readable(tx, ctx, id, true);
  if (d.direction !== direction) throw documentsErrors.notFound();
  const c = (await k.workflow.get(id, tx))!;
  const a = c.definition.actions[action];
  if (!a || !a.from.includes(c.state)) {
    if (['recalled', 'cancelled', 'refused', 'finished'].includes(c.state)) throw documentsErrors.frozen();
    throw documentsErrors.state(label(c.definition, action).toLowerCase(), label(c.definition, c.state));
  }
  if (!mayTake(c.definition, c, action, ctx.actor)) throw errors.forbidden(`${c.type}.${action}`);
  return { d, c };
}

function sameName(a: string, b: string): boolean {
  const n = (s: string) => s.normalize('NFC').trim().toLocaleLowerCase('vi').replace(/\s+/g, ' ');
  return n(a) === n(b);
}

async function checkedSignatures(k: Kernel, bytes: Uint8Array): Promise<ValidationReport> {
  const trust = await trustMaterial(k);
  const report = await validatePdf(bytes, trust);
  const bad = report.signatures.find((s) => s.indication !== 'TOTAL_PASSED');
  if (bad) throw documentsErrors.signatureInvalid(`${bad.indication}${bad.subIndication ? '/' + bad.subIndication : ''}: ${bad.message.vi}`);
  return report;
}

/** Where the leader's signature goes: above the signer's name, bottom right of the last page. */
function signerPlacement(pdf: Awaited<ReturnType<typeof openForSigning>>): Placement {
  const last = pdf.getPages().length - 1;
  const box = pdf.getPage(last)!.getMediaBox();
  return { page: last, x: box.x + box.width - 15 * MM - 75 * MM, y: box.y + 25 * MM, width: 75 * MM, height: 22 * MM };
}

/**
 * The leader's signature made over the document's current PDF with `signer`
 * (outside any lock: a remote signer waits for the official's confirmation).
 * The certificate must be the signer's own; `image` (a PNG of their
 * handwritten signature) makes the appearance that image (Decree 30 appendix I),
 * otherwise it is text.
 */
export interface PreparedSignature {
  versionId: string;
  bytes: Uint8Array;
  cn: string;
  title: string | null;
  pages: number;
}

export async function prepareSignature(k: Kernel, ex: Executor, ctx: Ctx, d: DocumentRow, signer: RemoteSigner, image?: Uint8Array): Promise<PreparedSignature> {
  const cert = await import('@peculiar/x509').then((x) => new x.X509Certificate(signer.certificate.slice()));
  const cn = cert.subjectName.getField('CN')[0] ?? cert.subject;
  if (!sameName(cn, ctx.actor!.name)) throw documentsErrors.signerMismatch(cn, ctx.actor!.name);
  const title = cert.subjectName.getField('2.5.4.12')[0] ?? d.signer_title ?? null;
  const { version, bytes } = await currentBytes(k, ex, d);
  const now = new Date();
  const pdf = await openForSigning(new Uint8Array(bytes));
  const placement = signerPlacement(pdf);
  const lines = [`${d.authority ? d.authority + ' ' : ''}${title ?? ''}`.trim(), `Người ký: ${cn}`, `Thời gian ký: ${vnDateTime(now)}`].filter(Boolean);
  const signed = await signPdf(new Uint8Array(bytes), {
    signer, level: 'B-B', signingTime: now, reason: 'Ký ban hành văn bản', location: 'Ninh Bình',
    appearance: image ? { kind: 'image', image } : { kind: 'text', lines }, placement, crls: (await trustMaterial(k)).crls,
  });
  return { versionId: version.id, bytes: signed.bytes, cn, title, pages: placement.page + 1 };
}

/** Keeps a prepared signature (it must validate, and the PDF must not have changed meanwhile) and takes the case's `sign` action. */
export async function storeSignature(k: Kernel, tx: Tx, ctx: Ctx, id: string, p: PreparedSignature, key: string): Promise<string> {
  const { d } = await lockedCase(k, tx, ctx, id, 'sign', 'outgoing');
  if (d.current_version_id !== p.versionId) throw documentsErrors.state('ký', 'đã có bản dự thảo mới');
  const validation = await checkedSignatures(k, p.bytes);
  const v = await addVersion(k, tx, ctx, d, { kind: 'signed', name: `van-ban-da-ky-${d.id.slice(0, 8)}.pdf`, data: Buffer.from(p.bytes), validation, pages: p.pages });
  await repo.updateDocument(tx, d.id, { signer_name: p.cn, signer_title: p.title });
  await actOn(k, tx, ctx, d, 'sign', { versionId: v.id, signer: p.cn }, key);
  return v.id;
}

/** Checks the actor may sign the document now (state, role, scope), without keeping the lock. */
export async function maySign(k: Kernel, ctx: Ctx, id: string): Promise<DocumentRow> {
  return transaction(k.db, async (tx) => (await lockedCase(k, tx, ctx, id, 'sign', 'outgoing')).d);
}

/** The leader signs with the PKCS#12 given for this signature (used in memory, never stored). */
export async function sign(k: Kernel, ctx: Ctx, id: string, p12: { data: Buffer; password: string; image?: Buffer | Uint8Array }, key: string) {
  const signer = await loadP12(new Uint8Array(p12.data), p12.password);
  await transaction(k.db, async (tx) => {
    const { d } = await lockedCase(k, tx, ctx, id, 'sign', 'outgoing');
    const prepared = await prepareSignature(k, tx, ctx, d, signer, p12.image ? new Uint8Array(p12.image) : undefined);
    await storeSignature(k, tx, ctx, id, prepared, key);
  });
  return view(k, ctx, id);
}

/** Where the leader's signature and, at issuance, the agency's seal go (points on the last page), for the signing screen's preview. */
export async function signingLayout(k: Kernel, ctx: Ctx, id: string) {
  const d = await readable(k.db, ctx, id);
  const { bytes } = await currentBytes(k, k.db, d);
  const pdf = await openForSigning(new Uint8Array(bytes));
  const signer = signerPlacement(pdf);
  const box = pdf.getPage(signer.page)!.getMediaBox();
  const agency = (await getAgency(k.db, d.agency_id))!;
  const seal = sealImage(k, agency.code);
  return {
    page: signer.page, pages: pdf.getPages().length, pageWidth: box.width, pageHeight: box.height,
    signer: { x: signer.x - box.x, y: signer.y - box.y, width: signer.width, height: signer.height },
    seal: seal ? (({ x, y, width, height }) => ({ x: x - box.x, y: y - box.y, width, height }))(sealPlacementOver(signer)) : null,
    agencyCode: agency.code, agencyName: agency.name,
  };
}

/** The agency's seal image, for the preview (whoever may read the document). */
export async function agencySeal(k: Kernel, ctx: Ctx, id: string): Promise<Uint8Array> {
  const d = await readable(k.db, ctx, id);
  const agency = (await getAgency(k.db, d.agency_id))!;
  const seal = sealImage(k, agency.code);
  if (!seal) throw documentsErrors.noOrgKey(agency.code, `org/${agency.code}.seal.png`);
  return seal;
}

/** A page of the current PDF as a PNG (poppler's pdftoppm), for the preview; `page` from 0. */
export async function pagePng(k: Kernel, ctx: Ctx, id: string, page: number, dpi = 60): Promise<Buffer> {
  const d = await readable(k.db, ctx, id);
  const { version, bytes } = await currentBytes(k, k.db, d);
  const pages = version.pages ?? (await inspectPdf(bytes));
  if (page >= pages) throw errors.field('query.page', 'max', `Văn bản có ${pages} trang`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-page-'));
  try {
    const file = path.join(dir, 'in.pdf');
    await writeFile(file, bytes);
    await run('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', '-f', String(page + 1), '-l', String(page + 1), file, path.join(dir, 'out')], { timeout: 60_000 });
    return await readFile(path.join(dir, 'out.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The clerk issues: the next number of the agency's register for the year and
 * sequence, the number/symbol and date, stamped by the organisation's
 * signature as a second incremental revision (text at the top right of page
 * 1, Decree 30 appendix I), which leaves the leader's signature intact.
 */
export async function issue(k: Kernel, ctx: Ctx, id: string, key: string) {
  await transaction(k.db, async (tx) => {
    const { d } = await lockedCase(k, tx, ctx, id, 'issue', 'outgoing');
    const agency = (await getAgency(tx, d.agency_id))!;
    const org: RemoteSigner = await orgSigner(k, agency.code);
    const now = new Date();
    const year = vnYear(now);
    const n = await repo.takeNumber(tx, d.agency_id, year, 'outgoing', sequenceOf(d));
    const ns = numberSymbol({ number: n.number, year, type: d.doc_type, agencyCode: agency.code, draftingUnit: d.drafting_unit, normative: d.normative });
    const { bytes } = await currentBytes(k, tx, d);
    const trust = await trustMaterial(k);
    // With the agency's seal image, the organisation's signature shows the seal over the left
    // third of the leader's signature (Decree 30 appendix I); otherwise the text box at the top
    // right of page 1.
    const seal = sealImage(k, agency.code);
    const signed = await signPdf(new Uint8Array(bytes), {
      signer: org, level: 'B-B', signingTime: now, reason: `Phát hành văn bản số ${ns.numberSymbol}`, location: 'Ninh Bình',
      ...(seal
        ? { appearance: { kind: 'image' as const, seal }, placement: sealPlacementOver(signerPlacement(await openForSigning(new Uint8Array(bytes)))) }
        : { appearance: { kind: 'text' as const, lines: decree30TextLines({ organisation: agency.name, number: ns.numberSymbol, time: now }) } }),
      crls: trust.crls,
    });
    const validation = await checkedSignatures(k, signed.bytes);
    const v = await addVersion(k, tx, ctx, d, { kind: 'issued', name: `${ns.numberSymbol.replace(/\//g, '_')}.pdf`, data: Buffer.from(signed.bytes), validation });
    await repo.updateDocument(tx, d.id, {
      number: n.number, symbol: ns.symbol, number_symbol: ns.numberSymbol, issued_on: vnDay(now), register_id: n.registerId, register_number: n.number, registered_at: now,
    });
    await actOn(k, tx, ctx, d, 'issue', { versionId: v.id, numberSymbol: ns.numberSymbol }, key);
  });
  return view(k, ctx, id);
}

/** Sends the issued document: each recipient agency of this instance receives it as an incoming document at once. */
export async function dispatch(k: Kernel, ctx: Ctx, id: string, key: string) {
  await transaction(k.db, async (tx) => {
    const { d } = await lockedCase(k, tx, ctx, id, 'dispatch', 'outgoing');
    const list = await repo.recipients(tx, d.id);
    if (!list.length) throw documentsErrors.noRecipients();
    const { version, bytes } = await currentBytes(k, tx, d);
    const now = new Date();
    await queueDocumentPackets(k, tx, d, list.filter((r) => r.organ_id));
    for (const r of list) {
      if (r.organ_id) continue;
      if (!r.agency_id) {
        await repo.updateRecipient(tx, r.id, { status: 'sent', sent_at: now, status_at: now });
        continue;
      }
      const incoming = await startIncoming(k, tx, ctx, {
        agencyId: r.agency_id, key: `${key}:${r.agency_id}`, sourceDocumentId: d.id,
        meta: {
          docType: d.doc_type, normative: d.normative, summary: d.summary, secrecy: d.secrecy, urgency: d.urgency, pages: d.pages, copies: d.copies,
          dueDate: d.due_date, signerName: d.signer_name, signerTitle: d.signer_title, authority: d.authority,
        },
        numberSymbol: d.number_symbol!, issuedOn: d.issued_on, issuerName: d.issuer_name, issuerAgencyId: d.agency_id,
        file: { fileId: version.file_id, sha256: version.sha256, bytes, pages: version.pages },
      });
      await repo.updateRecipient(tx, r.id, { status: 'arrived', sent_at: now, status_at: now, incoming_id: incoming.id });
    }
    await repo.updateDocument(tx, d.id, { sent_at: now });
    await actOn(k, tx, ctx, d, 'dispatch', {}, key);
  });
  return view(k, ctx, id);
}

/** Takes a case action and keeps the document's state in step. */
async function actOn(k: Kernel, tx: Tx, ctx: Ctx, d: DocumentRow, action: string, payload: Record<string, unknown>, key: string) {
  const r = await k.workflow.act(tx, ctx, d.id, action, payload, { idempotencyKey: key });
  if (!r.replayed) await repo.updateDocument(tx, d.id, { state: r.case.state });
  return r;
}

// ——— Incoming ———

export interface IncomingMeta extends Metadata {
  numberSymbol?: string;
}

export interface StartIncoming {
  agencyId: string;
  key: string;
  sourceDocumentId: string | null;
  meta: Metadata;
  numberSymbol: string;
  issuedOn: string | null;
  issuerName: string;
  issuerAgencyId: string | null;
  file: { fileId: string; sha256: string; bytes: Buffer; pages: number | null };
}

/** The account acting, or null for the platform itself (the edXML exchange receiving). */
const accountId = (ctx: Ctx) => (ctx.actor && ctx.actor.kind !== 'system' ? ctx.actor.id : null);

export async function startIncoming(k: Kernel, tx: Tx, ctx: Ctx, s: StartIncoming): Promise<DocumentRow> {
  const agency = (await getAgency(tx, s.agencyId))!;
  const { case: c, replayed } = await k.workflow.start(tx, ctx, {
    type: INCOMING_TYPE, unitPath: agency.unit_path, agencyId: agency.id, idempotencyKey: s.key,
    data: { numberSymbol: s.numberSymbol, issuerName: s.issuerName },
  });
  if (replayed) return (await repo.document(tx, c.id))!;
  let validation: ValidationReport | null = null;
  try {
    validation = await validatePdf(new Uint8Array(s.file.bytes), await trustMaterial(k));
  } catch (e) {
    // An unsigned scan, or no trust configured: the clerk sees that no signature could be checked.
    if (!(e instanceof Error && 'code' in e && ['PKI_NO_SIGNATURE', 'DOCUMENTS_NO_TRUST'].includes((e as { code: string }).code))) throw e;
  }
  const m = s.meta;
  const d = await repo.insertDocument(tx, {
    id: c.id, direction: 'incoming', agency_id: agency.id, unit_path: agency.unit_path, doc_type: m.docType, normative: !!m.normative, summary: m.summary,
    number_symbol: s.numberSymbol, issued_on: s.issuedOn, issuer_name: s.issuerName, issuer_agency_id: s.issuerAgencyId,
    signer_name: m.signerName ?? null, signer_title: m.signerTitle ?? null, authority: m.authority ?? '', secrecy: m.secrecy ?? 'none', urgency: m.urgency ?? 'normal',
    pages: m.pages ?? s.file.pages, copies: m.copies ?? null, due_date: m.dueDate ?? null, arrived_at: new Date(), source_document_id: s.sourceDocumentId,
    state: c.state, created_by: accountId(ctx),
  });
  const v = await repo.insertVersion(tx, {
    document_id: d.id, kind: 'received', file_id: s.file.fileId, sha256: s.file.sha256, pages: s.file.pages, note: null,
    validation, indication: validation ? overall(validation) : 'NO_SIGNATURE', created_by: accountId(ctx), created_by_name: ctx.actor?.name ?? null,
  });
  await repo.updateDocument(tx, d.id, { current_version_id: v.id });
  await indexText(k, tx, d.id, v.id, s.file.bytes);
  return d;
}

export interface ReceiveInput extends Metadata {
  numberSymbol: string;
  issuedOn?: string | null;
  issuerName: string;
  file: FileInput;
}

/** The clerk receives a document by upload (paper scanned, e-mail, the national axis by hand). */
export async function receive(k: Kernel, ctx: Ctx, input: ReceiveInput, key: string) {
  const agency = await actorAgency(k.db, ctx.actor, REGISTER);
  if (!can(ctx.actor, REGISTER, { unitPath: agency.unit_path, agencyId: agency.id })) throw errors.forbidden(REGISTER);
  const pages = await inspectPdf(input.file.data);
  const id = await transaction(k.db, async (tx) => {
    const stored = await k.files.put(tx, ctx, input.file.name, input.file.data, { allow: ['application/pdf'] });
    const d = await startIncoming(k, tx, ctx, {
      agencyId: agency.id, key, sourceDocumentId: null, meta: input, numberSymbol: input.numberSymbol.trim(), issuedOn: input.issuedOn ?? null,
      issuerName: input.issuerName.trim(), issuerAgencyId: null, file: { fileId: stored.id, sha256: stored.sha256, bytes: input.file.data, pages },
    });
    return d.id;
  });
  return view(k, ctx, id);
}

async function senderStatus(k: Kernel, tx: Tx, d: DocumentRow, status: string, note?: string | null) {
  await statusChanged(k, tx, d, status, note); // arrived by edXML: a status packet to the sender
  if (!d.source_document_id) return;
  const r = await repo.recipientOfIncoming(tx, d.id);
  if (r) await repo.updateRecipient(tx, r.id, { status, status_at: new Date() });
}

/** Registers an arrived document with the next arrival number of the agency's incoming register for the year. */
export async function registerIncoming(k: Kernel, ctx: Ctx, id: string, key: string) {
  await transaction(k.db, async (tx) => {
    const { d } = await lockedCase(k, tx, ctx, id, 'register', 'incoming');
    const now = new Date();
    const n = await repo.takeNumber(tx, d.agency_id, vnYear(now), 'incoming', d.secrecy === 'none' ? 'regular' : 'secret');
    await repo.updateDocument(tx, d.id, { register_id: n.registerId, register_number: n.number, registered_at: now });
    await actOn(k, tx, ctx, d, 'register', { arrivalNumber: n.number }, key);
    await senderStatus(k, tx, d, 'registered');
  });
  return view(k, ctx, id);
}

export interface AssignInput {
  leadId: string;
  coIds?: string[];
  deadline?: string | null;
  deadlineDays?: number | null;
  note?: string;
}

/** Assigns a lead handler and co-handlers, with a deadline (a date, or working days from the calendar). */
export async function assign(k: Kernel, ctx: Ctx, id: string, input: AssignInput, key: string) {
  await transaction(k.db, async (tx) => {
    const { d } = await lockedCase(k, tx, ctx, id, 'assign', 'incoming');
    const coIds = [...new Set(input.coIds ?? [])].filter((c) => c !== input.leadId);
    const people = [];
    for (const [i, accountId] of [input.leadId, ...coIds].entries()) {
      const a = await loadActor(k, accountId);
      if (!a || !can(a, 'documents.incoming.progress', scopeOf(d))) throw documentsErrors.handlerInvalid(accountId);
      people.push({ account_id: accountId, name: a.name, role: (i === 0 ? 'lead' : 'co') as 'lead' | 'co' });
    }
    let deadline: Date | null = null;
    if (input.deadline) deadline = new Date(`${input.deadline}T17:00:00+07:00`);
    else if (input.deadlineDays) deadline = (await k.calendar.load(tx)).appointment(new Date(), { days: input.deadlineDays }).dueAt;
    if (deadline && deadline < new Date()) throw errors.field('body.deadline', 'future', 'Hạn xử lý phải sau thời điểm hiện tại');
    await repo.setHandlers(tx, d.id, people);
    await repo.updateDocument(tx, d.id, { lead_handler_id: input.leadId, deadline });
    await actOn(k, tx, ctx, d, 'assign', { leadId: input.leadId, coIds, deadline: deadline?.toISOString() ?? null, ...(input.note ? { note: input.note } : {}) }, key);
    await senderStatus(k, tx, d, 'assigned');
  });
  return view(k, ctx, id);
}

/**
 * Every other action (opinions, approval, return, recall, progress, finish,
 * refuse). Handling an incoming document is for its handlers (and leaders);
 * finishing may link the reply (an issued outgoing document of the agency).
 * Recalling an outgoing document freezes it and the copies it sent.
 */
export async function act(k: Kernel, ctx: Ctx, id: string, action: string, payload: { note?: string; replyId?: string }, key: string) {
  await transaction(k.db, async (tx) => {
    const d0 = await readable(tx, ctx, id, true);
    const special = d0.direction === 'outgoing' ? (OUTGOING_SPECIAL as string[]) : (INCOMING_SPECIAL as string[]);
    if (special.includes(action)) throw documentsErrors.state(action, stateLabel(d0));
    const { d } = await lockedCase(k, tx, ctx, id, action, d0.direction);
    const p: Record<string, unknown> = payload.note ? { note: payload.note } : {};
    if (d.direction === 'incoming' && ['progress', 'comment', 'finish'].includes(action)) {
      const role = await isHandler(tx, d.id, ctx.actor);
      const leads = can(ctx.actor, 'documents.incoming.assign', scopeOf(d));
      if (!role && !leads) throw documentsErrors.notHandler();
      if (action === 'finish' && role !== 'lead' && !leads) throw documentsErrors.notHandler();
    }
    const set: Parameters<typeof repo.updateDocument>[2] = {};
    if (action === 'finish') {
      if (payload.replyId) {
        const reply = await repo.document(tx, payload.replyId);
        if (!reply || reply.direction !== 'outgoing' || reply.agency_id !== d.agency_id || !['issued', 'dispatched'].includes(reply.state)) throw documentsErrors.replyInvalid();
        set.reply_to_id = reply.id;
        p.replyId = reply.id;
      }
      set.finished_at = new Date();
    }
    if (action === 'progress' && payload.note) set.progress = payload.note;
    if (action === 'recall') set.recalled_at = new Date();
    if (Object.keys(set).length) await repo.updateDocument(tx, d.id, set);
    await actOn(k, tx, ctx, d, action, p, key);
    if (d.direction === 'incoming') await senderStatus(k, tx, d, action === 'finish' ? 'finished' : action === 'refuse' ? 'refused' : 'in_progress', payload.note);
    if (d.direction === 'outgoing' && action === 'recall') {
      // The copies sent within this instance are frozen too (status 13/15 of the exchange, done in place).
      const system = { ...ctx, actor: { kind: 'system' as const, id: 'system', name: 'documents.recall', grants: [] } };
      for (const r of await repo.recipients(tx, d.id)) {
        if (r.organ_id) {
          // Over the exchange: a recall request (13); the recipient answers 15 (recalled) or 16 (refused).
          if (!['pending', 'refused', 'recalled'].includes(r.status)) await queueRecall(k, tx, d, r, payload.note ?? '');
          continue;
        }
        if (r.incoming_id && r.incoming_state && !['finished', 'refused', 'recalled'].includes(r.incoming_state)) {
          const inc = (await repo.document(tx, r.incoming_id, true))!;
          await repo.updateDocument(tx, inc.id, { recalled_at: new Date() });
          await actOn(k, tx, system, inc, 'recall', { note: payload.note ?? '' }, `${key}:${inc.id}`);
        }
        await repo.updateRecipient(tx, r.id, { status: 'recalled', status_at: new Date() });
      }
    }
  });
  return view(k, ctx, id);
}

/** Freezes an incoming document its sender recalled (status 13 of the exchange). */
export async function recallBySystem(k: Kernel, tx: Tx, ctx: Ctx, id: string, note: string, key: string): Promise<void> {
  const inc = (await repo.document(tx, id, true))!;
  await repo.updateDocument(tx, inc.id, { recalled_at: new Date() });
  await actOn(k, tx, ctx, inc, 'recall', { note }, key);
}

// ——— Views ———

const NOTE_KEYS = ['note', 'numberSymbol', 'signer', 'arrivalNumber'];

export async function view(k: Kernel, ctx: Ctx, id: string, ex: Executor = k.db) {
  const d = await readable(ex, ctx, id);
  const c = (await k.workflow.get(id, ex))!;
  if (ctx.actor && ctx.actor.kind !== 'system') await repo.recordView(k.db, d.id, ctx.actor.id, ctx.actor.name);
  const [versions, recipients, handlers, history, views, folders] = await Promise.all([
    repo.versions(ex, id), repo.recipients(ex, id), repo.handlers(ex, id), k.workflow.history(id, ex), repo.views(ex, id), repo.foldersOf(ex, id),
  ]);
  const special = d.direction === 'outgoing' ? (OUTGOING_SPECIAL as string[]) : (INCOMING_SPECIAL as string[]);
  const allowed = allowedActions(c.definition, c, ctx.actor).map((a) => ({ action: a, label: label(c.definition, a), special: special.includes(a) }));
  const dups = d.direction === 'incoming' && d.number_symbol ? await repo.duplicates(ex, d.agency_id, d.number_symbol, d.issuer_name, d.id) : [];
  const reply = d.reply_to_id ? await repo.document(ex, d.reply_to_id) : undefined;
  const source = d.source_document_id && can(ctx.actor, READ) ? await repo.document(ex, d.source_document_id) : undefined;
  const now = new Date();
  return {
    id: d.id,
    direction: d.direction,
    state: d.state,
    stateLabel: stateLabel(d),
    docType: d.doc_type,
    docTypeName: docType(d.doc_type)?.name ?? d.doc_type,
    normative: d.normative,
    summary: d.summary,
    number: d.number,
    symbol: d.symbol,
    numberSymbol: d.number_symbol,
    issuedOn: d.issued_on,
    issuerName: d.issuer_name,
    signerName: d.signer_name,
    signerTitle: d.signer_title,
    authority: d.authority,
    secrecy: d.secrecy,
    secrecyMark: SECRECY[d.secrecy],
    urgency: d.urgency,
    urgencyMark: URGENCY[d.urgency],
    pages: d.pages,
    copies: d.copies,
    dueDate: d.due_date,
    draftingUnit: d.drafting_unit,
    registerNumber: d.register_number,
    registeredAt: d.registered_at,
    arrivedAt: d.arrived_at,
    deadline: d.deadline,
    overdue: !!d.deadline && !['finished', 'refused', 'recalled'].includes(d.state) && d.deadline < now,
    progress: d.progress,
    finishedAt: d.finished_at,
    recalledAt: d.recalled_at,
    frozen: ['recalled', 'cancelled'].includes(d.state),
    reply: reply ? { id: reply.id, numberSymbol: reply.number_symbol, summary: reply.summary } : null,
    source: source ? { id: source.id, numberSymbol: source.number_symbol, agencyId: source.agency_id } : null,
    version: c.version,
    currentVersionId: d.current_version_id,
    ocr: await ocrView(ex, d.current_version_id),
    versions: versions.map((v) => ({
      id: v.id, seq: v.seq, kind: v.kind, sha256: v.sha256, pages: v.pages, note: v.note, indication: v.indication, by: v.created_by_name, at: v.created_at,
      signatures: ((v.validation as ValidationReport | null)?.signatures ?? []).map((s) => ({
        signer: s.signer?.commonName ?? null, organisation: s.signer?.organisation ?? null, level: s.level, time: s.claimedSigningTime, indication: s.indication, subIndication: s.subIndication, message: s.message.vi,
      })),
    })),
    recipients: recipients.map((r) => ({
      name: r.name, agencyId: r.agency_id, status: r.status, sentAt: r.sent_at, statusAt: r.status_at, incomingId: r.incoming_id, organId: r.organ_id, statusNote: r.status_note,
    })),
    handlers: handlers.map((h) => ({ accountId: h.account_id, name: h.name, role: h.role, assignedAt: h.assigned_at })),
    duplicates: dups.map((x) => ({ id: x.id, numberSymbol: x.number_symbol, issuerName: x.issuer_name, registerNumber: x.register_number, arrivedAt: x.arrived_at, state: x.state })),
    history: history.map((h) => ({
      seq: h.seq, action: h.action, label: h.action === 'start' ? (d.direction === 'outgoing' ? 'Tạo dự thảo' : 'Tiếp nhận') : label(c.definition, h.action),
      toLabel: label(c.definition, h.toState), actor: h.actor.name, at: h.at,
      note: (NOTE_KEYS.map((x) => h.payload[x]).find((v) => typeof v === 'string' || typeof v === 'number') ?? null) as string | number | null,
    })),
    views: views.slice(0, 50),
    folders,
    allowedActions: allowed,
  };
}

export type DocumentView = Awaited<ReturnType<typeof view>>;

export async function versionPdf(k: Kernel, ctx: Ctx, id: string, versionId?: string): Promise<{ bytes: Buffer; name: string }> {
  const d = await readable(k.db, ctx, id);
  const vid = versionId ?? d.current_version_id;
  const v = vid ? await repo.version(k.db, vid) : undefined;
  if (!v || v.document_id !== d.id) throw documentsErrors.noFile();
  return { bytes: await k.files.read(v.sha256), name: `${(d.number_symbol ?? 'du-thao').replace(/[^\p{L}\p{N}-]+/gu, '_')}-v${v.seq}.pdf` };
}

export type Box = 'outgoing' | 'incoming' | 'mine' | 'all';

export async function list(k: Kernel, ctx: Ctx, f: { box: Box; q?: string; state?: string[]; overdue?: boolean; limit: number; offset: number }) {
  const actor = ctx.actor;
  const filter = {
    scopes: f.box === 'mine' ? [] : scopesFor(actor, READ), handlerId: actor?.id, onlyHandled: f.box === 'mine',
    direction: f.box === 'outgoing' || f.box === 'incoming' ? f.box : undefined, states: f.state, q: f.q?.trim() || undefined, limit: f.limit, offset: f.offset,
  } as const;
  // Overdue: open documents past their deadline, most overdue first (the operations centre's figure links here).
  const r = f.overdue ? { ...(await repo.listOverdue(k.db, filter)), totalCapped: false } : await searchRepo.list(k.db, filter);
  const now = new Date();
  return {
    total: r.total,
    totalCapped: r.totalCapped,
    items: r.rows.map((d) => ({
      id: d.id, direction: d.direction, state: d.state, stateLabel: stateLabel(d), docType: d.doc_type, docTypeName: docType(d.doc_type)?.name ?? d.doc_type,
      summary: d.summary, numberSymbol: d.number_symbol, issuedOn: d.issued_on, issuerName: d.issuer_name, registerNumber: d.register_number,
      urgency: d.urgency, secrecy: d.secrecy, deadline: d.deadline, leadName: d.lead_name, createdAt: d.created_at,
      overdue: !!d.deadline && !['finished', 'refused', 'recalled'].includes(d.state) && d.deadline < now,
    })),
  };
}

/** Anyone: the kernel/pki validation report of an uploaded PDF, against the platform's trusted roots. */
export async function verify(k: Kernel, bytes: Buffer): Promise<ValidationReport & { indication: string }> {
  const report = await validatePdf(new Uint8Array(bytes), await trustMaterial(k));
  return { ...report, indication: overall(report) };
}

// ——— Registers ———

function readableAgencies(actor: Actor | null): string[] | null {
  const scopes = scopesFor(actor, READ);
  if (scopes === null) return null;
  return scopes.map((s) => s.agencyId).filter((x): x is string => !!x);
}

export const MANAGE_REGISTERS = 'documents.number';

export async function registers(k: Kernel, ctx: Ctx, year?: number) {
  const rows = await repo.registers(k.db, readableAgencies(ctx.actor), year);
  const paths = new Map<string, string | null>();
  for (const id of new Set(rows.map((r) => r.agency_id))) paths.set(id, (await getAgency(k.db, id))?.unit_path ?? null);
  return rows.map((r) => ({
    id: r.id, agencyId: r.agency_id, agencyName: r.agency_name, year: r.year, direction: r.direction, sequence: r.sequence, lastNumber: r.last_number,
    // The number the next document gets (none while the register is closed).
    nextNumber: r.closed_at ? null : r.last_number + 1, closed: !!r.closed_at, closedAt: r.closed_at, createdAt: r.created_at,
    mayManage: can(ctx.actor, MANAGE_REGISTERS, { unitPath: paths.get(r.agency_id) ?? null, agencyId: r.agency_id }),
  }));
}

/**
 * The clerk opens a register before its first number (next year's in December;
 * numbering starts at 01 whatever the previous year reached). Last, this and
 * next year only (Vietnam's calendar year).
 */
export async function openRegister(k: Kernel, ctx: Ctx, input: { agencyId?: string; year: number; direction: Direction; sequence: 'regular' | 'normative' | 'secret' }) {
  const agency = input.agencyId ? await getAgency(k.db, input.agencyId) : await actorAgency(k.db, ctx.actor, MANAGE_REGISTERS);
  if (!agency) throw errors.field('body.agencyId', 'exists', 'Cơ quan không tồn tại');
  if (!can(ctx.actor, MANAGE_REGISTERS, { unitPath: agency.unit_path, agencyId: agency.id })) throw errors.forbidden(MANAGE_REGISTERS);
  const now = vnYear(new Date());
  if (input.year < now - 1 || input.year > now + 1) throw errors.field('body.year', 'range', `Chỉ mở sổ của năm ${now - 1}, ${now} hoặc ${now + 1}`);
  if (input.direction === 'incoming' && input.sequence === 'normative') throw errors.field('body.sequence', 'enum', 'Sổ văn bản đến có luồng số thường hoặc mật');
  return transaction(k.db, async (tx) => {
    const r = await repo.openRegister(tx, { agency_id: agency.id, year: input.year, direction: input.direction, sequence: input.sequence, opened_by: ctx.actor?.id ?? null });
    if (!r) throw documentsErrors.registerExists(input.year);
    await k.audit.record(tx, ctx, { action: 'documents.register.open', entity: 'doc_register', entityId: r.id, after: r });
    return { id: r.id, agencyId: agency.id, agencyName: agency.name, year: r.year, direction: r.direction, sequence: r.sequence, lastNumber: r.last_number, nextNumber: r.last_number + 1, closed: false, closedAt: null, createdAt: r.created_at, mayManage: true };
  });
}

/** Closes a register (no more numbers: the year is over) or opens it again. */
export async function closeRegister(k: Kernel, ctx: Ctx, id: string, closed: boolean) {
  return transaction(k.db, async (tx) => {
    const before = await repo.register(tx, id, true);
    const agency = before ? await getAgency(tx, before.agency_id) : undefined;
    if (!before || !agency || !can(ctx.actor, READ, { unitPath: agency.unit_path, agencyId: agency.id })) throw documentsErrors.registerNotFound();
    if (!can(ctx.actor, MANAGE_REGISTERS, { unitPath: agency.unit_path, agencyId: agency.id })) throw errors.forbidden(MANAGE_REGISTERS);
    const r = (await repo.setRegisterClosed(tx, id, closed, ctx.actor?.id ?? null))!;
    await k.audit.record(tx, ctx, { action: closed ? 'documents.register.close' : 'documents.register.reopen', entity: 'doc_register', entityId: id, before, after: r });
    return { id: r.id, agencyId: agency.id, agencyName: agency.name, year: r.year, direction: r.direction, sequence: r.sequence, lastNumber: r.last_number, nextNumber: r.closed_at ? null : r.last_number + 1, closed: !!r.closed_at, closedAt: r.closed_at, createdAt: r.created_at, mayManage: true };
  });
}

export type RegisterKind = 'outgoing' | 'incoming' | 'followup';
const SEQ_NAME = { regular: 'Văn bản hành chính', normative: 'Văn bản quy phạm pháp luật', secret: 'Văn bản mật' } as const;
const d10 = (s: string | null) => (s ? s.split('-').reverse().join('/') : '');

/**
 * The outgoing, incoming and follow-up registers of an agency and year as
 * .xlsx, with the columns of Decree 30 appendix IV (one sheet per sequence).
 */
export async function registerXlsx(k: Kernel, ctx: Ctx, agencyId: string, year: number, kind: RegisterKind): Promise<Buffer> {
  const agency = await getAgency(k.db, agencyId);
  if (!agency) throw documentsErrors.agencyUnknown(agencyId);
  if (!can(ctx.actor, READ, { unitPath: agency.unit_path, agencyId })) throw errors.forbidden(READ);
  const rows = await repo.registerEntries(k.db, agencyId, year, kind === 'outgoing' ? 'outgoing' : 'incoming');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  const title = { outgoing: 'SỔ ĐĂNG KÝ VĂN BẢN ĐI', incoming: 'SỔ ĐĂNG KÝ VĂN BẢN ĐẾN', followup: 'SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN' }[kind];
  const sequences = [...new Set(rows.map((r) => r.sequence))];
  if (!sequences.length) sequences.push('regular');
  for (const seq of sequences) {
    const ws = wb.addWorksheet(kind === 'followup' ? 'Theo dõi' : SEQ_NAME[seq].slice(0, 31));
    ws.addRow([title]).font = { bold: true, size: 14 };
    ws.addRow([`${agency.name} — Năm ${year}${kind === 'followup' ? '' : ` — ${SEQ_NAME[seq]}`}`]);
    ws.addRow([]);
    const header =
      kind === 'outgoing'
        ? ['Số, ký hiệu văn bản', 'Ngày tháng văn bản', 'Tên loại và trích yếu nội dung', 'Người ký', 'Nơi nhận văn bản', 'Đơn vị, người nhận bản lưu', 'Số lượng bản', 'Ngày chuyển', 'Ghi chú']
        : kind === 'incoming'
          ? ['Ngày đến', 'Số đến', 'Tác giả', 'Số, ký hiệu', 'Ngày tháng', 'Tên loại và trích yếu nội dung', 'Đơn vị hoặc người nhận', 'Ngày chuyển', 'Ghi chú']
          : ['Số đến', 'Ngày đến', 'Số, ký hiệu', 'Tác giả', 'Trích yếu', 'Người chủ trì xử lý', 'Thời hạn giải quyết', 'Tiến độ giải quyết', 'Số, ký hiệu văn bản trả lời', 'Ghi chú'];
    ws.addRow(header).font = { bold: true };
    for (const r of rows.filter((x) => kind === 'followup' || x.sequence === seq)) {
      const type = docType(r.doc_type)?.name ?? r.doc_type;
      if (kind === 'outgoing') {
        ws.addRow([r.number_symbol, d10(r.issued_on), `${type}: ${r.summary}`, r.signer_name ?? '', r.recipients_text ?? '', r.drafting_unit ?? '', r.copies ?? '', r.sent_at ? vnDateTime(r.sent_at) : '', r.state === 'recalled' ? 'Đã thu hồi' : '']);
      } else if (kind === 'incoming') {
        ws.addRow([r.arrived_at ? vnDateTime(r.arrived_at) : '', r.register_number, r.issuer_name, r.number_symbol, d10(r.issued_on), `${type}: ${r.summary}`, r.lead_name ?? '', r.registered_at ? vnDateTime(r.registered_at) : '', stateLabel(r)]);
      } else {
        ws.addRow([r.register_number, r.arrived_at ? vnDateTime(r.arrived_at) : '', r.number_symbol, r.issuer_name, r.summary, r.lead_name ?? '', r.deadline ? vnDateTime(r.deadline) : '', r.progress ?? stateLabel(r), r.reply_number ?? '', '']);
      }
    }
    ws.columns.forEach((c) => (c.width = 22));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ——— Files (hồ sơ công việc) ———

export async function createFolder(k: Kernel, ctx: Ctx, input: { code: string; title: string; year?: number; retention?: string }) {
  const agency = await actorAgency(k.db, ctx.actor, READ);
  return transaction(k.db, async (tx) => {
    const f = await repo.insertFolder(tx, {
      agency_id: agency.id, year: input.year ?? vnYear(new Date()), code: input.code, title: input.title, keeper_id: ctx.actor!.id, keeper_name: ctx.actor!.name, retention: input.retention ?? null,
    });
    if (!f) throw errors.alreadyExists(`hồ sơ ${input.code}`);
    await k.audit.record(tx, ctx, { action: 'documents.folder.create', entity: 'doc_folder', entityId: f.id, after: f });
    return f;
  });
}

async function readableFolder(k: Kernel, ctx: Ctx, id: string) {
  const f = /^[0-9a-f-]{36}$/i.test(id) ? await repo.folder(k.db, id) : undefined;
  const agency = f ? await getAgency(k.db, f.agency_id) : undefined;
  if (!f || !agency || !can(ctx.actor, READ, { unitPath: agency.unit_path, agencyId: agency.id })) throw documentsErrors.folderNotFound();
  return f;
}

export async function folders(k: Kernel, ctx: Ctx) {
  return repo.folders(k.db, readableAgencies(ctx.actor));
}

export async function folderView(k: Kernel, ctx: Ctx, id: string) {
  const f = await readableFolder(k, ctx, id);
  const docs = await repo.folderDocuments(k.db, id);
  return { ...f, documents: docs.map((d) => ({ id: d.id, direction: d.direction, numberSymbol: d.number_symbol, summary: d.summary, state: d.state, stateLabel: stateLabel(d) })) };
}

/** Files a document in a folder: a reference, never a copy (the same document may sit in several files). */
export async function fileDocument(k: Kernel, ctx: Ctx, folderId: string, documentId: string) {
  const f = await readableFolder(k, ctx, folderId);
  await transaction(k.db, async (tx) => {
    const d = await readable(tx, ctx, documentId);
    if (d.agency_id !== f.agency_id) throw errors.field('body.documentId', 'agency', 'Văn bản không thuộc cơ quan của hồ sơ');
    if (await repo.addToFolder(tx, f.id, d.id, ctx.actor?.id ?? null)) {
      await k.audit.record(tx, ctx, { action: 'documents.folder.add', entity: 'doc_folder', entityId: f.id, after: { documentId: d.id } });
    }
  });
  return folderView(k, ctx, folderId);
}

/** Accounts of the document's agency who may handle incoming documents (for the assignment form). */
export async function handlerCandidates(k: Kernel, ctx: Ctx, id: string) {
  const d = await readable(k.db, ctx, id);
  const { accountsFor } = await import('../identity/index.js');
  const list = await accountsFor(k, 'documents.incoming.progress', scopeOf(d));
  return list.map((a) => ({ id: a.id, name: a.name }));
}

export { getAccount };
