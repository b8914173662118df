import type { Ctx } from '../../kernel/context.js';
import { beforeCommit, type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError, messageOf } from '../../kernel/errors.js';
import { type Actor, can, scopesFor } from '../../kernel/http/access.js';
import { idempotent } from '../../kernel/idempotency.js';
import type { Kernel } from '../../kernel/index.js';
import { label } from '../../kernel/workflow/definition.js';
import { actionViewOf, caseViewOf, clockViewOf } from '../../kernel/workflow/index.js';
import { accountsFor, findAccountId, getAccount } from '../identity/index.js';
import { signAsAgency } from '../documents/index.js';
import { findUnitByCode, getAgency, getAgencyByCode } from '../org/index.js';
import type { Procedure } from './catalogue.schema.js';
import * as catalogue from './catalogue.repo.js';
import { definitionFor, DOSSIER_TYPE, type DossierAction, dossierCaseType } from './dossier.workflow.js';
import * as repo from './dossier.repo.js';
import type { Applicant, AttachedFile, DossierRow, DraftRow } from './dossier.repo.js';
import { servicesErrors } from './errors.js';
import { cleanForm, formProblems } from './forms.js';
import ExcelJS from 'exceljs';
import { renderPdf, vnDateTime } from '../../kernel/pdf/index.js';
import { controlSheetSpec, extensionSpec, type PaperAction, receiptPdf, refusalSpec, resultPdf, stopSpec, supplementSpec } from './papers.js';
import { trackingCache } from './tracking-cache.js';
import { sendNotice } from './notify.channels.js';
import { channelsFor } from './notify.service.js';
import { afterJointAction, isJointAction, jointFilter, jointTracking, jointView, type JointView, openJointSteps, readsAsJointAgency } from './joint.js';

/**
 * Dossiers: drafts a citizen fills and resumes on any device, submission
 * (online, or filed at the one-stop desk on someone's behalf), the dossier
 * code, actions on the case engine and what they change on the dossier
 * (appointment, finish, supplements), tracking and notifications.
 */

const READ = 'services.dossier.read';
const DESK = 'services.dossier.receive';
const TZ_OFFSET_MS = 7 * 3_600_000;

const isPublic = (a: Actor | null | undefined) => a?.kind === 'citizen' || a?.kind === 'business';

// ——— Views ———

export interface DraftView {
  id: string;
  procedure: { code: string; version: number; name: string };
  unitCode: string | null;
  applicant: Partial<Applicant>;
  forms: Record<string, Record<string, unknown>>;
  files: FileView[];
  version: number;
  dossierId: string | null;
  updatedAt: Date;
}

export interface FileView {
  id: string;
  component: string;
  name: string;
  mime: string;
  size: number;
  kind?: string;
  addedAt: Date;
}

const fileView = (f: AttachedFile): FileView => ({ id: f.file_id, component: f.component, name: f.original_name, mime: f.mime, size: Number(f.size), kind: f.kind, addedAt: f.added_at });

export interface DossierSummary {
  id: string;
  code: string;
  procedure: { code: string; version: number; name: string };
  handlerName: string;
  applicantName: string;
  channel: 'online' | 'desk' | 'post';
  state: string;
  stateLabel: string;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  finishedAt: Date | null;
  overdue: boolean;
  supplementCount: number;
  assigneeId: string | null;
  /** Joint processing (liên thông): the other agency holding the dossier now, and its step's due time. */
  currentAgency: { code: string; name: string; dueAt: Date } | null;
}

export interface DossierView extends DossierSummary {
  joint: JointView;
  applicant: Applicant;
  forms: Record<string, Record<string, unknown>>;
  files: FileView[];
  feeTotal: number;
  returnedAt: Date | null;
  /** The later date promised in an apology and extension letter (form 04), if any. */
  extendedTo: Date | null;
  resultFileId: string | null;
  paperResult: boolean;
  rating: { value: 'satisfied' | 'unsatisfied'; reason: string | null; at: Date } | null;
  version: number;
  allowedActions: { action: string; label: string }[];
  history: { seq: number; action: string; label: string; from: string | null; to: string; toLabel: string; actor: string | null; at: Date; payload: Record<string, unknown> }[];
  clocks: { step: string; dueAt: Date; pausedAt: Date | null; stoppedAt: Date | null; breachedAt: Date | null }[];
}

const stateLabel = (s: string) => (dossierCaseType.labels as Record<string, string>)[s] ?? s;

function summary(r: DossierRow, now: Date, current: DossierSummary['currentAgency'] = null): DossierSummary {
  return {
    currentAgency: current,
    id: r.id,
    code: r.code,
    procedure: { code: r.procedure_code, version: r.procedure_version, name: r.procedure_name },
    handlerName: r.handler_name,
    applicantName: r.applicant.name,
    channel: r.channel,
    state: r.state,
    stateLabel: stateLabel(r.state),
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    finishedAt: r.finished_at,
    overdue: !!r.due_at && (r.finished_at ? r.finished_at > r.due_at : now > r.due_at),
    supplementCount: r.supplement_count,
    assigneeId: r.assignee_id,
  };
}

/** A dossier's own columns, as read or as just written (without the case's state). */
type KnownDossier = repo.DossierColumns;

// ——— Access ———

function scopeOf(r: Pick<DossierRow, 'unit_path' | 'agency_id'>) {
  return { unitPath: r.unit_path, agencyId: r.agency_id };
}

/** The dossier if the actor may read it: its applicant, or an official whose scope covers it. */
async function readable(ex: Executor, ctx: Ctx, id: string): Promise<DossierRow> {
  if (!ctx.actor) throw errors.unauthenticated();
  return mayRead(ex, ctx, id, /^[0-9a-f-]{36}$/.test(id) ? await repo.dossier(ex, id) : undefined);
}

async function mayRead(ex: Executor, ctx: Ctx, id: string, r: DossierRow | undefined): Promise<DossierRow> {
  if (!ctx.actor) throw errors.unauthenticated();
  // Another citizen's dossier is as absent as one that does not exist.
  if (!r || (isPublic(ctx.actor) && r.owner_id !== ctx.actor.id)) throw servicesErrors.dossierNotFound();
  if (!isPublic(ctx.actor) && r.owner_id !== ctx.actor.id && !can(ctx.actor, READ, scopeOf(r)) && !(await readsAsJointAgency(ex, ctx.actor, id, READ))) {
    throw errors.forbidden(READ);
  }
  return r;
}

async function ownDraft(ex: Executor, ctx: Ctx, id: string, lock = false): Promise<DraftRow> {
  if (!ctx.actor) throw errors.unauthenticated();
  const d = /^[0-9a-f-]{36}$/.test(id) ? await repo.draft(ex, id, lock) : undefined;
  if (!d || d.owner_id !== ctx.actor.id) throw servicesErrors.draftNotFound();
  return d;
}

