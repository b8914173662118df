import { z } from 'zod';
import type { Duration } from '../../kernel/calendar/engine.js';
import type { Executor, Tx } from '../../kernel/db/index.js';
import { AppError, type FieldError } from '../../kernel/errors.js';
import type { Actor } from '../../kernel/http/access.js';
import { can } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import type { CaseView, SlaDef } from '../../kernel/workflow/index.js';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import { signAsAgency } from '../documents/index.js';
import { getAgency, getAgencyByCode } from '../org/index.js';
import { addDossierFiles, dossier as dossierById, type DossierRow } from './dossier.repo.js';
import * as repo from './joint.repo.js';
import type { JointResultRow, JointStepDef, JointStepRow } from './joint.repo.js';

/**
 * Joint processing across agencies (liên thông, Decree 118/2025 art. 21–22; the
 * birth–residence–health-insurance trio of Decree 63/2024): a procedure's
 * process definition may name steps that OTHER agencies take, in order, each
 * with its own time limit within the statutory one. The receiving body (the
 * one-stop desk that received the dossier) hands the dossier over
 * (`transfer`); each agency in turn passes it on (`joint_pass`), completes the
 * last step (`joint_complete`: back to the receiving body, which approves and
 * returns the result) or returns it with a reason (`joint_return`: the
 * receiving body then asks the applicant for a supplement, stops, or sends it
 * again to the same step).
 *
 * The case engine decides who may act from the case's scope: while an agency
 * holds the dossier, the case is moved (`rescope`) to that agency, so its
 * officials — and not the receiving body's — take the next action. An agency
 * reads the dossiers it holds or held (queues, view) and no other; the
 * receiving body always reads its own.
 *
 * The plan is saved beside the process definition, under the same procedure
 * code and version (table process_joint_plan): a dossier pins its definition
 * version when it starts, and so the plan.
 */

export const JOINT_ACTIONS = ['transfer', 'joint_pass', 'joint_complete', 'joint_return'] as const;
export type JointAction = (typeof JOINT_ACTIONS)[number];
export const isJointAction = (a: string): a is JointAction => (JOINT_ACTIONS as readonly string[]).includes(a);

export const jointStepSchema = z
  .object({
    agencyCode: z.string().trim().min(1, 'Chọn cơ quan').max(40),
    kind: z.enum(['process', 'consult']).default('process'),
    label: z.string().trim().min(1, 'Nhập tên bước').max(200),
    days: z.number().int().positive().max(365).optional(),
    hours: z.number().int().positive().max(2000).optional(),
  })
  .strict();
export const jointPlanSchema = z.object({ steps: z.array(jointStepSchema).max(10, 'Tối đa 10 bước liên thông') }).strict();
export type JointPlan = z.infer<typeof jointPlanSchema>;

const HOURS_PER_DAY = 8;
const hoursOf = (d: { days?: number; hours?: number }) => (d.days !== undefined ? d.days * HOURS_PER_DAY : (d.hours ?? 0));
const durationOf = (s: JointStepDef): Duration => (s.days !== undefined ? { days: s.days } : { hours: s.hours! });

/**
 * Problems of a plan (field errors under `body.joint`): each step names an
 * active agency other than the receiving one and the one before it, exactly
 * one of days or hours, and together the steps fit in the statutory time
 * limit (the `processing` clock), leaving the receiving body time of its own.
 */
