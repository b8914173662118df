import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { definitionProblems, type ProcessDefinition, processDefinitionSchema, toProcessDefinition } from '../../kernel/workflow/definition.js';
import * as repo from './catalogue.repo.js';
import type { Procedure } from './catalogue.schema.js';
import { definitionFor, DOSSIER_TYPE, dossierCaseType } from './dossier.workflow.js';
import { getPlan, type JointPlan, jointPlanProblems, savePlan } from './joint.js';

/**
 * Per-procedure process definitions of dossiers, edited by an administrator
 * (ARCHITECTURE §2). The case engine validates the shape and the meaning; the
 * dossier code adds its own rule: its states, actions and transitions are
 * what the code (conditions, rollups, papers, notifications) relies on, so a
 * definition may change only who takes an action (roles), the labels and the
 * durations of the clocks.
 */

/** The role codes an action may name for a dossier. */
export const DOSSIER_ROLES = ['desk_officer', 'specialist', 'division_head', 'leader', 'applicant'] as const;

const same = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
const list = (a: readonly string[]) => a.map((s) => `«${s}»`).join(', ');

/**
 * What a dossier definition changes beyond roles, labels and durations ([]
 * when nothing): pure, checked against the built-in dossier case type.
 */
export function dossierDefinitionProblems(d: ProcessDefinition, base: ProcessDefinition = toProcessDefinition(dossierCaseType as never)): string[] {
  const out: string[] = [];
  if (d.type !== base.type) out.push(`type: quy trình hồ sơ thủ tục hành chính phải có loại «${base.type}»`);
  const missingStates = base.states.filter((s) => !d.states.includes(s));
  if (missingStates.length) out.push(`states: không được bỏ trạng thái ${list(missingStates)} (mã nguồn hồ sơ dùng đến)`);
  const extraStates = d.states.filter((s) => !base.states.includes(s));
  if (extraStates.length) out.push(`states: không thêm được trạng thái ${list(extraStates)}; chỉ sửa vai trò, nhãn và thời hạn`);
  if (d.initial !== base.initial) out.push(`initial: trạng thái ban đầu phải là «${base.initial}»`);
  if (!same(d.final ?? [], base.final ?? [])) out.push(`final: các trạng thái kết thúc phải là ${list(base.final ?? [])}`);
  const missingActions = Object.keys(base.actions).filter((a) => !(a in d.actions));
  if (missingActions.length) out.push(`actions: không được bỏ thao tác ${list(missingActions)} (mã nguồn hồ sơ dùng đến)`);
  const extraActions = Object.keys(d.actions).filter((a) => !(a in base.actions));
  if (extraActions.length) out.push(`actions: không thêm được thao tác ${list(extraActions)}; chỉ sửa vai trò, nhãn và thời hạn`);
  for (const [name, a] of Object.entries(d.actions)) {
    const b = base.actions[name];
    if (!b) continue;
    if (!same(a.from, b.from)) out.push(`actions.${name}.from: không đổi được trạng thái đi (phải là ${list(b.from)})`);
    if (a.to !== b.to) out.push(`actions.${name}.to: không đổi được trạng thái đến (phải là «${b.to}»)`);
    for (const r of a.roles) {
      if (!(DOSSIER_ROLES as readonly string[]).includes(r)) out.push(`actions.${name}.roles: vai trò «${r}» không thuộc ${list(DOSSIER_ROLES)}`);
    }
    // The applicant may take only what the law lets them (withdraw, resubmit): never receive or approve their own dossier.
    if (a.roles.includes('applicant') && !b.roles.includes('applicant')) out.push(`actions.${name}.roles: người nộp hồ sơ (applicant) không được thực hiện thao tác «${b.label ?? name}»`);
  }
  for (const [state, b] of Object.entries(base.sla ?? {})) {
    if (!d.sla?.[state]) out.push(`sla.${state}: không được bỏ thời hạn của trạng thái «${state}» (ngày hẹn trả tính từ đây)`);
  }
  for (const [state, s] of Object.entries(d.sla ?? {})) {
    const b = base.sla?.[state];
    if (!same(s.pausedIn ?? [], b?.pausedIn ?? [])) out.push(`sla.${state}.pausedIn: không đổi được (phải là ${list(b?.pausedIn ?? []) || 'rỗng'})`);
    if (!same(s.runsIn ?? [], b?.runsIn ?? [])) out.push(`sla.${state}.runsIn: không đổi được (phải là ${list(b?.runsIn ?? []) || 'rỗng'})`);
  }
  return out;
}