/**
 * Versions of procedures already read, per kernel. A version is never changed once written (a
 * change is a new version), so a (code, version) pair needs no invalidation; bounded in size.
 */
const versionsRead = new WeakMap<Kernel, Map<string, { p: Procedure; version: number }>>();
const MAX_VERSIONS_KEPT = 2000;

async function procedureOf(ex: Executor, code: string, version?: number, k?: Kernel): Promise<{ p: Procedure; version: number }> {
  let kept = k && version !== undefined ? versionsRead.get(k) : undefined;
  if (k && version !== undefined && !kept) versionsRead.set(k, (kept = new Map()));
  const hit = kept?.get(`${code}\n${version}`);
  if (hit) return hit;
  const r = await catalogue.procedureVersion(ex, code, version);
  if (!r) throw version ? new AppError('SERVICES_PROCEDURE_VERSION_NOT_FOUND', { code, version }) : new AppError('SERVICES_PROCEDURE_NOT_FOUND', { code });
  const out = { p: r.data, version: r.version };
  if (kept) {
    if (kept.size >= MAX_VERSIONS_KEPT) kept.clear();
    kept.set(`${code}\n${version}`, out);
  }
  return out;
}

// ——— Drafts ———

async function draftView(ex: Executor, d: DraftRow): Promise<DraftView> {
  const p = await procedureOf(ex, d.procedure_code, d.procedure_version);
  return {
    id: d.id,
    procedure: { code: d.procedure_code, version: d.procedure_version, name: p.p.name },
    unitCode: d.unit_code,
    applicant: d.applicant,
    forms: d.forms,
    files: (await repo.draftFiles(ex, d.id)).map(fileView),
    version: d.version,
    dossierId: d.dossier_id,
    updatedAt: d.updated_at,
  };
}

/** Starts a draft on the current version of a procedure, prefilled from the account (name, ID, contact). */
export async function createDraft(k: Kernel, ctx: Ctx, input: { procedureCode: string; unitCode?: string | null }): Promise<DraftView> {
  if (!ctx.actor) throw errors.unauthenticated();
  const { version } = await procedureOf(k.db, input.procedureCode);
  const acc = await getAccount(k, ctx.actor.id);
  const applicant: Partial<Applicant> = isPublic(ctx.actor) && acc
    ? { name: acc.name, idNumber: acc.identifier, email: acc.email, phone: acc.phone }
    : {};
  return transaction(k.db, async (tx) => {
    const d = await repo.insertDraft(tx, { owner: ctx.actor!.id, code: input.procedureCode, version, unitCode: input.unitCode ?? null, applicant });
    return draftView(tx, d);
  });
}

export async function getDraft(k: Kernel, ctx: Ctx, id: string): Promise<DraftView> {
  return draftView(k.db, await ownDraft(k.db, ctx, id));
}

export async function listDrafts(k: Kernel, ctx: Ctx): Promise<{ id: string; procedure: { code: string; name: string }; updatedAt: Date }[]> {
  if (!ctx.actor) throw errors.unauthenticated();
  return (await repo.drafts(k.db, ctx.actor.id)).map((d) => ({ id: d.id, procedure: { code: d.procedure_code, name: d.procedure_name }, updatedAt: d.updated_at }));
}

/** Saves what was filled so far (no completeness check: that is for submission). */
export async function saveDraft(
  k: Kernel, ctx: Ctx, id: string,
  input: { version: number; applicant?: Partial<Applicant>; forms?: Record<string, Record<string, unknown>>; unitCode?: string | null },
): Promise<DraftView> {
  return transaction(k.db, async (tx) => {
    const d = await ownDraft(tx, ctx, id, true);
    if (d.dossier_id) throw servicesErrors.draftSubmitted();
    const saved = await repo.saveDraft(tx, id, input.version, {
      applicant: input.applicant ?? d.applicant,
      forms: input.forms ?? d.forms,
      unitCode: input.unitCode === undefined ? d.unit_code : input.unitCode,
    });
    if (!saved) throw errors.stale();
    return draftView(tx, saved);
  });
}

export async function deleteDraft(k: Kernel, ctx: Ctx, id: string): Promise<void> {
  await transaction(k.db, async (tx) => {
    const d = await ownDraft(tx, ctx, id, true);
    if (d.dossier_id) throw servicesErrors.draftSubmitted();
    await repo.deleteDraft(tx, id);
  });
}

/** Attaches a file to a component of the draft, checking the component's allowed types and count. */
export async function attachToDraft(k: Kernel, ctx: Ctx, id: string, component: string, name: string, data: Buffer): Promise<FileView> {
  return transaction(k.db, async (tx) => {
    const d = await ownDraft(tx, ctx, id, true);
    if (d.dossier_id) throw servicesErrors.draftSubmitted();
    const { p } = await procedureOf(tx, d.procedure_code, d.procedure_version);
    const c = p.components.find((x) => x.key === component);
    if (!c || !c.attachment) throw errors.field('query.component', 'enum', `Thủ tục không có thành phần hồ sơ đính kèm «${component}»`);
    const have = (await repo.draftFiles(tx, id)).filter((f) => f.component === component).length;
    if (have >= c.attachment.max) throw errors.field('query.component', 'max', `«${c.name}» chỉ đính kèm tối đa ${c.attachment.max} tệp`);
    const f = await k.files.put(tx, ctx, name, data, { allow: c.attachment.types });
    await repo.addDraftFile(tx, id, f.id, component);
    return { id: f.id, component, name: f.originalName, mime: f.mime, size: f.size, addedAt: new Date() };
  });
}

/**
 * Adds a file to a dossier waiting for a supplement (before "resubmit"): by
 * its applicant online, or by the desk for a paper supplement. Kept as a
 * 'supplement' file beside the original components.
 */
export async function attachSupplement(k: Kernel, ctx: Ctx, id: string, component: string, name: string, data: Buffer): Promise<FileView> {
  return transaction(k.db, async (tx) => {
    const d = await readable(tx, ctx, id);
    const isOwner = d.owner_id === ctx.actor!.id;
    if (!isOwner && !can(ctx.actor, 'services.dossier.resubmit', scopeOf(d))) throw errors.forbidden('services.dossier.resubmit');
    if (d.state !== 'supplementing') throw servicesErrors.notSupplementing();
    const { p } = await procedureOf(tx, d.procedure_code, d.procedure_version);
    const c = p.components.find((x) => x.key === component);
    if (!c || !c.attachment) throw errors.field('query.component', 'enum', `Thủ tục không có thành phần hồ sơ đính kèm «${component}»`);
    const have = (await repo.dossierFiles(tx, id)).filter((f) => f.component === component && f.kind === 'supplement').length;
    if (have >= c.attachment.max) throw errors.field('query.component', 'max', `«${c.name}» chỉ bổ sung tối đa ${c.attachment.max} tệp`);
    const f = await k.files.put(tx, ctx, name, data, { allow: c.attachment.types });
    await repo.addDossierFiles(tx, id, [{ fileId: f.id, component, kind: 'supplement' }]);
    await k.audit.record(tx, ctx, { action: 'services.dossier.supplement_file', entity: 'dossier', entityId: id, after: { component, file: f.id } });
    return { id: f.id, component, name: f.originalName, mime: f.mime, size: f.size, kind: 'supplement', addedAt: new Date() };
  });
}

