import type { Ctx } from '../../kernel/context.js';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { errors, type FieldError } from '../../kernel/errors.js';
import { type Actor, can, scopesFor } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { label } from '../../kernel/workflow/definition.js';
import { accountsFor, getAccount } from '../identity/index.js';
import { findUnitByCode, findProvinceUnit, getAgencyByCode } from '../org/index.js';
import { feedbackErrors } from './errors.js';
import { BoundaryIndex, parseFeatures, simplify } from './geo.js';
import { MAX_PHOTOS, type ProcessedPhoto, processPhoto } from './media.js';
import { probeVideo, transcodeVideo, type VideoInfo } from './video.js';
import * as repo from './report.repo.js';
import type { Channel, ReportRow } from './report.repo.js';
import { DEFAULT_LIMITS, definitionFor, FINAL_STATES, OPEN_STATES, type Limits, REPORT_TYPE, type ReportKind, reportCaseType } from './report.workflow.js';

/**
 * Reports at one address: every channel (web, app, Open311, hotline, desk,
 * email) files through `submit`; routing by category (agency) and point
 * (commune); actions on the case engine and what they change on the report;
 * the public page; leaders' figures.
 */

export const READ = 'feedback.read';
export const FILE = 'feedback.report.file';
export const MODERATE = 'feedback.moderate';
export const CATEGORY_MANAGE = 'feedback.category.manage';
export const VIDEO_TOPIC = 'feedback.video.encode';

const isPublicActor = (a: Actor | null | undefined) => a?.kind === 'citizen' || a?.kind === 'business';
const stateLabel = (s: string) => (reportCaseType.labels as Record<string, string>)[s] ?? s;
const PREFIX: Record<ReportKind, string> = { pakn: 'PA', complaint: 'KN', denunciation: 'TC' };

// ——— Boundaries ———

let cached: { index: BoundaryIndex; stamp: string; checkedAt: number; db: unknown } | null = null;

/** The boundary index, rebuilt when another import changed the stored boundaries (checked at most every 10 s). */
export async function boundaryIndex(k: Kernel): Promise<BoundaryIndex> {
  const now = Date.now();
  if (cached && cached.db === k.db && now - cached.checkedAt < 10_000) return cached.index;
  const stamp = await repo.boundaryStamp(k.db);
  if (cached && cached.db === k.db && cached.stamp === stamp) {
    cached.checkedAt = now;
    return cached.index;
  }
  const index = new BoundaryIndex(await repo.boundaries(k.db));
  cached = { index, stamp, checkedAt: now, db: k.db };
  return index;
}

/**
 * Imports boundaries from GeoJSON documents (a province's outline, code of 2
 * digits, and communes, 5 digits), all or nothing; a unit imported again is replaced.
 */
export async function importBoundaries(k: Kernel, ctx: Ctx, docs: unknown[], onProgress?: (done: number, total: number) => void) {
  const all = docs.map(parseFeatures);
  const problems = all.flatMap((d) => d.problems);
  if (problems.length) throw feedbackErrors.boundaries(problems.slice(0, 5).join('; '));
  const features = all.flatMap((d) => d.features);
  if (!features.length) throw feedbackErrors.boundaries('không có đối tượng nào');
  let done = 0;
  await transaction(k.db, async (tx) => {
    for (const f of features) {
      const level = f.unitCode.length === 2 ? 'province' : 'commune';
      await repo.saveBoundary(tx, { ...f, level, display: simplify(f.geometry, level === 'province' ? 0.002 : 0.0004) });
      onProgress?.(++done, features.length);
    }
    await k.audit.record(tx, ctx, {
      action: 'feedback.boundaries.import', entity: 'feedback_boundary', entityId: null,
      after: { count: features.length, provinces: features.filter((f) => f.unitCode.length === 2).length },
    });
  });
  cached = null;
  return { imported: features.length, communes: features.filter((f) => f.unitCode.length === 5).length };
}

export interface Routing {
  unitCode: string | null;
  unitPath: string | null;
  unitName: string | null;
}

/** The commune whose boundary holds the point; a point outside the province is refused. */
export async function routePoint(k: Kernel, ex: Executor, lon: number, lat: number): Promise<Routing> {
  const index = await boundaryIndex(k);
  if (!index.inProvince(lon, lat)) throw feedbackErrors.outside();
  const b = index.commune(lon, lat);
  // Inside the province's outline but on no commune (a gap, or no boundaries imported yet): the province's operators route it.
  if (!b) return provinceRouting(ex);
  const unit = await findUnitByCode(ex, b.unitCode);
  if (!unit) return { ...(await provinceRouting(ex)), unitCode: b.unitCode, unitName: b.name };
  return { unitCode: unit.code, unitPath: unit.path, unitName: unit.full_name };
}

