import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { definitionProblems, type ProcessDefinition, processDefinitionSchema, toProcessDefinition } from '../../kernel/workflow/definition.js';
import * as repo from './catalogue.repo.js';
import type { Procedure } from './catalogue.schema.js';
import { definitionFor, DOSSIER_TYPE, dossierCaseType } from './dossier.workflow.js';

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
}

/** The definition a dossier of this procedure starting now pins. */
export async function getProcessDefinition(k: Kernel, code: string): Promise<ProcessDefinitionView> {
  const p = await procedureOf(k, code);
  const cur = await k.workflow.currentDefinition(k.db, DOSSIER_TYPE, code);
  const definition = cur.version === 0 ? definitionFor(p.timeLimit, p.name) : cur.definition;
  return { procedureCode: code, procedureName: p.name, version: cur.version, definition };
}

/** Saves a new version for the procedure; dossiers already started keep the version they pinned. */
export async function saveProcessDefinition(k: Kernel, ctx: Ctx, code: string, input: unknown): Promise<ProcessDefinitionView> {
  const p = await procedureOf(k, code);
  // Shape first; once the shape is right, the dossier's own rule and the engine's meaning checks together.
  const shaped = processDefinitionSchema.safeParse(input).success;
  const problems = shaped ? [...dossierDefinitionProblems(input as ProcessDefinition), ...definitionProblems(input)] : definitionProblems(input);
  if (problems.length) throw errors.validation(problems.map(fieldOf));
  const saved = await transaction(k.db, (tx) => k.workflow.saveDefinition(tx, ctx, { type: DOSSIER_TYPE, key: code, definition: input }));
  return { procedureCode: code, procedureName: p.name, version: saved.version, definition: input as ProcessDefinition };
}