/** Who a dossier can be assigned to: the specialists and heads of division whose scope covers it. */
export async function assignees(k: Kernel, ctx: Ctx, id: string): Promise<{ id: string; name: string; email: string | null }[]> {
  const d = await readable(k.db, ctx, id);
  if (!can(ctx.actor, 'services.dossier.assign', scopeOf(d))) throw errors.forbidden('services.dossier.assign');
  const people = await accountsFor(k, 'services.dossier.process', scopeOf(d), ['specialist', 'division_head']);
  return people.map((a) => ({ id: a.id, name: a.name, email: a.email })).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
}

/**
 * Assigns many dossiers to one handler at once (each as its own action, so
 * each is checked against its state and the assigner's scope); reports what
 * was assigned and why the others were not.
 */
export async function bulkAssign(
  k: Kernel, ctx: Ctx, input: { ids: string[]; assigneeId: string; assigneeName?: string }, key: string,
): Promise<{ assigned: string[]; refused: { id: string; code: string; detail: string }[] }> {
  const assigned: string[] = [];
  const refused: { id: string; code: string; detail: string }[] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      await act(k, ctx, id, 'assign', { assigneeId: input.assigneeId, assigneeName: input.assigneeName }, `${key}:${id}`);
      assigned.push(id);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      refused.push({ id, code: e.code, detail: messageOf(e.code, e.params, ctx.lang) });
    }
  }
  return { assigned, refused };
}

export async function detachFromDraft(k: Kernel, ctx: Ctx, id: string, fileId: string): Promise<void> {
  await transaction(k.db, async (tx) => {
    const d = await ownDraft(tx, ctx, id, true);
    if (d.dossier_id) throw servicesErrors.draftSubmitted();
    if (!(await repo.removeDraftFile(tx, id, fileId))) throw errors.notFound('tệp');
  });
}

// ——— Codes ———

/** Fills a code pattern: {ma}, {yyMMdd}, {yyyyMMdd}, {n:4} (the day's counter, zero-padded). */
export function formatCode(pattern: string, ident: string, at: Date, n: number): string {
  const local = new Date(at.getTime() + TZ_OFFSET_MS).toISOString();
  const yyyy = local.slice(0, 4);
  const MM = local.slice(5, 7);
  const dd = local.slice(8, 10);
  return pattern
    .replaceAll('{ma}', ident)
    .replaceAll('{yyyyMMdd}', `${yyyy}${MM}${dd}`)
    .replaceAll('{yyMMdd}', `${yyyy.slice(2)}${MM}${dd}`)
    .replace(/\{n:(\d)\}/g, (_m, w: string) => String(n).padStart(Number(w), '0'));
}

export const CODE_RE = /^[0-9A-Za-z][0-9A-Za-z.\-_/]{3,60}$/;

/**
 * The next code of the day for `owner`. The counter is taken on the kernel's autonomous
 * connection: every submission to an office writes its day's row, and inside the submission's
 * transaction that row stayed locked until the commit, so submissions queued on it. A submission
 * that rolls back after taking its number leaves a gap in the day's numbers (codes identify
 * dossiers; nothing requires them gap-free).
 */
export async function nextCode(k: Kernel, _tx: Tx, owner: string, at: Date): Promise<string> {
  const day = new Date(at.getTime() + TZ_OFFSET_MS).toISOString().slice(0, 10);
  // The number and the office's pattern in one statement (the pattern read as committed).
  const { n, ident, pattern } = await repo.nextNumbered(k.dbHandle.autonomous, owner, day);
  return formatCode(pattern, ident ?? owner, at, n);
}

export async function saveCodePattern(k: Kernel, ctx: Ctx, owner: string, input: { ident: string | null; pattern: string }): Promise<void> {
  const fields: FieldError[] = [];
  if (!/\{n:[3-8]\}/.test(input.pattern)) fields.push({ field: 'body.pattern', rule: 'counter', message: 'Mẫu mã hồ sơ phải có số thứ tự {n:4} (3–8 chữ số)' });
  if (!/\{(yyMMdd|yyyyMMdd)\}/.test(input.pattern)) fields.push({ field: 'body.pattern', rule: 'date', message: 'Mẫu mã hồ sơ phải có ngày {yyMMdd} hoặc {yyyyMMdd}' });
  const sample = formatCode(input.pattern, input.ident ?? owner, new Date(), 1);
  if (!fields.length && !CODE_RE.test(sample)) fields.push({ field: 'body.pattern', rule: 'format', message: `Mã sinh ra «${sample}» có ký tự không được dùng` });
  if (fields.length) throw errors.validation(fields);
  await transaction(k.db, async (tx) => {
    await repo.saveCodePattern(tx, owner, input.ident, input.pattern);
    await k.audit.record(tx, ctx, { action: 'services.code_pattern.save', entity: 'dossier_code_pattern', entityId: owner, after: input });
  });
}

// ——— Submission ———

interface Handler {
  unitPath: string;
  agencyId: string | null;
  name: string;
  /** Whose code pattern and counter the dossier uses. */
  owner: string;
}

export async function handlerOf(ex: Executor, p: Procedure, unitCode: string | null, base: string): Promise<Handler> {
  if (p.level === 'province') {
    const agency = p.agencyCode ? await getAgencyByCode(ex, p.agencyCode) : undefined;
    if (!agency) throw new AppError('SERVICES_PROCEDURE_NO_AGENCY', { code: p.code });
    const province = await findUnitByCode(ex, agency.unit_code);
    return { unitPath: province?.path ?? agency.unit_code, agencyId: agency.id, name: agency.name, owner: agency.code };
  }
  const unit = unitCode ? await findUnitByCode(ex, unitCode) : undefined;
  if (!unit || !['commune', 'ward', 'special_zone'].includes(unit.type) || unit.effective_to) {
    throw errors.field(`${base}.unitCode`, unitCode ? 'commune' : 'required', unitCode ? `Mã «${unitCode}» không phải xã, phường đang hoạt động` : 'Chọn xã, phường nơi nộp hồ sơ');
  }
  return { unitPath: unit.path, agencyId: null, name: `Ủy ban nhân dân ${unit.full_name}`, owner: unit.code };
}