async function provinceRouting(ex: Executor): Promise<Routing> {
  const p = await findProvinceUnit(ex);
  return { unitCode: null, unitPath: p?.path ?? null, unitName: null };
}

// ——— Views ———

export interface ReportView {
  id: string;
  code: string;
  kind: ReportKind;
  category: { code: string; name: string };
  title: string;
  body: string;
  location: { lat: number; lon: number } | null;
  address: string | null;
  unitCode: string | null;
  channel: Channel;
  reporterName: string | null;
  reporterContact: { phone: string | null; email: string | null } | null;
  /** The reporter's account, for officials (moderators block accounts by it). */
  reporterId: string | null;
  showName: boolean;
  state: string;
  stateLabel: string;
  dueAt: Date | null;
  overdue: boolean;
  escalationLevel: number;
  assigneeId: string | null;
  answer: string | null;
  answeredAt: Date | null;
  publishedAt: Date | null;
  rating: { value: 'satisfied' | 'unsatisfied'; reason: string | null } | null;
  duplicateOf: string | null;
  hidden: boolean;
  createdAt: Date;
  photos: { position: number; url: string; width: number | null; height: number | null; kind: 'photo' | 'video'; status: string }[];
  answerFiles: { name: string; url: string }[];
  followers: number;
  following: boolean;
  version: number;
  allowedActions: { action: string; label: string }[];
  history: { seq: number; action: string; label: string; toLabel: string; actor: string | null; at: Date; note: string | null }[];
  clocks: { step: string; dueAt: Date; pausedAt: Date | null; stoppedAt: Date | null; breachedAt: Date | null }[];
}

export interface PublicReport {
  code: string;
  category: { code: string; name: string };
  title: string;
  body: string;
  location: { lat: number; lon: number } | null;
  address: string | null;
  unitCode: string | null;
  reporterName: string | null;
  state: string;
  stateLabel: string;
  createdAt: Date;
  answer: string | null;
  publishedAt: Date | null;
  rating: 'satisfied' | 'unsatisfied' | null;
  photos: { position: number; url: string; kind: 'photo' | 'video' }[];
  answerFiles: { name: string; url: string }[];
  followers: number;
}

const scopeOf = (r: Pick<ReportRow, 'unit_path' | 'agency_id'>) => ({ unitPath: r.unit_path, agencyId: r.agency_id });
const isOwn = (r: ReportRow, a: Actor | null | undefined) => !!a && !!r.reporter_id && r.reporter_id === a.id;

/** The report if the actor may read it in full: its reporter, or an official whose scope covers it. */
async function readable(ex: Executor, ctx: Ctx, id: string, lock = false): Promise<ReportRow> {
  if (!ctx.actor) throw errors.unauthenticated();
  const r = /^[0-9a-f-]{36}$/.test(id) ? await repo.report(ex, id, lock) : undefined;
  // Someone else's report — above all a confidential complaint — is as absent as one that does not exist.
  if (!r || (isPublicActor(ctx.actor) && !isOwn(r, ctx.actor))) throw feedbackErrors.notFound();
  if (!isPublicActor(ctx.actor) && !isOwn(r, ctx.actor) && !can(ctx.actor, READ, scopeOf(r))) throw feedbackErrors.notFound();
  return r;
}

const photoUrl = (code: string, position: number) => `/api/feedback/public/${encodeURIComponent(code)}/photos/${position}`;

