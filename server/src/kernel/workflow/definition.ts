import { z } from 'zod';
import { type Actor, can } from '../http/access.js';

/**
 * Case types as data (pure: no I/O, importable by the web client so that it
 * shows exactly the actions the server accepts).
 *
 * A case type declares its states, its initial state and its actions
 * (state × action → next state, who may take it). Durations of states (SLA)
 * and the roles may be overridden per procedure by an administrator's
 * process definition; conditions (`condition`) and data reducers (`apply`)
 * are code and stay with the registered type.
 *
 * Who may take an action (the convention every module follows):
 * - the actor must hold a grant whose role is listed in the action's `roles`
 *   ('*' = any role) AND whose actions cover `<type>.<action>` (e.g.
 *   'services.dossier.accept', or a wildcard 'services.*') on a scope covering
 *   the case's unit path and agency: `can(actor, '<type>.<action>', {unitPath, agencyId})`;
 * - the pseudo-role 'applicant' lets the actor who opened the case take it;
 * - the platform itself (actor kind 'system': jobs, sweeps) may take any action.
 * Who may open a case is the opening module's decision.
 */

export const START_ACTION = 'start';

const nameRe = /^[a-z][a-z0-9_]*$/;
const name = z.string().regex(nameRe, 'tên chỉ gồm chữ thường, số, gạch dưới');

export const slaSchema = z
  .object({
    days: z.number().int().positive().max(1000).optional(),
    hours: z.number().positive().max(8000).optional(),
    /** Share of the duration after which a warning is sent (default 0.8). */
    warnAt: z.number().gt(0).lt(1).optional(),
    /** States in which this clock pauses (time there is not counted) instead of stopping. */
    pausedIn: z.array(name).optional(),
    /** Other states in which this clock keeps running (a deadline spanning several steps). */
    runsIn: z.array(name).optional(),
  })
  .strict();

export const processDefinitionSchema = z
  .object({
    type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'loại hồ sơ có dạng module.loai, ví dụ services.dossier'),
    title: z.string().max(300).optional(),
    states: z.array(name).min(1),
    initial: name,
    /** Terminal states: no action leaves them; every clock stops there. Default: states no action leaves. */
    final: z.array(name).optional(),
    /** Vietnamese labels of states and actions, for messages and screens. */
    labels: z.record(z.string(), z.string().max(200)).optional(),
    actions: z.record(
      name,
      z
        .object({
          from: z.array(name).min(1),
          to: name,
          roles: z.array(z.string().min(1)).min(1),
          label: z.string().max(200).optional(),
        })
        .strict(),
    ),
    sla: z.record(name, slaSchema).optional(),
  })
  .strict();

/** A process definition: the data part of a case type, pinned on each case when it starts. */
export type ProcessDefinition = z.infer<typeof processDefinitionSchema>;
export type SlaDef = z.infer<typeof slaSchema>;

/** What a condition or reducer sees of a case. */
export interface CaseSnapshot {
  id: string;
  type: string;
  state: string;
  unitPath: string | null;
  agencyId: string | null;
  data: Record<string, unknown>;
  version: number;
}

export interface ActionDef<S extends string = string> {
  from: readonly S[];
  to: S;
  roles: readonly string[];
  label?: string;
  /** Returns the reason (Vietnamese) when the action may not be taken now, else null. */
  condition?: (c: CaseSnapshot, payload: Record<string, unknown>) => string | null;
  /** Pure reducer of the case's data; replaying the log with it gives the same data. */
  apply?: (data: Record<string, unknown>, payload: Record<string, unknown>) => Record<string, unknown>;
}

export interface CaseTypeDef<S extends string = string, A extends string = string> {
  type: string;
  title?: string;
  states: readonly S[];
  initial: S;
  final?: readonly S[];
  labels?: Partial<Record<NoInfer<S> | NoInfer<A>, string>>;
  actions: Record<A, ActionDef<S>>;
  sla?: Partial<Record<S, SlaDef>>;
}

/** The data part of a case type (functions stripped), as stored and pinned. */
export function toProcessDefinition(def: CaseTypeDef): ProcessDefinition {
  const actions: ProcessDefinition['actions'] = {};
  for (const [n, a] of Object.entries<ActionDef>(def.actions)) {
    actions[n] = { from: [...a.from], to: a.to, roles: [...a.roles], ...(a.label ? { label: a.label } : {}) };
  }
  return JSON.parse(
    JSON.stringify({
      type: def.type,
      title: def.title,
      states: [...def.states],
      initial: def.initial,
      final: def.final ? [...def.final] : undefined,
      labels: def.labels,
      actions,
      sla: def.sla,
    }),
  );
}