function applicantProblems(a: Partial<Applicant>, base: string): FieldError[] {
  const out: FieldError[] = [];
  if (!a.name || !String(a.name).trim()) out.push({ field: `${base}.name`, rule: 'required', message: 'Chưa nhập họ tên người nộp hồ sơ' });
  if (a.idNumber && !/^([0-9]{12}|[0-9]{10}(-[0-9]{3})?)$/.test(a.idNumber)) out.push({ field: `${base}.idNumber`, rule: 'format', message: 'Số định danh cá nhân gồm 12 chữ số (mã số thuế: 10 hoặc 13 chữ số)' });
  if (a.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a.email)) out.push({ field: `${base}.email`, rule: 'format', message: 'Địa chỉ thư điện tử không hợp lệ' });
  if (a.phone && !/^(\+84|0)[0-9]{9,10}$/.test(a.phone)) out.push({ field: `${base}.phone`, rule: 'format', message: 'Số điện thoại không hợp lệ' });
  return out;
}

function fileProblems(p: Procedure, files: AttachedFile[], base: string): FieldError[] {
  const out: FieldError[] = [];
  for (const c of p.components) {
    if (!c.attachment) continue;
    const n = files.filter((f) => f.component === c.key).length;
    if (c.required && n < c.attachment.min) out.push({ field: `${base}.${c.key}`, rule: 'min', message: `Cần đính kèm «${c.name}» (ít nhất ${c.attachment.min} tệp)` });
    if (n > c.attachment.max) out.push({ field: `${base}.${c.key}`, rule: 'max', message: `«${c.name}» chỉ đính kèm tối đa ${c.attachment.max} tệp` });
  }
  return out;
}

export interface SubmitInput {
  /** Desk filings: 'desk' (default for officials) or 'post'; citizens always file 'online'. */
  channel?: 'desk' | 'post';
}

/**
 * Submits a draft as a dossier: checks every form, attachment and the
 * applicant at once, assigns the dossier code, opens the case (pinning the
 * procedure version and its process definition). A dossier filed at the desk
 * is received at once, so its appointment is known on the spot. The same
 * idempotency key gives the same dossier.
 */
export async function submitDraft(k: Kernel, ctx: Ctx, draftId: string, input: SubmitInput, key: string): Promise<{ dossier: DossierView; replayed: boolean }> {
  if (!ctx.actor) throw errors.unauthenticated();
  const actor = ctx.actor;
  const official = actor.kind === 'official';
  if (official && !can(actor, DESK)) throw errors.forbidden(DESK);
  const channel = official ? (input.channel ?? 'desk') : 'online';
  const out = await transaction(k.db, async (tx) =>
    idempotent(tx, { scope: `services.dossier.submit:${actor.id}`, key, request: { draftId, channel } }, async () => {
      const d = await ownDraft(tx, ctx, draftId, true);
      if (d.dossier_id) throw servicesErrors.draftSubmitted();
      const { p, version } = await procedureOf(tx, d.procedure_code, d.procedure_version, k);
      if (!official && !p.methods.includes('online')) throw servicesErrors.notOnline(p.code);
      const files = await repo.draftFiles(tx, d.id);
      const forms = Object.fromEntries(Object.entries(d.forms ?? {}).map(([c, v]) => [c, cleanForm(v)]));
      const fields = [
        ...applicantProblems(d.applicant, 'body.applicant'),
        ...formProblems(p, version, forms, 'body.forms'),
        ...fileProblems(p, files, 'body.files'),
      ];
      let handler: Handler | null = null;
      try {
        handler = await handlerOf(tx, p, d.unit_code, 'body');
      } catch (e) {
        if (e instanceof AppError && e.code === 'VALIDATION_FAILED') fields.push(...e.fields);
        else throw e;
      }
      if (fields.length) throw errors.validation(fields);
      const at = k.workflow.now();
      const applicant: Applicant = {
        name: String(d.applicant.name).trim(), idNumber: d.applicant.idNumber ?? null, phone: d.applicant.phone ?? null,
        email: d.applicant.email ?? null, address: d.applicant.address ?? null,
      };
      // The day's number, on the autonomous connection (it commits on its own, so it holds no
      // lock through this transaction), asked now and awaited below: its round trip overlaps
      // the case's. Everything that can refuse the submission (validation, the handler) is
      // checked above; a failure after this point leaves a gap in the day's numbers, which codes
      // allow (they identify dossiers; nothing requires them gap-free).
      const coded = nextCode(k, tx, handler!.owner, at);
      coded.catch(() => undefined);
      // A desk filing belongs to the applicant's account when they have one.
      const owner = official ? (applicant.idNumber ? await findAccountId(k, applicant.idNumber) : null) : actor.id;
      const started = await k.workflow.start(tx, ctx, {
        type: DOSSIER_TYPE, unitPath: handler!.unitPath, agencyId: handler!.agencyId,
        data: { procedureCode: p.code, procedureVersion: version, channel },
        idempotencyKey: `submit:${key}`, definitionKey: p.code, defaultDefinition: definitionFor(p.timeLimit, p.name),
      });
      const id = started.case.id;
      const code = await coded;
      const row: repo.DossierInsert = {
        id, code, procedure_code: p.code, procedure_version: version, procedure_name: p.name,
        agency_id: handler!.agencyId, unit_path: handler!.unitPath, handler_name: handler!.name, owner_id: owner, applicant, channel, forms,
        fee_total: p.fees.reduce((s, f) => s + f.amount, 0), submitted_at: at, received_at: null, due_at: null, finished_at: null,
        returned_at: null, result_file_id: null, rating: null, rating_reason: null, rated_at: null,
        sector_code: p.sector.code, full_online: p.onlineLevel === 'full',
      };
      // Dossier row, its files and the draft marked submitted: one statement.
      await repo.insertSubmitted(tx, row, files.map((f) => ({ fileId: f.file_id, component: f.component })), d.id);
      const fresh: KnownDossier = { ...row, forms: forms as KnownDossier['forms'], supplement_count: 0, paper_result: false, paid_online: false, extended_to: null };
      let seq = started.case.version;
      let known = fresh;
      if (official) {
        const received = await actOn(k, tx, ctx, id, 'receive', {}, `receive:${key}`, undefined, { notify: false, before: fresh });
        seq = received.action.seq;
        known = received.dossier ?? fresh;
      }
      await k.audit.record(tx, ctx, { action: 'services.dossier.submit', entity: 'dossier', entityId: id, after: { code, procedure: p.code, version, channel } });
      await notifyApplicant(k, tx, ctx, id, official ? 'receive' : 'submitted', { row: known, seq });
      return { id };
    }),
  );
  return { dossier: await view(k, ctx, out.result.id), replayed: out.replayed };
}