export async function view(k: Kernel, ctx: Ctx, id: string, ex: Executor = k.db): Promise<ReportView> {
  const r = await readable(ex, ctx, id);
  const c = (await k.workflow.get(id, ex))!;
  const cat = await repo.category(ex, r.category_code);
  const media = await repo.media(ex, id);
  const official = !isPublicActor(ctx.actor);
  const history = await k.workflow.history(id, ex);
  const note = (p: Record<string, unknown>) => (['reason', 'question', 'info', 'answer', 'note'].map((k2) => p[k2]).find((v) => typeof v === 'string') as string | undefined) ?? null;
  return {
    id: r.id,
    code: r.code,
    kind: r.kind,
    category: { code: r.category_code, name: cat?.name ?? r.category_code },
    title: r.title,
    body: r.body,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    address: r.address,
    unitCode: r.unit_code,
    channel: r.channel,
    reporterName: r.reporter_name,
    reporterContact: official || isOwn(r, ctx.actor) ? { phone: r.reporter_phone, email: r.reporter_email } : null,
    reporterId: official ? r.reporter_id : null,
    showName: r.show_name,
    state: r.state,
    stateLabel: stateLabel(r.state),
    dueAt: r.due_at,
    overdue: !!r.due_at && OPEN_STATES.includes(r.state) && r.due_at < new Date(),
    escalationLevel: r.escalation_level,
    assigneeId: r.assignee_id,
    answer: r.answer,
    answeredAt: r.answered_at,
    publishedAt: r.published_at,
    rating: r.rating ? { value: r.rating, reason: r.rating_reason } : null,
    duplicateOf: r.duplicate_of,
    hidden: r.hidden,
    createdAt: r.created_at,
    photos: media.filter((m) => official || (!m.hidden && (m.status === 'ready' || isOwn(r, ctx.actor)))).map((m) => ({ position: m.position, url: `/api/feedback/reports/${r.id}/photos/${m.position}`, width: m.width, height: m.height, kind: m.kind, status: m.status })),
    answerFiles: (await repo.answerFiles(ex, id)).map((f) => ({ name: f.name, url: `/api/feedback/reports/${r.id}/answer-files/${f.file_id}` })),
    followers: await repo.followerCount(ex, id),
    following: !!ctx.actor && (await repo.followers(ex, id)).includes(ctx.actor.id),
    version: c.version,
    allowedActions: k.workflow.allowedActions(c, ctx.actor).map((a) => ({ action: a, label: label(c.definition, a) })),
    history: history.map((h) => ({
      seq: h.seq, action: h.action, label: h.action === 'start' ? 'Gửi phản ánh' : label(c.definition, h.action), toLabel: stateLabel(h.toState),
      // Reporters see who acted by role, not the official's name.
      actor: official ? h.actor.name : null, at: h.at, note: h.action === 'start' ? null : note(h.payload),
    })),
    clocks: official ? (await k.workflow.clocks(id, ex)).map((cl) => ({ step: cl.step, dueAt: cl.dueAt, pausedAt: cl.pausedAt, stoppedAt: cl.stoppedAt, breachedAt: cl.breachedAt })) : [],
  };
}

/** Whether a report has a public page: feedback and petitions only, never complaints or denunciations, not hidden or refused. */
export const isPublicReport = (r: ReportRow) => r.kind === 'pakn' && !r.hidden && r.state !== 'refused' && r.state !== 'received';

export async function publicView(k: Kernel, code: string): Promise<PublicReport> {
  const r = await repo.reportByCode(k.db, code);
  if (!r || !isPublicReport(r)) throw feedbackErrors.notFound();
  return publicOf(k.db, r);
}

async function publicOf(ex: Executor, r: ReportRow): Promise<PublicReport> {
  const cat = await repo.category(ex, r.category_code);
  const media = (await repo.media(ex, r.id)).filter((m) => !m.hidden && m.status === 'ready');
  return {
    code: r.code,
    category: { code: r.category_code, name: cat?.name ?? r.category_code },
    title: r.title,
    body: r.body,
    location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
    address: r.address,
    unitCode: r.unit_code,
    reporterName: r.show_name ? r.reporter_name : null,
    state: r.state,
    stateLabel: stateLabel(r.state),
    createdAt: r.created_at,
    answer: r.published_at ? r.answer : null,
    publishedAt: r.published_at,
    rating: r.rating,
    photos: media.map((m) => ({ position: m.position, url: photoUrl(r.code, m.position), kind: m.kind })),
    // The answer's files are public with the answer, once it is published.
    answerFiles: r.published_at ? (await repo.answerFiles(ex, r.id)).map((f) => ({ name: f.name, url: `/api/feedback/public/${encodeURIComponent(r.code)}/answer-files/${f.file_id}` })) : [],
    followers: await repo.followerCount(ex, r.id),
  };
}

export async function publicList(k: Kernel, q: { q?: string; categoryCode?: string; limit: number; offset: number }) {
  const r = await repo.publishedList(k.db, q);
  return { items: await Promise.all(r.rows.map((x) => publicOf(k.db, x))), total: r.total };
}

export async function publicPhoto(k: Kernel, code: string, position: number): Promise<{ mime: string; data: Buffer }> {
  const r = await repo.reportByCode(k.db, code);
  if (!r || !isPublicReport(r)) throw feedbackErrors.notFound();
  const m = (await repo.media(k.db, r.id)).find((x) => x.position === position && !x.hidden && x.status === 'ready');
  if (!m) throw feedbackErrors.notFound();
  return { mime: m.mime, data: await readFile(k, m.file_id) };
}

/** A photo or video of a report for its reporter or officials; a video still being re-encoded is not served to anyone. */
export async function reportPhoto(k: Kernel, ctx: Ctx, id: string, position: number): Promise<{ mime: string; data: Buffer }> {
  await readable(k.db, ctx, id);
  const m = (await repo.media(k.db, id)).find((x) => x.position === position);
  if (!m || m.status !== 'ready' || (m.hidden && isPublicActor(ctx.actor))) throw feedbackErrors.notFound();
  return { mime: m.mime, data: await readFile(k, m.file_id) };
}