export async function jointPlanProblems(
  ex: Executor, input: unknown, limit: SlaDef | undefined, homeAgencyCode: string | null,
): Promise<{ plan: JointPlan | null; fields: FieldError[] }> {
  const parsed = jointPlanSchema.safeParse(input);
  if (!parsed.success) {
    return { plan: null, fields: parsed.error.issues.map((i) => ({ field: `body.joint.${i.path.join('.')}`.replace(/\.$/, ''), rule: i.code, message: i.message })) };
  }
  const plan = parsed.data;
  const fields: FieldError[] = [];
  for (const [i, s] of plan.steps.entries()) {
    const at = `body.joint.steps.${i}`;
    if ((s.days === undefined) === (s.hours === undefined)) fields.push({ field: at, rule: 'duration', message: 'Mỗi bước cần đúng một thời hạn: số ngày làm việc hoặc số giờ làm việc' });
    const a = await getAgencyByCode(ex, s.agencyCode);
    if (!a || !a.active) fields.push({ field: `${at}.agencyCode`, rule: 'agency', message: `Không có cơ quan đang hoạt động mã «${s.agencyCode}»` });
    else if (homeAgencyCode && a.code === homeAgencyCode) fields.push({ field: `${at}.agencyCode`, rule: 'agency', message: 'Cơ quan tiếp nhận không là một bước liên thông của chính mình' });
    if (i > 0 && plan.steps[i - 1]!.agencyCode === s.agencyCode) fields.push({ field: `${at}.agencyCode`, rule: 'agency', message: 'Hai bước liền nhau cùng một cơ quan: gộp thành một bước' });
  }
  if (!fields.length && plan.steps.length && limit) {
    const total = plan.steps.reduce((n, s) => n + hoursOf(s), 0);
    const available = hoursOf(limit);
    if (total >= available) {
      fields.push({
        field: 'body.joint.steps', rule: 'within',
        message: `Tổng thời hạn các bước liên thông (${total / HOURS_PER_DAY} ngày làm việc) phải ngắn hơn thời hạn giải quyết (${available / HOURS_PER_DAY} ngày làm việc): cơ quan tiếp nhận cần thời gian của mình`,
      });
    }
  }
  return { plan, fields };
}

export const getPlan = (ex: Executor, procedureCode: string, definitionVersion: number) => repo.plan(ex, procedureCode, definitionVersion);
export const savePlan = (ex: Executor, procedureCode: string, definitionVersion: number, plan: JointPlan) =>
  repo.savePlan(ex, procedureCode, definitionVersion, plan.steps);

/** Outbox jobs of a joint step's clock (handled in dossier.alerts.ts): the warning before it falls due, the escalation when late. */
export const JOINT_WARNING_TOPIC = 'services.joint.warning';
export const JOINT_BREACHED_TOPIC = 'services.joint.breached';
export interface JointAlertRef {
  dossierId: string;
  seq: number;
}
/** The share of a step's working time after which its agency is warned (as the case engine's clocks). */
const JOINT_WARN_AT = 0.8;

const jointError = (reason: string) => new AppError('SERVICES_JOINT_NOT_POSSIBLE', { reason });

/** The pinned plan of a dossier's case ([] when it has none). */
async function planOf(ex: Executor, c: CaseView): Promise<JointStepDef[]> {
  return (await repo.plan(ex, c.definitionKey, c.definitionVersion)) ?? [];
}

/** The step the next `transfer` starts (1-based), or null when every agency did its part. */
function nextTransferStep(steps: JointStepRow[]): number | null {
  const last = steps.at(-1);
  if (!last) return 1;
  if (last.outcome === 'returned' || last.outcome === 'withdrawn') return last.step_no;
  if (last.outcome === 'completed') return null;
  return null; // a step is open (cannot transfer from processing then)
}

async function startStep(k: Kernel, tx: Tx, d: DossierRow, plan: JointStepDef[], stepNo: number, at: Date, seq: number): Promise<void> {
  const def = plan[stepNo - 1]!;
  const agency = await getAgencyByCode(tx, def.agencyCode);
  if (!agency || !agency.active) throw jointError(`cơ quan «${def.agencyCode}» của bước ${stepNo} không còn hoạt động`);
  const duration = durationOf(def);
  // The step's own clock, from the calendar as the case engine's clocks: due after its working time,
  // warned when the same share of it as a dossier's own clock has passed.
  const cal = await k.calendar.load(tx);
  const appt = cal.appointment(at, duration);
  const due = appt.dueAt;
  const warn = cal.addWorkingMs(appt.countingStartsAt, Math.round(cal.workingMsBetween(appt.countingStartsAt, due) * JOINT_WARN_AT));
  const stepSeq = await repo.insertStep(tx, {
    dossier_id: d.id, step_no: stepNo, agency_id: agency.id, agency_code: agency.code, agency_name: agency.name, unit_path: agency.unit_path,
    kind: def.kind, label: def.label, duration, started_at: at, started_seq: seq, due_at: due, warn_at: warn,
  });
  // The warning and the escalation are outbox jobs run at their time; each does nothing once the step finished.
  const ref: JointAlertRef = { dossierId: d.id, seq: stepSeq };
  await k.outbox.enqueue(tx, JOINT_WARNING_TOPIC, ref, { runAt: warn, dedupeKey: `${JOINT_WARNING_TOPIC}:${d.id}:${stepSeq}` });
  await k.outbox.enqueue(tx, JOINT_BREACHED_TOPIC, ref, { runAt: due, dedupeKey: `${JOINT_BREACHED_TOPIC}:${d.id}:${stepSeq}` });
  await k.workflow.rescope(tx, d.id, { unitPath: agency.unit_path, agencyId: agency.id });
}