// ——— Actions ———

export interface ActPayload {
  reason?: string;
  /** extend: the new appointment date (YYYY-MM-DD), promised in the apology letter (form 04). */
  newDate?: string;
  items?: string[];
  assigneeId?: string;
  assigneeName?: string;
  note?: string;
}

/** Takes an action in `tx` and keeps the dossier's dates in step with the case's clocks. */
async function actOn(
  k: Kernel, tx: Tx, ctx: Ctx, id: string, action: DossierAction, payload: ActPayload, key: string, expectedVersion?: number,
  opts: { notify?: boolean; before?: KnownDossier } = {},
): Promise<Awaited<ReturnType<Kernel['workflow']['act']>> & { dossier?: KnownDossier }> {
  const r = await k.workflow.act(tx, ctx, id, action, payload as Record<string, unknown>, { idempotencyKey: key, expectedVersion });
  if (r.replayed) return r;
  const at = r.action.at;
  // The processing clock: the one this action started, else read it.
  const clock = async () => (r.started?.step === 'processing' ? r.started : (await k.workflow.clocks(id, tx)).find((c) => c.step === 'processing' && !c.stoppedAt));
  // Open and counting (not waiting for the applicant) before this action: it leaves the open-by-appointment count.
  // (A submission passes the row it has just written.)
  const before: KnownDossier | undefined = opts.before ?? (await repo.dossier(tx, id));
  const counted = before && before.due_at && !before.finished_at && ['processing', 'joint', 'reviewing'].includes(r.action.fromState ?? '');
  if (counted && !['assign', 'process', 'send_back', 'extend', 'transfer', 'joint_pass', 'joint_complete', 'joint_return'].includes(action)) await openDue(tx, before, -1);
  if (isJointAction(action) || (action === 'withdraw' && r.action.fromState === 'joint')) {
    await afterJointAction(k, tx, opts.before ? (await repo.dossier(tx, id))! : (before as DossierRow), r.case, action, { at, seq: r.action.seq, payload: r.action.payload });
  }
  switch (action) {
    case 'receive': {
      const d = await repo.updateDossierReturning(tx, id, { received_at: at, due_at: (await clock())?.dueAt ?? null });
      await openDue(tx, d, 1);
      const online = d.channel === 'online' ? 1 : 0;
      await bump(tx, rollupKey(d, at), {
        received: 1, received_online: online, full_online_total: d.full_online ? 1 : 0, full_online_online: d.full_online ? online : 0,
      });
      if (opts.notify !== false) await notifyApplicant(k, tx, ctx, id, action);
      return { ...r, dossier: d };
    }
    case 'supplement':
      await repo.updateDossier(tx, id, { supplementInc: true });
      break;
    case 'resubmit':
      await repo.updateDossier(tx, id, { due_at: (await clock())?.dueAt ?? null });
      await openDue(tx, (await repo.dossier(tx, id))!, 1);
      break;
    case 'approve':
      await issueResult(k, tx, ctx, id, at);
      await repo.updateDossier(tx, id, { finished_at: at });
      await countFinished(k, tx, id, at);
      break;
    case 'refuse':
    case 'stop':
      await repo.updateDossier(tx, id, { finished_at: at });
      await countFinished(k, tx, id, at);
      break;
    case 'deliver':
      await repo.updateDossier(tx, id, { returned_at: at });
      break;
    case 'extend': {
      // The letter goes before the deadline, to a later date; the statutory appointment stays for the 766 index.
      if (!before?.due_at || at >= before.due_at) throw servicesErrors.extensionTooLate();
      const until = new Date(Date.parse(`${payload.newDate}T17:00:00+07:00`));
      if (Number.isNaN(until.getTime()) || until <= before.due_at) throw errors.field('body.newDate', 'after', 'Ngày hẹn mới phải sau ngày hẹn trả hiện tại');
      await repo.updateDossier(tx, id, { extended_to: until });
      break;
    }
    case 'withdraw':
      // Withdrawn by the applicant: finished, but not the administration's to count (766).
      await repo.updateDossier(tx, id, { finished_at: at });
      break;
    default:
      break;
  }
  if (opts.notify !== false && ['receive', 'refuse', 'supplement', 'approve', 'deliver', 'stop', 'extend'].includes(action)) await notifyApplicant(k, tx, ctx, id, action);
  return r;
}

export async function act(
  k: Kernel, ctx: Ctx, id: string, action: string, payload: ActPayload, key: string, expectedVersion?: number,
): Promise<{ dossier: DossierView; replayed: boolean }> {
  if (!(action in dossierCaseType.actions)) throw errors.field('params.action', 'enum', `Không có thao tác «${action}»`);
  const r = await transaction(k.db, async (tx) => {
    await readable(tx, ctx, id);
    return actOn(k, tx, ctx, id, action as DossierAction, payload, key, expectedVersion);
  });
  return { dossier: await view(k, ctx, id), replayed: r.replayed };
}

/** The applicant rates the handling once the result is returned (766 indicator 5.4). */
export async function rate(k: Kernel, ctx: Ctx, id: string, input: { rating: 'satisfied' | 'unsatisfied'; reason?: string }): Promise<DossierView> {
  await transaction(k.db, async (tx) => {
    const r = await readable(tx, ctx, id);
    if (r.owner_id !== ctx.actor!.id) throw errors.forbidden('services.dossier.rate');
    if (r.state !== 'returned') throw servicesErrors.notRatable();
    if (r.rating) throw errors.conflict('Hồ sơ đã được đánh giá');
    if (input.rating === 'unsatisfied' && !input.reason?.trim()) throw errors.field('body.reason', 'required', 'Cho biết lý do chưa hài lòng');
    const at = k.workflow.now();
    await repo.updateDossier(tx, id, { rating: input.rating, rating_reason: input.reason?.trim() || null, rated_at: at });
    await bump(tx, rollupKey(r, at), { rated: 1, rated_unsatisfied: input.rating === 'unsatisfied' ? 1 : 0 });
    await k.audit.record(tx, ctx, { action: 'services.dossier.rate', entity: 'dossier', entityId: id, after: { rating: input.rating } });
  });
  return view(k, ctx, id);
}

// ——— Papers ———