const ANSWERING = ['assigned', 'in_progress', 'answered'];

/** Attaches a file to the answer (PDF, JPEG, PNG): by whoever may answer the report, while it is being answered. */
export async function attachToAnswer(k: Kernel, ctx: Ctx, id: string, name: string, data: Buffer): Promise<{ name: string; url: string }> {
  return transaction(k.db, async (tx) => {
    const r = await readable(tx, ctx, id, true);
    if (!can(ctx.actor, 'feedback.report.answer', scopeOf(r))) throw errors.forbidden('feedback.report.answer');
    if (!ANSWERING.includes(r.state)) throw errors.conflict(`Chỉ đính kèm khi đang trả lời (trạng thái hiện tại: ${stateLabel(r.state)})`);
    const f = await k.files.put(tx, ctx, name, data, { allow: ['application/pdf', 'image/jpeg', 'image/png'] });
    await repo.addAnswerFile(tx, { report_id: id, file_id: f.id, name: f.originalName, mime: f.mime, added_by: ctx.actor!.id });
    await k.audit.record(tx, ctx, { action: 'feedback.answer.attach', entity: 'feedback_report', entityId: id, after: { fileId: f.id, name: f.originalName } });
    return { name: f.originalName, url: `/api/feedback/reports/${id}/answer-files/${f.id}` };
  });
}

export async function answerFile(k: Kernel, ctx: Ctx | null, ref: { id?: string; code?: string }, fileId: string): Promise<{ name: string; mime: string; data: Buffer }> {
  let r: ReportRow | undefined;
  if (ref.code) {
    r = await repo.reportByCode(k.db, ref.code);
    if (!r || !isPublicReport(r) || !r.published_at) throw feedbackErrors.notFound();
  } else r = await readable(k.db, ctx!, ref.id!);
  const f = (await repo.answerFiles(k.db, r.id)).find((x) => x.file_id === fileId);
  if (!f) throw feedbackErrors.notFound();
  return { name: f.name, mime: f.mime, data: await readFile(k, f.file_id) };
}

/** The job that re-encodes a report's video (outbox topic VIDEO_TOPIC). A video ffmpeg cannot read is marked failed, not retried. */
export async function encodeVideo(k: Kernel, p: { reportId: string; position: number; keepLocation: boolean }): Promise<void> {
  const m = (await repo.media(k.db, p.reportId)).find((x) => x.position === p.position);
  if (!m || m.status !== 'processing') return;
  const original = await readFile(k, m.file_id);
  let out: Awaited<ReturnType<typeof transcodeVideo>>;
  try {
    out = await transcodeVideo(original, p.keepLocation);
  } catch (e) {
    k.log.warn({ report: p.reportId, err: (e as Error).message }, 'video could not be re-encoded');
    await repo.setMedia(k.db, p.reportId, p.position, { status: 'failed' });
    return;
  }
  await transaction(k.db, async (tx) => {
    const f = await k.files.put(tx, null, `video-${p.reportId.slice(0, 8)}-${p.position}.mp4`, out.data, { allow: ['video/mp4'] });
    await repo.setMedia(tx, p.reportId, p.position, { file_id: f.id, status: 'ready', mime: 'video/mp4', size: out.data.length, width: out.width, height: out.height });
  });
}

async function readFile(k: Kernel, fileId: string): Promise<Buffer> {
  const f = await k.files.meta(k.db, fileId);
  if (!f) throw feedbackErrors.notFound();
  return k.files.read(f.sha256);
}

// ——— Submission ———

export interface SubmitInput {
  categoryCode: string;
  title: string;
  body: string;
  lat?: number | null;
  lon?: number | null;
  address?: string | null;
  showName?: boolean;
  keepPhotoLocation?: boolean;
  /** Set by operators filing on someone's behalf (hotline, desk, email) and by Open311. */
  channel?: Channel;
  reporter?: { name: string; phone?: string | null; email?: string | null };
  unitCode?: string | null;
  open311Client?: string;
  /** At most one short video (checked now, re-encoded by a job). */
  videos?: { name: string; data: Buffer }[];
}

export function limitsOf(cat: repo.CategoryRow): Limits {
  const base = cat.urgent ? DEFAULT_LIMITS.urgent : DEFAULT_LIMITS[cat.kind];
  const own = (cat.limits ?? {}) as Partial<Limits>;
  return { triage: own.triage ?? base.triage, answer: own.answer ?? base.answer, publish: own.publish ?? base.publish };
}

/**
 * Files a report. `contactEmail`: a reporter without an account who proved this
 * address (contact.ts); the report keeps it for notifications.
 */