/**
 * What a joint action (or a withdrawal during one) does beyond the state:
 * opens and closes steps, and moves the case to the agency that holds it.
 * Runs after the case engine took the action, in its transaction: a refusal
 * here rolls the action back.
 */
export async function afterJointAction(
  k: Kernel, tx: Tx, d: DossierRow, c: CaseView, action: string, a: { at: Date; seq: number; payload: Record<string, unknown> },
): Promise<void> {
  const note = (typeof a.payload.reason === 'string' && a.payload.reason.trim()) || (typeof a.payload.note === 'string' && a.payload.note.trim()) || null;
  const home = { unitPath: d.unit_path, agencyId: d.agency_id };
  if (action === 'withdraw') {
    if (await repo.closeStep(tx, d.id, { at: a.at, seq: a.seq, outcome: 'withdrawn', note })) await k.workflow.rescope(tx, d.id, home);
    return;
  }
  const plan = await planOf(tx, c);
  const steps = await repo.steps(tx, d.id);
  const open = steps.find((s) => !s.finished_at);
  switch (action as JointAction) {
    case 'transfer': {
      if (!plan.length) throw jointError('quy trình của thủ tục này không có bước liên thông');
      const n = nextTransferStep(steps);
      if (n === null) throw jointError('các cơ quan liên thông đã xử lý xong phần việc; trình phê duyệt kết quả');
      await startStep(k, tx, d, plan, n, a.at, a.seq);
      return;
    }
    case 'joint_pass': {
      if (!open) throw jointError('hồ sơ không ở bước liên thông nào');
      if (open.step_no >= plan.length) throw jointError('đây là bước liên thông cuối: trả hồ sơ về nơi tiếp nhận');
      await repo.closeStep(tx, d.id, { at: a.at, seq: a.seq, outcome: 'passed', note });
      await startStep(k, tx, d, plan, open.step_no + 1, a.at, a.seq);
      return;
    }
    case 'joint_complete': {
      if (!open) throw jointError('hồ sơ không ở bước liên thông nào');
      if (open.step_no < plan.length) throw jointError(`còn bước liên thông sau (${plan[open.step_no]!.label}): chuyển tiếp cho cơ quan đó`);
      await repo.closeStep(tx, d.id, { at: a.at, seq: a.seq, outcome: 'completed', note });
      await k.workflow.rescope(tx, d.id, home);
      return;
    }
    case 'joint_return': {
      if (!open) throw jointError('hồ sơ không ở bước liên thông nào');
      await repo.closeStep(tx, d.id, { at: a.at, seq: a.seq, outcome: 'returned', note });
      await k.workflow.rescope(tx, d.id, home);
      return;
    }
  }
}

/** Whether an official may read a dossier because their agency holds or held it in a joint process. */
export async function readsAsJointAgency(ex: Executor, actor: Actor, dossierId: string, action: string): Promise<boolean> {
  return (await repo.steps(ex, dossierId)).some((s) => can(actor, action, { unitPath: s.unit_path, agencyId: s.agency_id }));
}