/** The electronic result, generated from the dossier's data and attached to it (the signing hand-off point). */
async function issueResult(k: Kernel, tx: Tx, ctx: Ctx, id: string, at: Date): Promise<void> {
  const d = (await repo.dossier(tx, id))!;
  const { p } = await procedureOf(tx, d.procedure_code, d.procedure_version);
  const unsigned = await resultPdf(d, p, ctx.actor?.name ?? '', at);
  // Signed with the deciding agency's organisation signature (a commune's: its People's Committee),
  // so that the result the applicant downloads verifies anywhere (pdfsig, Adobe, the national validator).
  const agency = d.agency_id ? await getAgency(tx, d.agency_id) : await getAgencyByCode(tx, `UBND-${(d.unit_path ?? '').split('.').pop()}`);
  const signed = agency ? await signAsAgency(k, agency, unsigned, `Kết quả giải quyết hồ sơ ${d.code}`, at) : null;
  if (!signed) k.log.warn({ dossier: d.code, agency: agency?.code }, 'no organisation key for this agency: the result is issued unsigned');
  const pdf = signed ?? unsigned;
  const f = await k.files.put(tx, ctx, `ket-qua-${d.code}.pdf`, pdf, { allow: ['application/pdf'] });
  await repo.addDossierFiles(tx, id, [{ fileId: f.id, component: 'ket_qua', kind: 'result' }]);
  await repo.updateDossier(tx, id, { result_file_id: f.id });
}

/** Form 01 of a received dossier, for its applicant and the officials who may read it. */
export async function receipt(k: Kernel, ctx: Ctx, id: string): Promise<{ name: string; data: Buffer }> {
  const d = await readable(k.db, ctx, id);
  if (!d.received_at) throw servicesErrors.notReceived();
  const { p } = await procedureOf(k.db, d.procedure_code, d.procedure_version);
  const receiver = (await k.workflow.history(id)).find((h) => h.action === 'receive')?.actor.name ?? null;
  const url = `${k.config.publicUrl}/tra-cuu/${encodeURIComponent(d.code)}`;
  return { name: `giay-tiep-nhan-${d.code}.pdf`, data: await receiptPdf(d, p, await repo.dossierFiles(k.db, id), receiver, url) };
}

export type PaperForm = 'supplement' | 'refusal' | 'extension' | 'stop' | 'control';
const PAPER_ACTION: Record<Exclude<PaperForm, 'control'>, DossierAction> = { supplement: 'supplement', refusal: 'refuse', extension: 'extend', stop: 'stop' };
const PAPER_NAME: Record<PaperForm, string> = { supplement: 'phieu-yeu-cau-bo-sung', refusal: 'phieu-tu-choi', extension: 'van-ban-xin-loi-hen-lai', stop: 'thong-bao-dung', control: 'phieu-kiem-soat' };

/**
 * Forms 02–06 of a dossier as PDFs, from its action log: the supplement
 * request (`nth`: which one, default the last), refusal, apology and extension,
 * stop notice, and the process-control sheet.
 */
export async function paper(k: Kernel, ctx: Ctx, id: string, form: PaperForm, nth?: number): Promise<{ name: string; data: Buffer }> {
  const d = await readable(k.db, ctx, id);
  const c = (await k.workflow.get(id))!;
  const actions: PaperAction[] = (await k.workflow.history(id)).map((h) => ({
    action: h.action, label: h.action === 'start' ? 'Nộp hồ sơ' : label(c.definition, h.action), actor: h.actor.name, at: h.at,
    fromLabel: h.fromState ? stateLabel(h.fromState) : null, toLabel: stateLabel(h.toState), payload: h.action === 'start' ? {} : h.payload,
  }));
  let spec;
  if (form === 'control') spec = controlSheetSpec(d, actions, new Date());
  else {
    const of = actions.filter((a) => a.action === PAPER_ACTION[form]);
    const i = nth ? nth - 1 : of.length - 1;
    const a = of[i];
    if (!a) throw servicesErrors.noSuchPaper();
    spec = form === 'supplement' ? supplementSpec(d, a, i + 1) : form === 'refusal' ? refusalSpec(d, a) : form === 'extension' ? extensionSpec(d, a) : stopSpec(d, a);
  }
  return { name: `${PAPER_NAME[form]}-${d.code}.pdf`, data: await renderPdf(spec) };
}