/** A problem string "path: message" as a field error of the request body. */
function fieldOf(problem: string): FieldError {
  const i = problem.indexOf(': ');
  const path = i > 0 ? problem.slice(0, i) : '';
  return { field: path && path !== '(gốc)' ? `body.${path}` : 'body', rule: 'definition', message: problem };
}

async function procedureOf(k: Kernel, code: string): Promise<Procedure> {
  const p = await repo.procedureVersion(k.db, code);
  if (!p) throw new AppError('SERVICES_PROCEDURE_NOT_FOUND', { code });
  return p.data as Procedure;
}

export interface ProcessDefinitionView {
  procedureCode: string;
  procedureName: string;
  /** 0 when nothing is saved: the built-in definition adapted to the procedure's time limit. */
  version: number;
  definition: ProcessDefinition;
  /** The steps other agencies take (liên thông), pinned with the definition's version. */
  joint: JointPlan;
}

/**
 * A definition saved before the dossier gained states or actions (joint
 * processing), completed with them as built in, so that the editor shows and
 * saves a definition valid today. Dossiers that pinned the old one keep it.
 */
export function upgradeDefinition(d: ProcessDefinition, base: ProcessDefinition = toProcessDefinition(dossierCaseType as never)): ProcessDefinition {
  const out: ProcessDefinition = JSON.parse(JSON.stringify(d));
  for (const s of base.states) if (!out.states.includes(s)) out.states.splice(base.states.indexOf(s), 0, s);
  for (const [n, a] of Object.entries(base.actions)) {
    if (!out.actions[n]) out.actions[n] = a;
    else out.actions[n] = { ...out.actions[n], from: [...a.from] };
  }
  for (const [state, b] of Object.entries(base.sla ?? {})) {
    const cur = out.sla?.[state];
    if (cur) out.sla![state] = { ...cur, ...(b.runsIn ? { runsIn: [...b.runsIn] } : {}), ...(b.pausedIn ? { pausedIn: [...b.pausedIn] } : {}) };
  }
  for (const [k, v] of Object.entries(base.labels ?? {})) if (!out.labels?.[k]) out.labels = { ...out.labels, [k]: v };
  return out;
}

/** The definition a dossier of this procedure starting now pins. */
export async function getProcessDefinition(k: Kernel, code: string): Promise<ProcessDefinitionView> {
  const p = await procedureOf(k, code);
  const cur = await k.workflow.currentDefinition(k.db, DOSSIER_TYPE, code);
  const definition = cur.version === 0 ? definitionFor(p.timeLimit, p.name) : upgradeDefinition(cur.definition);
  const steps = (await getPlan(k.db, code, cur.version)) ?? [];
  return { procedureCode: code, procedureName: p.name, version: cur.version, definition, joint: { steps } };
}

/**
 * Saves a new version for the procedure; dossiers already started keep the
 * version they pinned. The body is the definition, with the joint plan
 * (`joint: {steps}`) beside its keys; the plan is saved under the same version.
 */
export async function saveProcessDefinition(k: Kernel, ctx: Ctx, code: string, body: unknown): Promise<ProcessDefinitionView> {
  const p = await procedureOf(k, code);
  const { joint, ...input } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  // Shape first; once the shape is right, the dossier's own rule and the engine's meaning checks together.
  const shaped = processDefinitionSchema.safeParse(input).success;
  const problems = shaped ? [...dossierDefinitionProblems(input as ProcessDefinition), ...definitionProblems(input)] : definitionProblems(input);
  const limit = shaped ? (input as ProcessDefinition).sla?.processing : undefined;
  const jp = await jointPlanProblems(k.db, joint ?? { steps: [] }, limit, p.level === 'province' ? (p.agencyCode ?? null) : null);
  if (problems.length || jp.fields.length) throw errors.validation([...problems.map(fieldOf), ...jp.fields]);
  const saved = await transaction(k.db, async (tx) => {
    const v = await k.workflow.saveDefinition(tx, ctx, { type: DOSSIER_TYPE, key: code, definition: input });
    if (jp.plan!.steps.length) {
      await savePlan(tx, code, v.version, jp.plan!);
      await k.audit.record(tx, ctx, { action: 'services.joint_plan.save', entity: 'process_joint_plan', entityId: `${code}:${v.version}`, after: jp.plan });
    }
    return v;
  });
  return { procedureCode: code, procedureName: p.name, version: saved.version, definition: input as ProcessDefinition, joint: jp.plan! };
}