export interface JointStepView {
  stepNo: number;
  agencyCode: string;
  agencyName: string;
  kind: 'process' | 'consult';
  label: string;
  startedAt: Date;
  dueAt: Date;
  finishedAt: Date | null;
  outcome: 'passed' | 'completed' | 'returned' | 'withdrawn' | null;
  note: string | null;
  overdue: boolean;
  /** When the step's agency was warned that the step falls due soon, and when its lateness was escalated. */
  warnedAt: Date | null;
  escalatedAt: Date | null;
  /** The result files the agency attached while it held the step (signed with its organisation signature when the platform holds its key). */
  results: JointResultView[];
}

export interface JointResultView {
  fileId: string;
  name: string;
  mime: string;
  size: number;
  signed: boolean;
  addedAt: Date;
}
const resultView = (r: JointResultRow): JointResultView => ({ fileId: r.file_id, name: r.original_name, mime: r.mime, size: Number(r.size), signed: r.signed, addedAt: r.added_at });

export interface JointView {
  plan: { stepNo: number; agencyCode: string; kind: 'process' | 'consult'; label: string; days?: number; hours?: number }[];
  steps: JointStepView[];
  /** The agency holding the dossier now, when another agency than the receiving one. */
  current: { agencyCode: string; agencyName: string; label: string; dueAt: Date } | null;
}

export const stepView = (s: JointStepRow, now: Date, results: JointResultRow[] = []): JointStepView => ({
  stepNo: s.step_no, agencyCode: s.agency_code, agencyName: s.agency_name, kind: s.kind, label: s.label, startedAt: s.started_at, dueAt: s.due_at,
  finishedAt: s.finished_at, outcome: s.outcome, note: s.note, overdue: (s.finished_at ?? now) > s.due_at,
  warnedAt: s.warned_at, escalatedAt: s.breached_at,
  results: results.filter((r) => r.step_seq === s.seq).map(resultView),
});

export async function jointView(ex: Executor, c: CaseView, dossierId: string, now = new Date()): Promise<JointView> {
  const plan = await planOf(ex, c);
  const steps = await repo.steps(ex, dossierId);
  const results = steps.length ? await repo.results(ex, dossierId) : [];
  const open = steps.find((s) => !s.finished_at);
  return {
    plan: plan.map((p, i) => ({ stepNo: i + 1, ...p })),
    steps: steps.map((s) => stepView(s, now, results)),
    current: open ? { agencyCode: open.agency_code, agencyName: open.agency_name, label: open.label, dueAt: open.due_at } : null,
  };
}

/** The allowed actions the plan's position makes meaningful (the engine knows states and roles, not the plan). */
export function jointFilter(j: JointView): (action: string) => boolean {
  const open = j.steps.find((s) => !s.finishedAt);
  const last = j.steps.at(-1);
  return (action) => {
    if (action === 'transfer') return j.plan.length > 0 && !open && last?.outcome !== 'completed';
    if (action === 'joint_pass') return !!open && open.stepNo < j.plan.length;
    if (action === 'joint_complete') return !!open && open.stepNo >= j.plan.length;
    return true;
  };
}

/** For tracking (nothing personal): which agency has the dossier now, and the agencies it passed through. */
export async function jointTracking(ex: Executor, dossierId: string, now = new Date()) {
  const steps = await repo.steps(ex, dossierId);
  const open = steps.find((s) => !s.finished_at);
  return {
    currentAgency: open?.agency_name ?? null,
    // Agencies, the plan's step names, dates and outcomes only: never the notes of a hand-off (they may name people).
    jointSteps: steps.map((s) => ({
      agencyName: s.agency_name, label: s.label, startedAt: s.started_at, dueAt: s.due_at, finishedAt: s.finished_at, outcome: s.outcome,
      overdue: (s.finished_at ?? now) > s.due_at,
    })),
  };
}

export const openJointSteps = repo.openSteps;

/** What an agency taking part may do with its step's result (an action like the case's, on the step's agency scope). */
export const JOINT_RESULT_ACTIONS = ['services.dossier.joint_complete', 'services.dossier.joint_pass'] as const;
const RESULT_COMPONENT = 'ket_qua_lien_thong';