/** Form 07: the dossier register of a period, for the officials' scope, as a spreadsheet. */
export async function registerXlsx(k: Kernel, ctx: Ctx, from: string, to: string): Promise<Buffer> {
  if (!ctx.actor) throw errors.unauthenticated();
  if (!can(ctx.actor, READ)) throw errors.forbidden(READ);
  if (from > to) throw errors.field('query.from', 'range', 'Ngày bắt đầu sau ngày kết thúc');
  const start = new Date(Date.parse(`${from}T00:00:00+07:00`));
  const end = new Date(Date.parse(`${to}T00:00:00+07:00`) + 86_400_000);
  const now = new Date();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Sổ theo dõi hồ sơ');
  ws.columns = [
    { header: 'STT', width: 6 }, { header: 'Mã hồ sơ', width: 26 }, { header: 'Thủ tục', width: 48 }, { header: 'Người nộp', width: 26 },
    { header: 'Kênh', width: 11 }, { header: 'Ngày nhận', width: 17 }, { header: 'Ngày hẹn trả', width: 17 }, { header: 'Ngày hoàn thành', width: 17 },
    { header: 'Ngày trả kết quả', width: 17 }, { header: 'Trạng thái', width: 18 }, { header: 'Đúng hạn / quá hạn', width: 16 }, { header: 'Số lần bổ sung', width: 10 },
  ];
  ws.getRow(1).font = { bold: true };
  let n = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await repo.listDossiers(k.db, { scopes: scopesFor(ctx.actor, READ), from: start, to: end, limit: 500, offset, now });
    for (const r of page.rows) {
      const verdict = r.finished_at ? (onTime(r, r.finished_at) ? 'Đúng hạn' : 'Quá hạn') : r.due_at && now > r.due_at ? 'Đang quá hạn' : '';
      ws.addRow([++n, r.code, r.procedure_name, r.applicant.name, { online: 'Trực tuyến', desk: 'Trực tiếp', post: 'Bưu chính' }[r.channel],
        r.received_at ? vnDateTime(r.received_at) : '', r.due_at ? vnDateTime(r.due_at) : '', r.finished_at ? vnDateTime(r.finished_at) : '',
        r.returned_at ? vnDateTime(r.returned_at) : '', stateLabel(r.state), verdict, r.supplement_count]);
    }
    if (page.rows.length < 500) break;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ——— The 766 index's rollups ———

/** A Vietnamese calendar day (YYYY-MM-DD) of an instant. */
export const vnDay = (at: Date) => new Date(at.getTime() + TZ_OFFSET_MS).toISOString().slice(0, 10);

/** What a transaction adds to the rollups and open-by-appointment counts, written in one statement at its end. */
interface Counts {
  rollups: Parameters<typeof repo.bumpCounts>[1];
  openDue: Parameters<typeof repo.bumpCounts>[2];
}
const countsOf = new WeakMap<Tx, Counts>();

/**
 * Rollup rows are shared by every dossier of a day and office: updated last, so their lock is
 * held only while committing, and all of a transaction's increments go in one statement.
 */
function count(tx: Tx, add: (c: Counts) => void): Promise<void> {
  const queued = countsOf.get(tx);
  if (queued) {
    add(queued);
    return Promise.resolve();
  }
  const c: Counts = { rollups: [], openDue: [] };
  add(c);
  countsOf.set(tx, c);
  return beforeCommit(tx, () => {
    // Counts added by later commit hooks start a new statement.
    countsOf.delete(tx);
    return repo.bumpCounts(tx, c.rollups, c.openDue);
  });
}

function bump(tx: Tx, key: repo.RollupKey, inc: Parameters<typeof repo.bumpRollup>[2]): Promise<void> {
  return count(tx, (c) => c.rollups.push({ key, inc }));
}

/** Counts an open dossier in (+1) or out (−1) of its appointment day, at the end of the transaction. */
function openDue(tx: Tx, d: KnownDossier, n: 1 | -1): Promise<void> {
  if (!d.due_at) return Promise.resolve();
  const day = vnDay(d.due_at);
  return count(tx, (c) => c.openDue.push({ dueDay: day, unitPath: d.unit_path, agencyKey: d.agency_id ?? '', n }));
}

function rollupKey(d: KnownDossier, at: Date): repo.RollupKey {
  return { day: vnDay(at), unitPath: d.unit_path, agencyKey: d.agency_id ?? '', sector: d.sector_code };
}

/**
 * On time: finished no later than the appointment (which supplements moved
 * by the time the applicant took); a second supplement request makes it late
 * whatever the date (Decision 766, indicator 2.1). A dossier refused before it
 * was received has no appointment and counts as on time.
 */
export function onTime(d: Pick<DossierRow, 'due_at' | 'supplement_count'>, finishedAt: Date): boolean {
  return d.supplement_count < 2 && (!d.due_at || finishedAt <= d.due_at);
}

/**
 * A fee paid online after the dossier was already counted as finished: the
 * 766 payment indicator (TT.2) counts it on the day the dossier finished.
 * Call before the dossier is marked paid online.
 */
export async function countPaidOnlineLate(tx: Tx, id: string): Promise<void> {
  const d = await repo.dossier(tx, id);
  if (!d || d.paid_online || !d.finished_at || d.state === 'withdrawn' || Number(d.fee_total) <= 0) return;
  await bump(tx, rollupKey(d, d.finished_at), { paid_online: 1 });
}

async function countFinished(k: Kernel, tx: Tx, id: string, at: Date): Promise<void> {
  const d = (await repo.dossier(tx, id))!;
  const files = await repo.dossierFiles(tx, id);
  const hasResult = !!d.result_file_id;
  await bump(tx, rollupKey(d, at), {
    finished: 1,
    finished_on_time: onTime(d, at) ? 1 : 0,
    processing_seconds: d.received_at ? Math.max(0, Math.round((at.getTime() - d.received_at.getTime()) / 1000)) : 0,
    e_result: hasResult ? 1 : 0,
    digitised: hasResult && files.some((f) => f.kind === 'component') ? 1 : 0,
    fee_bearing: Number(d.fee_total) > 0 ? 1 : 0,
    paid_online: Number(d.fee_total) > 0 && d.paid_online ? 1 : 0,
  });
}

// ——— Reading ———

export async function view(k: Kernel, ctx: Ctx, id: string, ex: Executor = k.db): Promise<DossierView> {
  if (!ctx.actor) throw errors.unauthenticated();
  // The dossier, its case, log, clocks and files in one round trip.
  const b = /^[0-9a-f-]{36}$/.test(id) ? await repo.dossierBundle(ex, id) : undefined;
  const r = await mayRead(ex, ctx, id, b?.row);
  const c = caseViewOf(b!.caseRow);
  const now = new Date();
  const history = b!.actions.map(actionViewOf);
  const joint = await jointView(ex, c, id, now);
  const meaningful = jointFilter(joint);
  return {
    ...summary(r, now, joint.current && { code: joint.current.agencyCode, name: joint.current.agencyName, dueAt: joint.current.dueAt }),
    joint,
    applicant: r.applicant,
    forms: r.forms,
    files: b!.files.map(fileView),
    feeTotal: Number(r.fee_total),
    returnedAt: r.returned_at,
    extendedTo: r.extended_to,
    resultFileId: r.result_file_id,
    paperResult: r.paper_result,
    rating: r.rating ? { value: r.rating, reason: r.rating_reason, at: r.rated_at! } : null,
    version: r.version,
    allowedActions: k.workflow.allowedActions(c, ctx.actor).filter(meaningful).map((a) => ({ action: a, label: label(c.definition, a) })),
    history: history.map((h) => ({
      seq: h.seq, action: h.action, label: h.action === 'start' ? 'Nộp hồ sơ' : label(c.definition, h.action), from: h.fromState, to: h.toState,
      toLabel: stateLabel(h.toState), actor: h.actor.name, at: h.at,
      payload: h.action === 'start' ? {} : h.payload,
    })),
    clocks: b!.clocks.map(clockViewOf).map((cl) => ({ step: cl.step, dueAt: cl.dueAt, pausedAt: cl.pausedAt, stoppedAt: cl.stoppedAt, breachedAt: cl.breachedAt })),
  };
}

export interface ListQuery {
  mine?: boolean;
  state?: string[];
  due?: 'overdue' | 'due_soon';
  assignedToMe?: boolean;
  q?: string;
  /** A commune's code or an agency's code: only what it handles (within what the reader may see). */
  unit?: string;
  agency?: string;
  /** The list behind an operations-centre figure over [from, to] (Vietnamese days). */
  outcome?: 'received' | 'finished' | 'early' | 'on_time' | 'late';
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** A citizen's own dossiers, or an official's work queue within their scope. */
export async function list(k: Kernel, ctx: Ctx, q: ListQuery): Promise<{ items: DossierSummary[]; total: number }> {
  if (!ctx.actor) throw errors.unauthenticated();
  const mine = isPublic(ctx.actor) || q.mine;
  if (!mine && !can(ctx.actor, READ)) throw errors.forbidden(READ);
  const now = new Date();
  const unit = q.unit ? await findUnitByCode(k.db, q.unit) : undefined;
  if (q.unit && !unit) throw errors.field('query.unit', 'exists', `Không có đơn vị mã ${q.unit}`);
  const agency = q.agency ? await getAgencyByCode(k.db, q.agency) : undefined;
  if (q.agency && !agency) throw errors.field('query.agency', 'exists', `Không có cơ quan mã ${q.agency}`);
  if (q.outcome && (!q.from || !q.to)) throw errors.field(q.from ? 'query.to' : 'query.from', 'required', 'Danh sách theo kết quả cần khoảng thời gian (từ ngày, đến ngày)');
  if (q.from && q.to && q.from > q.to) throw errors.field('query.to', 'after', 'Đến ngày phải sau từ ngày');
  const r = await repo.listDossiers(k.db, {
    owner: mine ? ctx.actor.id : undefined,
    scopes: mine ? undefined : scopesFor(ctx.actor, READ),
    states: q.state, due: q.due, assignee: q.assignedToMe ? ctx.actor.id : undefined, q: q.q, limit: q.limit, offset: q.offset, now,
    unitPath: unit?.path, agencyId: agency?.id,
    outcome: q.outcome ? { kind: q.outcome, from: q.from!, to: q.to! } : undefined,
  });
  const open = await openJointSteps(k.db, r.rows.map((x) => x.id));
  return {
    items: r.rows.map((x) => {
      const j = open.get(x.id);
      return summary(x, now, j ? { code: j.agency_code, name: j.agency_name, dueAt: j.due_at } : null);
    }),
    total: r.total,
  };
}

/** Public tracking by code: state, dates and the handling body, nothing personal. */
export async function track(k: Kernel, code: string) {
  const cache = trackingCache<ReturnType<typeof trackView>>(k);
  const hit = cache.get(code);
  if (hit) return hit;
  const r = CODE_RE.test(code) ? await repo.dossierByCode(k.db, code) : undefined;
  if (!r) throw servicesErrors.dossierNotFound();
  const v = trackView(r, await jointTracking(k.db, r.id));
  cache.set(code, r.id, v);
  return v;
}

/** What public tracking shows (the web app's `Tracking` type is this one). */
export type TrackingView = ReturnType<typeof trackView>;

function trackView(r: DossierRow, joint: Awaited<ReturnType<typeof jointTracking>>) {
  return {
    code: r.code, procedureName: r.procedure_name, handlerName: r.handler_name, state: r.state, stateLabel: stateLabel(r.state),
    submittedAt: r.submitted_at, receivedAt: r.received_at, dueAt: r.due_at, finishedAt: r.finished_at, returnedAt: r.returned_at,
    // Which agency has it now (the receiving body unless another agency of a joint process holds it).
    currentAgency: joint.currentAgency ?? r.handler_name,
    jointSteps: joint.jointSteps,
  };
}

/** A file of a dossier, for whoever may read the dossier. */
export async function dossierFile(k: Kernel, ctx: Ctx, id: string, fileId: string): Promise<{ name: string; mime: string; data: Buffer }> {
  await readable(k.db, ctx, id);
  const f = (await repo.dossierFiles(k.db, id)).find((x) => x.file_id === fileId);
  const meta = f && (await k.files.meta(k.db, fileId));
  if (!f || !meta) throw errors.notFound('tệp');
  return { name: meta.originalName, mime: meta.mime, data: await k.files.read(meta.sha256) };
}

export async function dossierRow(k: Kernel, ctx: Ctx, id: string): Promise<DossierRow> {
  return readable(k.db, ctx, id);
}

// ——— Notifications ———

const SUBJECTS: Record<string, string> = {
  submitted: 'đã được gửi, chờ tiếp nhận',
  receive: 'đã được tiếp nhận',
  refuse: 'bị từ chối tiếp nhận',
  supplement: 'cần bổ sung, hoàn thiện',
  approve: 'đã có kết quả',
  deliver: 'đã trả kết quả',
  stop: 'bị dừng giải quyết',
  extend: 'được hẹn lại ngày trả kết quả',
};

/**
 * Tells the applicant what changed, through the outbox in the same transaction.
 * Email today; SMS and Zalo are further channels behind this one function.
 */
async function notifyApplicant(k: Kernel, tx: Tx, ctx: Ctx, id: string, what: string, known?: { row: KnownDossier; seq: number }): Promise<void> {
  // A submission passes the row it wrote and its last action's number (its payload is empty).
  const r: KnownDossier | undefined = known?.row ?? (await repo.dossier(tx, id));
  const to = r?.applicant.email ?? (r?.owner_id ? (await getAccount(k, r.owner_id))?.email : null);
  const phone = r?.applicant.phone ?? null;
  if (!r || (!to && !phone)) return;
  const url = `${k.config.publicUrl}/tra-cuu/${encodeURIComponent(r.code)}`;
  const due = r.due_at ? new Date(r.due_at.getTime() + TZ_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ') : null;
  const last: { seq: number; payload: Record<string, unknown> } | undefined = known ? { seq: known.seq, payload: {} } : (await k.workflow.history(id, tx)).at(-1);
  const detail = what === 'extend'
    ? `Chúng tôi thành thật xin lỗi vì chưa trả kết quả đúng hẹn. Lý do: ${(last?.payload.reason as string | undefined) ?? ''}\nNgày hẹn trả mới: ${(last?.payload.newDate as string | undefined)?.split('-').reverse().join('/') ?? ''}.`
    : what === 'supplement' || what === 'refuse' || what === 'stop'
    ? [(last?.payload.reason as string | undefined) ?? '', ...((last?.payload.items as string[] | undefined) ?? []).map((i) => `- ${i}`)].filter(Boolean).join('\n')
    : '';
  const subject = `Hồ sơ ${r.code} ${SUBJECTS[what] ?? 'có thay đổi'}`;
  const dueDay = r.due_at ? due!.slice(0, 10).split('-').reverse().join('/') : null;
  // Email, SMS or Zalo as the applicant chose (notify.channels.ts); email when no other can carry it.
  await sendNotice(k, tx, { email: to, phone }, await channelsFor(k, tx, r.owner_id, !!to), {
    subject,
    short: `${subject}.${dueDay && what === 'receive' ? ` Hen tra ket qua: ${dueDay}.` : ''} Tra cuu: ${url}`,
    params: {
      ten_khach_hang: r.applicant.name.slice(0, 30), ma_ho_so: r.code, ten_thu_tuc: r.procedure_name.slice(0, 100),
      trang_thai: (SUBJECTS[what] ?? 'có thay đổi').slice(0, 100), ngay_hen: dueDay ?? 'chưa có',
    },
    ref: `${r.id}:${last?.seq ?? 1}`,
    text: [
      `Kính gửi ${r.applicant.name},`,
      '',
      `Hồ sơ ${r.code} (${r.procedure_name}) ${SUBJECTS[what] ?? 'có thay đổi'}.`,
      detail,
      due && what === 'receive' ? `Ngày hẹn trả kết quả: ${due}.` : '',
      `Tra cứu: ${url}`,
      '',
      r.handler_name,
    ].filter((l, i, a) => l !== '' || (i > 0 && a[i - 1] !== '')).join('\n'),
  }, ctx.requestId);
}