export async function submit(k: Kernel, ctx: Ctx, input: SubmitInput, photos: { name: string; data: Buffer }[], key: string, opts: { contactEmail?: string } = {}): Promise<ReportRow> {
  const actor = ctx.actor;
  if (!actor) throw errors.unauthenticated();
  const contact = opts.contactEmail;
  const onBehalf = !contact && !isPublicActor(actor);
  if (onBehalf && input.channel !== 'open311' && !can(actor, FILE)) throw errors.forbidden(FILE);
  if (isPublicActor(actor) && (await repo.isBlocked(k.db, actor.id))) throw feedbackErrors.blocked();
  const problems: FieldError[] = [];
  if ((contact || (onBehalf && input.channel !== 'open311')) && !input.reporter?.name?.trim()) problems.push({ field: 'body.reporter.name', rule: 'required', message: 'Cần ghi họ tên người phản ánh' });
  if (onBehalf && !['hotline', 'desk', 'email', 'open311', 'app'].includes(input.channel ?? '')) problems.push({ field: 'body.channel', rule: 'enum', message: 'Kênh tiếp nhận phải là hotline, desk, email hoặc open311' });
  if (photos.length > MAX_PHOTOS) problems.push({ field: 'photos', rule: 'max', message: `Tối đa ${MAX_PHOTOS} ảnh` });
  if ((input.lat == null) !== (input.lon == null)) problems.push({ field: 'body.lat', rule: 'pair', message: 'Cần cả vĩ độ và kinh độ' });
  // Reports typed in from a call or an email may not know the place: the desk sets it when classifying.
  const placeOptional = onBehalf && ['hotline', 'desk', 'email'].includes(input.channel ?? '');
  if (input.lat == null && !input.address?.trim() && !input.unitCode && !placeOptional) problems.push({ field: 'body.lat', rule: 'required', message: 'Chọn vị trí trên bản đồ hoặc nhập địa chỉ' });
  if (problems.length) throw errors.validation(problems);
  const cat = await repo.category(k.db, input.categoryCode);
  if (!cat || !cat.active) throw feedbackErrors.category(input.categoryCode);
  // Images are checked and re-encoded before the transaction: CPU work holds no database lock.
  const processed: (ProcessedPhoto & { name: string })[] = [];
  for (const [i, p] of photos.entries()) processed.push({ ...(await processPhoto(p.data, `photos.${i}`, input.keepPhotoLocation)), name: p.name });
  const videos = input.videos ?? [];
  if (videos.length > 1) throw errors.field('videos', 'max', 'Tối đa 1 video');
  const probed: (VideoInfo & { name: string; data: Buffer })[] = [];
  for (const [i, v] of videos.entries()) probed.push({ ...(await probeVideo(v.data, `videos.${i}`)), ...v });

  const id = await transaction(k.db, async (tx) => {
    let routing: Routing;
    if (input.lat != null && input.lon != null) routing = await routePoint(k, tx, input.lon, input.lat);
    else if (input.unitCode) {
      const u = await findUnitByCode(tx, input.unitCode);
      if (!u) throw errors.field('body.unitCode', 'exists', 'Không có xã, phường này');
      routing = { unitCode: u.code, unitPath: u.path, unitName: u.full_name };
    } else routing = await provinceRouting(tx);
    const now = new Date();
    const { case: c, replayed } = await k.workflow.start(tx, ctx, {
      type: REPORT_TYPE, unitPath: routing.unitPath, agencyId: cat.agency_id, idempotencyKey: key,
      data: { categoryCode: cat.code, title: input.title, channel: input.channel ?? 'web' },
      definitionKey: `category:${cat.code}`,
      defaultDefinition: definitionFor(limitsOf(cat), cat.name),
    });
    if (replayed) return c.id;
    const account = isPublicActor(actor) ? await getAccount(k, actor.id) : null;
    const code = `${PREFIX[cat.kind]}-${now.getUTCFullYear()}-${String(await repo.nextNumber(tx)).padStart(6, '0')}`;
    await repo.insertReport(tx, {
      id: c.id, code, kind: cat.kind, category_code: cat.code, title: input.title.trim(), body: input.body.trim(),
      lat: input.lat ?? null, lon: input.lon ?? null, address: input.address?.trim() || null,
      unit_code: routing.unitCode, unit_path: routing.unitPath, agency_id: cat.agency_id,
      channel: onBehalf ? input.channel! : input.channel === 'app' ? 'app' : 'web',
      reporter_id: isPublicActor(actor) ? actor.id : null,
      reporter_name: isPublicActor(actor) ? actor.name : input.reporter?.name?.trim() || input.open311Client || 'Ẩn danh',
      reporter_phone: account?.phone ?? input.reporter?.phone ?? null,
      reporter_email: contact ?? account?.email ?? input.reporter?.email ?? null,
      show_name: !!input.showName && cat.kind === 'pakn',
      state: c.state, due_at: await dueOf(k, tx, c.id), open311_client: input.open311Client ?? null, created_at: now,
    });
    for (const [i, p] of processed.entries()) {
      const f = await k.files.put(tx, ctx, `${code}-${i + 1}.jpg`, p.data, { allow: ['image/jpeg'] });
      await repo.addMedia(tx, { report_id: c.id, file_id: f.id, position: i + 1, mime: 'image/jpeg', width: p.width, height: p.height, size: p.data.length, kept_location: p.keptLocation });
    }
    for (const [i, v] of probed.entries()) {
      // The video as sent (its location still in it) is kept apart and never served; the job makes the copy people see.
      const f = await k.files.put(tx, ctx, `${code}-video-goc`, v.data, { allow: ['video/*'] });
      const position = processed.length + i + 1;
      await repo.addMedia(tx, { report_id: c.id, file_id: f.id, position, mime: f.mime, width: v.width, height: v.height, size: v.data.length, kept_location: !!input.keepPhotoLocation, kind: 'video', status: 'processing' });
      await k.outbox.enqueue(tx, VIDEO_TOPIC, { reportId: c.id, position, keepLocation: !!input.keepPhotoLocation }, { maxAttempts: 3 });
    }
    if (isPublicActor(actor)) await repo.follow(tx, c.id, actor.id);
    await notify(k, tx, ctx, c.id, 'received');
    return c.id;
  });
  return (await repo.report(k.db, id))!;
}