/**
 * An agency taking part attaches its own result to the step it holds (a PDF:
 * the residence registration, the insurance card), signed with its organisation
 * signature when the platform holds the agency's key — as the receiving body's
 * result is. The file joins the dossier's results (kind 'result'), so the
 * applicant and the receiving body find it there; the step lists it. Only the
 * officials who may act on the open step (its agency's) may attach; the file is
 * checked (type, size) by the files store before anything is written, and the
 * step stays locked meanwhile, so a hand-off cannot slip between.
 */
export async function attachJointResult(k: Kernel, ctx: Ctx, dossierId: string, name: string, data: Buffer): Promise<JointResultView & { stepNo: number; agencyCode: string }> {
  const actor = ctx.actor;
  if (!actor) throw errors.unauthenticated();
  // Applicants and anyone outside the platform's officials: never (and nothing said about the dossier).
  if (actor.kind !== 'official' && actor.kind !== 'system') throw errors.forbidden(JOINT_RESULT_ACTIONS[0]);
  return transaction(k.db, async (tx) => {
    const d = /^[0-9a-f-]{36}$/.test(dossierId) ? await dossierById(tx, dossierId) : undefined;
    if (!d) throw new AppError('SERVICES_DOSSIER_NOT_FOUND');
    const s = await repo.lockOpenStep(tx, d.id);
    const stepScope = s && { unitPath: s.unit_path, agencyId: s.agency_id };
    if (!s || !JOINT_RESULT_ACTIONS.some((a) => can(actor, a, stepScope!))) {
      // Someone who reads the dossier learns why; anyone else only that they may not.
      const reads = can(actor, 'services.dossier.read', { unitPath: d.unit_path, agencyId: d.agency_id }) || (await readsAsJointAgency(tx, actor, d.id, 'services.dossier.read'));
      if (!s && reads) throw new AppError('SERVICES_JOINT_RESULT_NOT_POSSIBLE', { reason: 'hồ sơ không ở bước liên thông nào' });
      throw errors.forbidden(JOINT_RESULT_ACTIONS[0]);
    }
    const at = new Date();
    // Type, name and size, as for any upload; nothing is written when they fail.
    const source = await k.files.put(tx, ctx, name, data, { allow: ['application/pdf'] });
    const agency = await getAgency(tx, s.agency_id);
    let signed: Buffer | null = null;
    try {
      signed = agency ? await signAsAgency(k, agency, data, `Kết quả bước liên thông «${s.label}» của hồ sơ ${d.code}`, at) : null;
    } catch (e) {
      k.log.warn({ err: e, dossier: d.code, agency: s.agency_code }, 'joint result: the PDF could not be signed');
      throw errors.field('body', 'pdf', 'Không ký số được tệp PDF này (tệp hỏng, có mật khẩu hoặc không có trang nào); kiểm tra lại tệp kết quả');
    }
    if (!signed) k.log.warn({ dossier: d.code, agency: s.agency_code }, 'no organisation key for this agency: its joint result is attached unsigned');
    const file = signed ? await k.files.put(tx, ctx, name, signed, { allow: ['application/pdf'], maxBytes: signed.length + 1 }) : source;
    await addDossierFiles(tx, d.id, [{ fileId: file.id, component: RESULT_COMPONENT, kind: 'result' }]);
    await repo.insertResult(tx, { dossier_id: d.id, step_seq: s.seq, file_id: file.id, source_file_id: source.id, signed: !!signed, added_by: actor.id, added_at: at });
    await k.audit.record(tx, ctx, {
      action: 'services.dossier.joint_result', entity: 'dossier', entityId: d.id,
      after: { stepSeq: s.seq, stepNo: s.step_no, agencyCode: s.agency_code, fileId: file.id, sourceFileId: source.id, signed: !!signed },
    });
    return { fileId: file.id, name: file.originalName, mime: file.mime, size: Number(file.size), signed: !!signed, addedAt: at, stepNo: s.step_no, agencyCode: s.agency_code };
  });
}
export const markJointAlert = repo.markAlert;
export type { JointStepDef };