/** Problems of a definition ([] when valid): shape first, then meaning. */
export function definitionProblems(input: unknown): string[] {
  const parsed = processDefinitionSchema.safeParse(input);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || '(gốc)'}: ${i.message}`);
  const d = parsed.data;
  const out: string[] = [];
  const states = new Set(d.states);
  if (states.size !== d.states.length) out.push('states: có trạng thái trùng tên');
  if (!states.has(d.initial)) out.push(`initial: trạng thái «${d.initial}» không có trong states`);
  for (const f of d.final ?? []) if (!states.has(f)) out.push(`final: trạng thái «${f}» không có trong states`);
  const finals = new Set(d.final ?? []);
  for (const [n, a] of Object.entries(d.actions)) {
    if (n === START_ACTION) out.push(`actions.${n}: tên «${START_ACTION}» dành cho việc mở hồ sơ`);
    for (const s of a.from) {
      if (!states.has(s)) out.push(`actions.${n}.from: trạng thái «${s}» không có trong states`);
      if (finals.has(s)) out.push(`actions.${n}.from: «${s}» là trạng thái kết thúc, không có thao tác nào rời khỏi nó`);
    }
    if (!states.has(a.to)) out.push(`actions.${n}.to: trạng thái «${a.to}» không có trong states`);
  }
  for (const [s, sla] of Object.entries(d.sla ?? {})) {
    if (!states.has(s)) out.push(`sla.${s}: trạng thái không có trong states`);
    if ((sla.days === undefined) === (sla.hours === undefined)) out.push(`sla.${s}: cần đúng một trong days hoặc hours`);
    for (const r of sla.runsIn ?? []) {
      if (!states.has(r)) out.push(`sla.${s}.runsIn: trạng thái «${r}» không có trong states`);
      if (r === s) out.push(`sla.${s}.runsIn: không cần liệt kê chính trạng thái của đồng hồ`);
      if (sla.pausedIn?.includes(r)) out.push(`sla.${s}.runsIn: «${r}» không thể vừa chạy vừa tạm dừng`);
    }
    for (const p of sla.pausedIn ?? []) {
      if (!states.has(p)) out.push(`sla.${s}.pausedIn: trạng thái «${p}» không có trong states`);
      if (p === s) out.push(`sla.${s}.pausedIn: một đồng hồ không tạm dừng ở chính trạng thái của nó`);
    }
    if (finals.has(s)) out.push(`sla.${s}: trạng thái kết thúc không có thời hạn`);
  }
  for (const k of Object.keys(d.labels ?? {})) {
    if (!states.has(k) && !(k in d.actions)) out.push(`labels.${k}: không phải trạng thái hay thao tác`);
  }
  if (out.length) return out;
  // Every state must be reachable from the initial one.
  const seen = new Set([d.initial]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const a of Object.values(d.actions)) {
      if (a.from.some((s) => seen.has(s)) && !seen.has(a.to)) {
        seen.add(a.to);
        grew = true;
      }
    }
  }
  for (const s of d.states) if (!seen.has(s)) out.push(`states: không thể đến trạng thái «${s}» từ «${d.initial}»`);
  return out;
}

/** Declares a case type; throws on an invalid declaration (a programming error). */
export function defineCaseType<S extends string, A extends string>(def: CaseTypeDef<S, A>): CaseTypeDef<S, A> {
  const problems = definitionProblems(toProcessDefinition(def as CaseTypeDef));
  if (problems.length) throw new Error(`Case type ${def.type} is invalid:\n- ${problems.join('\n- ')}`);
  return def;
}

export function isFinal(d: ProcessDefinition, state: string): boolean {
  if (d.final) return d.final.includes(state);
  return !Object.values(d.actions).some((a) => a.from.includes(state));
}

export function label(d: ProcessDefinition, key: string): string {
  return d.labels?.[key] ?? d.actions[key]?.label ?? key;
}

/** The actions leaving `state`, in declaration order. */
export function actionsFrom(d: ProcessDefinition, state: string): string[] {
  return Object.entries(d.actions)
    .filter(([, a]) => a.from.includes(state))
    .map(([n]) => n);
}

export interface CaseAccess {
  type: string;
  unitPath: string | null;
  agencyId: string | null;
  createdBy: { kind: string; id: string } | null;
}

/** Whether `actor` may take `action` on a case (roles and scope; the state is not checked here). */
export function mayTake(d: ProcessDefinition, c: CaseAccess, action: string, actor: Actor | null | undefined): boolean {
  const a = d.actions[action];
  if (!a || !actor) return false;
  if (actor.kind === 'system') return true;
  if (a.roles.includes('applicant') && c.createdBy && c.createdBy.kind === actor.kind && c.createdBy.id === actor.id) return true;
  const grants = a.roles.includes('*') ? actor.grants : actor.grants.filter((g) => a.roles.includes(g.role));
  return can({ ...actor, grants }, `${c.type}.${action}`, { unitPath: c.unitPath, agencyId: c.agencyId });
}

/** The actions `actor` may take now (state and roles; conditions are checked when acting). */
export function allowedActions(d: ProcessDefinition, c: CaseAccess & { state: string }, actor: Actor | null | undefined): string[] {
  return actionsFrom(d, c.state).filter((a) => mayTake(d, c, a, actor));
}