async function dueOf(k: Kernel, ex: Executor, id: string): Promise<Date | null> {
  const open = (await k.workflow.clocks(id, ex)).filter((c) => !c.stoppedAt);
  return open.length ? open.map((c) => c.dueAt).sort((a, b) => a.getTime() - b.getTime())[0]! : null;
}

export async function nearby(k: Kernel, q: { lat: number; lon: number; categoryCode: string }) {
  const rows = await repo.nearbyOpen(k.db, q.lon, q.lat, k.config.FEEDBACK_NEARBY_METERS, q.categoryCode);
  return rows.map((r) => ({ code: r.code, title: r.title, state: r.state, stateLabel: stateLabel(r.state), distance: Math.round(r.distance), createdAt: r.created_at }));
}

// ——— Actions ———

export interface ActPayload {
  reason?: string;
  duplicateOf?: string;
  assigneeId?: string;
  question?: string;
  info?: string;
  answer?: string;
  rating?: 'satisfied' | 'unsatisfied';
  categoryCode?: string;
  unitCode?: string;
  note?: string;
}

const PUBLIC_CHANGES = new Set(['refuse', 'merge', 'request_info', 'publish', 'reopen', 'close']);

export async function act(k: Kernel, ctx: Ctx, id: string, action: string, payload: ActPayload, key: string, expectedVersion?: number): Promise<ReportView> {
  await transaction(k.db, async (tx) => {
    const r = await readable(tx, ctx, id, true);
    const now = new Date();
    const patch: repo.ReportPatch = {};
    const p: Record<string, unknown> = { ...payload };
    if (action === 'classify') {
      if (payload.categoryCode && payload.categoryCode !== r.category_code) {
        const cat = await repo.category(tx, payload.categoryCode);
        if (!cat) throw feedbackErrors.category(payload.categoryCode);
        Object.assign(patch, { category_code: cat.code, kind: cat.kind, agency_id: cat.agency_id });
      }
      if (payload.unitCode && payload.unitCode !== r.unit_code) {
        const u = await findUnitByCode(tx, payload.unitCode);
        if (!u) throw errors.field('body.unitCode', 'exists', 'Không có xã, phường này');
        Object.assign(patch, { unit_code: u.code, unit_path: u.path });
      }
    }
    if (action === 'merge') {
      const target = payload.duplicateOf ? await repo.reportByCode(tx, payload.duplicateOf) ?? (/^[0-9a-f-]{36}$/.test(payload.duplicateOf) ? await repo.report(tx, payload.duplicateOf) : undefined) : undefined;
      if (!target || target.id === r.id || FINAL_STATES.includes(target.state as never)) throw errors.field('body.duplicateOf', 'exists', 'Không có phản ánh đang mở với mã này');
      p.duplicateOf = target.id;
      patch.duplicate_of = target.id;
      for (const f of await repo.followers(tx, r.id)) await repo.follow(tx, target.id, f);
      if (r.reporter_id) await repo.follow(tx, target.id, r.reporter_id);
    }
    if (action === 'assign') {
      const scope = { unitPath: patch.unit_path ?? r.unit_path, agencyId: patch.agency_id ?? r.agency_id };
      const ok = (await accountsFor(k, 'feedback.report.answer', scope)).some((a) => a.id === payload.assigneeId);
      if (!ok) throw errors.field('body.assigneeId', 'scope', 'Người được giao không có quyền xử lý phản ánh của đơn vị này');
      patch.assignee_id = payload.assigneeId!;
    }
    if (action === 'request_reassign') patch.assignee_id = null;
    if (action === 'answer') Object.assign(patch, { answer: payload.answer!.trim(), answered_at: now });
    if (action === 'publish') patch.published_at = now;
    if (action === 'reopen') {
      const days = k.config.FEEDBACK_REOPEN_DAYS;
      if (r.published_at && now.getTime() - r.published_at.getTime() > days * 86_400_000) throw feedbackErrors.reopenClosed(days);
      Object.assign(patch, { answered_at: null, published_at: null, rating: null });
    }
    if (action === 'rate') Object.assign(patch, { rating: payload.rating!, rating_reason: payload.reason?.trim() || null, rated_at: now, closed_at: now });
    if (action === 'close' || action === 'refuse' || action === 'merge') patch.closed_at = now;
    const { case: c, replayed } = await k.workflow.act(tx, ctx, id, action, p, { idempotencyKey: key, expectedVersion });
    if (replayed) return;
    patch.state = c.state;
    // A routing change moves the case's scope too.
    if (patch.unit_path !== undefined || patch.agency_id !== undefined) await k.workflow.rescope(tx, id, { unitPath: patch.unit_path ?? r.unit_path, agencyId: patch.agency_id ?? r.agency_id });
    patch.due_at = await dueOf(k, tx, id);
    if (patch.due_at === null || FINAL_STATES.includes(c.state as never)) patch.escalation_level = 0;
    await repo.updateReport(tx, id, patch);
    if (PUBLIC_CHANGES.has(action)) await notify(k, tx, ctx, id, action);
  });
  return view(k, ctx, id);
}

/** Officials who may be given the report: they hold the answer action on its scope. */
export async function assignees(k: Kernel, ctx: Ctx, id: string): Promise<{ id: string; name: string }[]> {
  const r = await readable(k.db, ctx, id);
  if (!can(ctx.actor, 'feedback.report.assign', scopeOf(r))) throw errors.forbidden('feedback.report.assign');
  return (await accountsFor(k, 'feedback.report.answer', scopeOf(r))).map((a) => ({ id: a.id, name: a.name }));
}

export async function follow(k: Kernel, ctx: Ctx, code: string, on: boolean): Promise<{ followers: number; following: boolean }> {
  if (!ctx.actor || !isPublicActor(ctx.actor)) throw errors.forbidden('feedback.follow');
  const r = await repo.reportByCode(k.db, code);
  if (!r || !isPublicReport(r)) throw feedbackErrors.notFound();
  if (on) await repo.follow(k.db, r.id, ctx.actor.id);
  else await repo.unfollow(k.db, r.id, ctx.actor.id);
  return { followers: await repo.followerCount(k.db, r.id), following: on };
}

// ——— Lists and figures ———

export async function list(k: Kernel, ctx: Ctx, q: {
  mine?: boolean; state?: string; open?: boolean; overdue?: boolean; categoryCode?: string; assignedToMe?: boolean; q?: string;
  /** A commune's or an agency's code: only its reports (within what the reader may see). */
  unit?: string; agency?: string;
  /** The list behind an operations-centre petition figure over [from, to] (Vietnamese days). */
  outcome?: 'received' | 'answered' | 'answered_on_time' | 'answered_late'; from?: string; to?: string;
  limit: number; offset: number;
}) {
  if (!ctx.actor) throw errors.unauthenticated();
  const mine = isPublicActor(ctx.actor) || q.mine;
  if (!mine && !can(ctx.actor, READ)) throw errors.forbidden(READ);
  const unit = q.unit ? await findUnitByCode(k.db, q.unit) : undefined;
  if (q.unit && !unit) throw errors.field('query.unit', 'exists', `Không có đơn vị mã ${q.unit}`);
  const agency = q.agency ? await getAgencyByCode(k.db, q.agency) : undefined;
  if (q.agency && !agency) throw errors.field('query.agency', 'exists', `Không có cơ quan mã ${q.agency}`);
  if (q.outcome && (!q.from || !q.to)) throw errors.field(q.from ? 'query.to' : 'query.from', 'required', 'Danh sách theo kết quả cần khoảng thời gian (từ ngày, đến ngày)');
  if (q.from && q.to && q.from > q.to) throw errors.field('query.to', 'after', 'Đến ngày phải sau từ ngày');
  const r = await repo.listReports(k.db, {
    scopes: mine ? null : scopesFor(ctx.actor, READ), reporterId: mine ? ctx.actor.id : undefined,
    state: q.state, open: q.open, overdue: q.overdue, categoryCode: q.categoryCode, assigneeId: q.assignedToMe ? ctx.actor.id : undefined,
    q: q.q, limit: q.limit, offset: q.offset, now: new Date(),
    unitPath: unit?.path, agencyId: agency?.id, outcome: q.outcome ? { kind: q.outcome, from: q.from!, to: q.to! } : undefined,
  });
  const now = new Date();
  return {
    total: r.total,
    items: r.rows.map((x) => ({
      id: x.id, code: x.code, kind: x.kind, categoryCode: x.category_code, title: x.title, state: x.state, stateLabel: stateLabel(x.state),
      unitCode: x.unit_code, channel: x.channel, createdAt: x.created_at, dueAt: x.due_at, escalationLevel: x.escalation_level,
      overdue: !!x.due_at && x.due_at < now && OPEN_STATES.includes(x.state),
      location: x.lat !== null && x.lon !== null ? { lat: x.lat, lon: x.lon } : null,
    })),
  };
}

export async function stats(k: Kernel, ctx: Ctx) {
  if (!ctx.actor) throw errors.unauthenticated();
  if (!can(ctx.actor, READ)) throw errors.forbidden(READ);
  const s = await repo.stats(k.db, scopesFor(ctx.actor, READ), new Date());
  return { ...s, computedAt: new Date() };
}

/** Adds or changes a category; reports filed later pin its limits (earlier ones keep theirs). Audited. */
export async function saveCategory(k: Kernel, ctx: Ctx, code: string, input: {
  name: string; nameEn?: string | null; kind: ReportKind; agencyCode?: string | null; urgent: boolean; limits?: Partial<Limits> | null; active: boolean; sort: number;
}): Promise<void> {
  if (!can(ctx.actor, CATEGORY_MANAGE)) throw errors.forbidden(CATEGORY_MANAGE);
  const agency = input.agencyCode ? await getAgencyByCode(k.db, input.agencyCode) : null;
  if (input.agencyCode && !agency) throw errors.field('body.agencyCode', 'exists', `Không có cơ quan mã ${input.agencyCode}`);
  await transaction(k.db, async (tx) => {
    const before = await repo.category(tx, code);
    const row = { code, name: input.name, name_en: input.nameEn ?? null, kind: input.kind, agency_id: agency?.id ?? null, urgent: input.urgent, limits: input.limits ?? null, active: input.active, sort: input.sort };
    await repo.upsertCategory(tx, row);
    await k.audit.record(tx, ctx, { action: 'feedback.category.save', entity: 'feedback_category', entityId: code, before: before ?? null, after: row });
  });
}

export async function categories(k: Kernel) {
  return (await repo.categories(k.db)).map((c) => ({ code: c.code, name: c.name, nameEn: c.name_en, kind: c.kind, urgent: c.urgent, limits: limitsOf(c) }));
}

// ——— Notifications ———

const SUBJECTS: Record<string, string> = {
  received: 'đã được tiếp nhận',
  refuse: 'không được tiếp nhận',
  merge: 'được gộp với phản ánh cùng nội dung',
  request_info: 'cần bổ sung thông tin',
  publish: 'đã có trả lời',
  reopen: 'đã được mở lại',
  close: 'đã được đóng',
};

/** Mail to the reporter and followers on every public change of a report. */
async function notify(k: Kernel, tx: Tx, ctx: Ctx, id: string, what: string): Promise<void> {
  const r = (await repo.report(tx, id))!;
  const ids = new Set(await repo.followers(tx, id));
  const to = new Set<string>();
  if (r.reporter_email) to.add(r.reporter_email);
  for (const a of ids) {
    const acc = await getAccount(k, a);
    if (acc?.email) to.add(acc.email);
  }
  if (!to.size) return;
  const last = (await k.workflow.history(id, tx)).at(-1);
  const detail = (['reason', 'question'].map((x) => last?.payload[x]).find((v) => typeof v === 'string') as string | undefined) ?? '';
  const confidential = r.kind !== 'pakn';
  const url = confidential ? `${k.config.publicUrl}/phan-anh/cua-toi` : `${k.config.publicUrl}/phan-anh/${encodeURIComponent(r.code)}`;
  const subject = `Phản ánh ${r.code} ${SUBJECTS[what] ?? 'có thay đổi'}`;
  for (const addr of to) {
    await k.mailer.send(tx, k.outbox, {
      to: addr,
      subject,
      text: [
        `Phản ánh, kiến nghị ${r.code}${confidential ? '' : ` «${r.title}»`} ${SUBJECTS[what] ?? 'có thay đổi'}.`,
        detail && what !== 'publish' ? `Nội dung: ${detail}` : '',
        what === 'publish' && !confidential && r.answer ? `Trả lời: ${r.answer}` : '',
        `Xem chi tiết: ${url}`,
      ].filter(Boolean).join('\n'),
    }, ctx.requestId);
  }
}

