import { createHash, randomUUID } from 'node:crypto';
import { type AuditLog, canonical } from '../audit/index.js';
import type { Calendar, Duration, WorkCalendar } from '../calendar/index.js';
import type { Ctx } from '../context.js';
import { type Db, type Executor, transaction, type Tx } from '../db/index.js';
import { errors } from '../errors.js';
import type { Actor } from '../http/access.js';
import type { Notifier } from '../db/notify.js';
import type { Outbox } from '../outbox/index.js';
import {
  allowedActions, type CaseSnapshot, type CaseTypeDef, definitionProblems, isFinal, label, mayTake,
  type ProcessDefinition, START_ACTION, toProcessDefinition,
} from './definition.js';
import { workflowErrors } from './errors.js';
import * as repo from './workflow.repo.js';

export * from './definition.js';
export { workflowErrors } from './errors.js';

/**
 * The case engine (ARCHITECTURE.md §2), after OpenCRVS v2 and DIGIT workflow:
 * each case has an append-only action log; its state is the `to_state` of the
 * last action, kept denormalised on `case_file` and recomputable by `replay`.
 * Every command runs in the caller's transaction and writes, in it, the action,
 * the audit entry, the event `workflow.case.<type>.<action>` (published to every
 * outbox subscriber whose pattern matches) and the SLA
 * clock changes, so either all of it happens or none.
 *
 * SLA clocks: entering a state with a duration (`sla[state]`) starts a clock
 * whose due time comes from the calendar (counting start, working days or
 * hours). Moving to a state listed in its `pausedIn` pauses it; coming back
 * resumes it and moves the due time later by the working time spent paused;
 * moving to a state in its `runsIn` keeps it running (a statutory deadline that
 * spans receipt, processing and approval), and moving anywhere else stops it. The sweep (outbox topic `workflow.sla.sweep`)
 * sends `workflow.sla.warning` at the warning time and `workflow.sla.breached`
 * (with the case's escalation level incremented) at the due time. Sweeps are
 * scheduled at the next clock event with a dedupe key, so any number of
 * instances may run them: rows are claimed with SKIP LOCKED and each event is
 * marked once.
 */

export const SWEEP_TOPIC = 'workflow.sla.sweep';
export const WARNING_TOPIC = 'workflow.sla.warning';
export const BREACHED_TOPIC = 'workflow.sla.breached';

const KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;
const DEFAULT_WARN_AT = 0.8;
const SWEEP_BATCH = 500;

export interface CaseView extends CaseSnapshot {
  definition: ProcessDefinition;
  definitionKey: string;
  definitionVersion: number;
  escalationLevel: number;
  createdBy: { kind: string; id: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CaseActionView {
  id: string;
  caseId: string;
  seq: number;
  action: string;
  fromState: string | null;
  toState: string;
  actor: { kind: string; id: string | null; name: string | null };
  payload: Record<string, unknown>;
  at: Date;
  requestId: string | null;
}

export interface ClockView {
  id: string;
  step: string;
  duration: Duration;
  startedAt: Date;
  countingFrom: Date;
  dueAt: Date;
  warnAt: Date | null;
  pausedAt: Date | null;
  pausedMs: number;
  warnedAt: Date | null;
  breachedAt: Date | null;
  stoppedAt: Date | null;
}

export interface StartInput {
  type: string;
  unitPath?: string | null;
  agencyId?: string | null;
  data?: Record<string, unknown>;
  idempotencyKey: string;
  /** Which administrator-edited definition to pin (e.g. a procedure code); default 'default'. */
  definitionKey?: string;
  /**
   * What to pin when no administrator saved a definition under the key (instead
   * of the type's built-in one), e.g. the built-in adapted to a procedure's time limit.
   */
  defaultDefinition?: ProcessDefinition;
}

export interface ActOptions {
  idempotencyKey: string;
  /** The version the actor saw: a case changed since is refused with STALE_VERSION. */
  expectedVersion?: number;
}

/** The clock an action started (entering a state with a duration): its step and due time. */
export interface StartedClock {
  step: string;
  dueAt: Date;
  warnAt: Date | null;
}

/** A clock's warning or breach, as queued by the sweep. */
export interface SlaEvent {
  caseId: string;
  type: string;
  state: string;
  step: string;
  dueAt: string;
  warnAt?: string | null;
  escalationLevel?: number;
  unitPath: string | null;
  agencyId: string | null;
}

export interface SlaHandlers {
  warning?(e: SlaEvent): Promise<void>;
  breached?(e: SlaEvent): Promise<void>;
}

export interface CaseEngineDeps {
  db: Db;
  calendar: Calendar;
  outbox: Outbox;
  audit: AuditLog;
  /** With it, the latest saved definitions are cached per instance and dropped on change (migration 0097). */
  notify?: Notifier;
}

function view(r: repo.CaseRow): CaseView {
  return {
    id: r.id,
    type: r.type,
    state: r.state,
    unitPath: r.unit_path,
    agencyId: r.agency_id,
    data: r.data,
    version: r.version,
    definition: r.definition,
    definitionKey: r.definition_key,
    definitionVersion: r.definition_version,
    escalationLevel: r.escalation_level,
    createdBy: r.created_by_kind && r.created_by_id ? { kind: r.created_by_kind, id: r.created_by_id } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function actionView(r: repo.ActionRow): CaseActionView {
  return {
    id: r.id,
    caseId: r.case_id,
    seq: r.seq,
    action: r.action,
    fromState: r.from_state,
    toState: r.to_state,
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
    payload: r.payload,
    at: r.at,
    requestId: r.request_id,
  };
}

function clockView(r: repo.ClockRow): ClockView {
  return {
    id: r.id,
    step: r.step,
    duration: r.duration as Duration,
    startedAt: r.started_at,
    countingFrom: r.counting_from,
    dueAt: r.due_at,
    warnAt: r.warn_at,
    pausedAt: r.paused_at,
    pausedMs: Number(r.paused_ms),
    warnedAt: r.warned_at,
    breachedAt: r.breached_at,
    stoppedAt: r.stopped_at,
  };
}

/**
 * Views of rows a module read itself, together with its own (one round trip for a page that
 * shows a case with its log and clocks): the rows as `case_file`, `case_action` and `case_clock` hold them.
 */
export { view as caseViewOf, actionView as actionViewOf, clockView as clockViewOf };
export type { CaseRow, ActionRow, ClockRow } from './workflow.repo.js';

const hashOf = (v: unknown) => createHash('sha256').update(canonical(v)).digest('hex');

function checkKey(key: string): void {
  if (typeof key !== 'string' || !KEY_RE.test(key)) {
    throw errors.field('headers.idempotency-key', 'format', 'Khóa chống lặp phải gồm 8–128 ký tự chữ, số, dấu chấm, gạch');
  }
}

/** Rounds up to the minute: sweeps for events in the same minute share one dedupe key. */
function sweepSlot(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}

export class CaseEngine {
  private readonly types = new Map<string, CaseTypeDef>();
  /** The engine's clock; tests set it to act at chosen moments. */
  now: () => Date = () => new Date();

  private readonly slaHandlers = new Map<string, SlaHandlers>();

  /**
   * Latest saved definition per (type, key), or null for none: used only while the instance
   * listens to `congso_cache` (every write to process_definition announces itself at commit,
   * migration 0097), emptied on each announcement and whenever the connection is lost or back.
   * A transaction that saved a definition reads its own, never the cache.
   */
  private readonly definitions = new Map<string, { version: number; definition: ProcessDefinition } | null>();
  private definitionsGen = 0;
  private readonly savedIn = new WeakSet<object>();

  private dropDefinitions(): void {
    this.definitionsGen++;
    this.definitions.clear();
  }

  private listening = false;

  constructor(private readonly deps: CaseEngineDeps) {
    deps.outbox.on(SWEEP_TOPIC, async () => {
      await this.sweep(await repo.dbNow(this.deps.db));
    });
    // Warnings and breaches go to the module that owns the case type (who to tell, how to escalate).
    deps.outbox.on<SlaEvent>(WARNING_TOPIC, async (e) => this.slaHandlers.get(e.payload.type)?.warning?.(e.payload));
    deps.outbox.on<SlaEvent>(BREACHED_TOPIC, async (e) => this.slaHandlers.get(e.payload.type)?.breached?.(e.payload));
  }

  /** What a case type's module does when a clock warns or breaches (runs as an outbox job; may throw to retry). */
  onSla(type: string, handlers: SlaHandlers): void {
    this.slaHandlers.set(type, handlers);
  }

  /** Registers a case type (validated; re-registering a type replaces it). */
  register<S extends string, A extends string>(def: CaseTypeDef<S, A>): void {
    const problems = definitionProblems(toProcessDefinition(def as unknown as CaseTypeDef));
    if (problems.length) throw new Error(`Case type ${def.type} is invalid:\n- ${problems.join('\n- ')}`);
    this.types.set(def.type, def as unknown as CaseTypeDef);
  }

  registered(type: string): CaseTypeDef | undefined {
    return this.types.get(type);
  }

  /**
   * Saves a new version of the process definition of `type` under `key`, after
   * validating it against the engine's schema. Running cases keep the version
   * they pinned. Authorization is the calling module's (its admin route).
   */
  async saveDefinition(tx: Tx, ctx: Ctx, input: { type: string; key?: string; definition: unknown }): Promise<{ type: string; key: string; version: number }> {
    if (!this.types.has(input.type)) throw workflowErrors.unknownType(input.type);
    const key = input.key ?? 'default';
    const problems = definitionProblems(input.definition);
    const def = input.definition as ProcessDefinition;
    if (!problems.length && def.type !== input.type) problems.push(`type: phải là «${input.type}»`);
    if (problems.length) throw workflowErrors.invalidDefinition(input.type, problems);
    const version = await repo.insertDefinition(tx, input.type, key, def, ctx.actor?.id ?? null);
    this.savedIn.add(tx);
    this.dropDefinitions();
    await this.deps.audit.record(tx, ctx, {
      action: 'workflow.definition.save', entity: 'process_definition', entityId: `${input.type}:${key}:${version}`, after: def,
    });
    return { type: input.type, key, version };
  }

  /** The definition a case starting now would pin: the latest saved version, else the type's built-in one (version 0). */
  async currentDefinition(ex: Executor, type: string, key = 'default'): Promise<{ version: number; definition: ProcessDefinition }> {
    const code = this.types.get(type);
    if (!code) throw workflowErrors.unknownType(type);
    const saved = await this.latestDefinition(ex, type, key);
    if (saved) return saved;
    return { version: 0, definition: toProcessDefinition(code) };
  }

  private async latestDefinition(ex: Executor, type: string, key: string) {
    if (!this.listening && this.deps.notify) {
      // Listens from the first case started (until then, and until connected, no cache).
      this.listening = true;
      this.deps.notify.listen('congso_cache', (table) => table === 'process_definition' && this.dropDefinitions(), () => this.dropDefinitions());
    }
    const live = !!this.deps.notify?.live && !this.savedIn.has(ex);
    const k = `${type}\n${key}`;
    if (live && this.definitions.has(k)) return this.definitions.get(k) ?? undefined;
    const gen = this.definitionsGen;
    const saved = await repo.latestDefinition(ex, type, key);
    // Not if it changed meanwhile (the announcement came while reading).
    if (live && gen === this.definitionsGen && this.deps.notify?.live) {
      if (this.definitions.size >= 10_000) this.definitions.clear();
      this.definitions.set(k, saved ?? null);
    }
    return saved;
  }

  /** Opens a case in its initial state. A retry with the same key returns the same case. */
  async start(tx: Tx, ctx: Ctx, input: StartInput): Promise<{ case: CaseView; replayed: boolean; started?: StartedClock }> {
    const code = this.types.get(input.type);
    if (!code) throw workflowErrors.unknownType(input.type);
    checkKey(input.idempotencyKey);
    const key = input.definitionKey ?? 'default';
    const data = input.data ?? {};
    const hash = hashOf({ type: input.type, unitPath: input.unitPath ?? null, agencyId: input.agencyId ?? null, data, definitionKey: key });
    const replay = async (prior: repo.ActionRow) => {
      if (prior.request_hash !== hash || prior.action !== START_ACTION) throw errors.idempotencyMismatch();
      return { case: view((await repo.getCase(tx, prior.case_id))!), replayed: true };
    };
    // No look-up of the key first: the insert below refuses a taken key (ON CONFLICT DO NOTHING,
    // waiting for a concurrent retry to commit) and the retry then reads the first answer.
    let pinned = await this.currentDefinition(tx, input.type, key);
    if (pinned.version === 0 && input.defaultDefinition) {
      const problems = definitionProblems(input.defaultDefinition);
      if (problems.length || input.defaultDefinition.type !== input.type) throw workflowErrors.invalidDefinition(input.type, problems);
      pinned = { version: 0, definition: input.defaultDefinition };
    }
    const def = pinned.definition;
    const id = randomUUID();
    const at = this.now();
    const actor = ctx.actor;
    const inserted = await repo.appendAction(tx, {
      case_id: id, case_type: input.type, seq: 1, action: START_ACTION, from_state: null, to_state: def.initial,
      actor_kind: actor?.kind ?? 'system', actor_id: actor?.id ?? null, actor_name: actor?.name ?? null,
      payload: { data }, at, idempotency_key: input.idempotencyKey, request_hash: hash, request_id: ctx.requestId ?? null,
    });
    if (!inserted) return replay((await repo.findActionByKey(tx, input.type, input.idempotencyKey))!);
    const c = view(await repo.insertCase(tx, {
      id, type: input.type, state: def.initial, unit_path: input.unitPath ?? null, agency_id: input.agencyId ?? null,
      definition: def, definition_key: key, definition_version: pinned.version,
      created_by_kind: actor?.kind ?? null, created_by_id: actor?.id ?? null, data, created_at: at, updated_at: at,
    }));
    const started = await this.moveClocks(tx, c, null, def.initial, at);
    await this.record(tx, ctx, c, actionView(inserted), null);
    return { case: c, replayed: false, started };
  }

  /**
   * Takes an action on a case. Refuses an action the state does not offer
   * (409 WORKFLOW_ACTION_NOT_ALLOWED), an actor without the role (401/403), a
   * failed condition (409 with its reason), a stale `expectedVersion` (409
   * STALE_VERSION). A retry with the same key returns the first result and
   * writes nothing; the same key with another request is 422 IDEMPOTENCY_MISMATCH.
   */
  async act(
    tx: Tx, ctx: Ctx, caseId: string, action: string, payload: Record<string, unknown> = {}, opts: ActOptions,
  ): Promise<{ case: CaseView; action: CaseActionView; replayed: boolean; started?: StartedClock }> {
    checkKey(opts.idempotencyKey);
    const hash = hashOf({ caseId, action, payload });
    // Without an expected version, concurrent actions on one case queue on its row.
    const row = await repo.getCase(tx, caseId, opts.expectedVersion === undefined);
    if (!row) throw errors.notFound(ctx.lang === 'en' ? 'case' : 'hồ sơ');
    const replay = async (prior: repo.ActionRow) => {
      if (prior.request_hash !== hash) throw errors.idempotencyMismatch();
      return { case: view((await repo.getCase(tx, caseId))!), action: actionView(prior), replayed: true };
    };
    const prior = await repo.findActionByKey(tx, row.type, opts.idempotencyKey);
    if (prior) return replay(prior);
    if (opts.expectedVersion !== undefined && row.version !== opts.expectedVersion) throw errors.stale();

    const def = row.definition;
    const c = view(row);
    const a = def.actions[action];
    if (!a || !a.from.includes(row.state)) throw workflowErrors.notAllowed(label(def, row.state), label(def, action));
    if (!ctx.actor) throw errors.unauthenticated();
    if (!mayTake(def, c, action, ctx.actor)) throw errors.forbidden(`${row.type}.${action}`);
    const code = this.types.get(row.type)?.actions[action];
    const refused = code?.condition?.(c, payload) ?? null;
    if (refused) throw workflowErrors.notAllowed(label(def, row.state), label(def, action), refused);

    const at = this.now();
    const data = code?.apply ? code.apply(row.data, payload) : row.data;
    const moved = await repo.advanceCase(tx, caseId, row.version, { state: a.to, data, at });
    if (!moved) {
      const raced = await repo.findActionByKey(tx, row.type, opts.idempotencyKey);
      if (raced) return replay(raced);
      throw errors.stale();
    }
    const inserted = await repo.appendAction(tx, {
      case_id: caseId, case_type: row.type, seq: moved.version, action, from_state: row.state, to_state: a.to,
      actor_kind: ctx.actor.kind, actor_id: ctx.actor.id, actor_name: ctx.actor.name,
      payload, at, idempotency_key: opts.idempotencyKey, request_hash: hash, request_id: ctx.requestId ?? null,
    });
    // The key was taken by another case of this type.
    if (!inserted) throw errors.idempotencyMismatch();
    const after = view(moved);
    const started = await this.moveClocks(tx, after, row.state, a.to, at);
    await this.record(tx, ctx, after, actionView(inserted), { state: row.state, version: row.version });
    return { case: after, action: actionView(inserted), replayed: false, started };
  }

  /**
   * Moves a case to another scope (a report routed to another commune or agency):
   * who may act on it follows. The module that owns the case decides when.
   */
  async rescope(tx: Tx, caseId: string, scope: { unitPath: string | null; agencyId: string | null }): Promise<void> {
    await repo.rescope(tx, caseId, scope.unitPath, scope.agencyId);
  }

  /** The actions `actor` may take on the case now (state and roles; conditions are checked by `act`). */
  allowedActions(c: CaseView, actor: Actor | null | undefined): string[] {
    return allowedActions(c.definition, c, actor);
  }

  async get(caseId: string, ex: Executor = this.deps.db): Promise<CaseView | undefined> {
    const r = await repo.getCase(ex, caseId);
    return r && view(r);
  }

  async history(caseId: string, ex: Executor = this.deps.db): Promise<CaseActionView[]> {
    return (await repo.actions(ex, caseId)).map(actionView);
  }

  async clocks(caseId: string, ex: Executor = this.deps.db): Promise<ClockView[]> {
    return (await repo.clocks(ex, caseId)).map(clockView);
  }

  /** Recomputes state, data and version from the action log alone. */
  async replay(caseId: string, ex: Executor = this.deps.db): Promise<{ state: string; data: Record<string, unknown>; version: number }> {
    const log = await repo.actions(ex, caseId);
    if (!log.length) throw errors.notFound('hồ sơ');
    let state = '';
    let data: Record<string, unknown> = {};
    for (const a of log) {
      if (a.action === START_ACTION) data = (a.payload.data as Record<string, unknown>) ?? {};
      else {
        const apply = this.types.get(a.case_type)?.actions[a.action]?.apply;
        if (apply) data = apply(data, a.payload);
      }
      state = a.to_state;
    }
    return { state, data, version: log[log.length - 1]!.seq };
  }

  /** Audit entry and outbox event of an action, in its transaction. */
  private async record(tx: Tx, ctx: Ctx, c: CaseView, a: CaseActionView, before: { state: string; version: number } | null) {
    await this.deps.audit.record(tx, ctx, {
      action: `workflow.${c.type}.${a.action}`, entity: 'case_file', entityId: c.id,
      before, after: { state: c.state, version: c.version },
    });
    await this.deps.outbox.publish(
      tx,
      `workflow.case.${c.type}.${a.action}`,
      {
        caseId: c.id, type: c.type, action: a.action, from: a.fromState, to: a.toState, seq: a.seq, version: c.version,
        at: a.at, actor: a.actor, unitPath: c.unitPath, agencyId: c.agencyId, payload: a.payload,
      },
      { requestId: ctx.requestId },
    );
  }

  /**
   * Starts, pauses, resumes and stops the case's clocks on a move from `from` to `to`;
   * returns the clock it started, if any (so callers need not read it back).
   */
  private async moveClocks(tx: Tx, c: CaseView, from: string | null, to: string, at: Date): Promise<StartedClock | undefined> {
    const def = c.definition;
    const open = from === null ? [] : await repo.openClocks(tx, c.id);
    let cal: WorkCalendar | null = null;
    const calendar = async () => (cal ??= await this.deps.calendar.load(tx));
    const final = isFinal(def, to);
    for (const clock of open) {
      const sla = def.sla?.[clock.step];
      if ((clock.step === to || sla?.runsIn?.includes(to)) && !final) {
        if (clock.paused_at) {
          const k = await calendar();
          const pausedMs = k.workingMsBetween(clock.paused_at, at);
          const due = k.addWorkingMs(clock.due_at, pausedMs);
          const warn = clock.warn_at && !clock.warned_at ? k.addWorkingMs(clock.warn_at, pausedMs) : clock.warn_at;
          await repo.updateClock(tx, clock.id, { paused_at: null, paused_ms: Number(clock.paused_ms) + pausedMs, due_at: due, warn_at: warn });
          await this.scheduleSweep(tx, clock.warned_at ? due : (warn ?? due));
        }
      } else if (!final && sla?.pausedIn?.includes(to)) {
        if (!clock.paused_at) await repo.updateClock(tx, clock.id, { paused_at: at });
      } else {
        await repo.updateClock(tx, clock.id, { stopped_at: at });
      }
    }
    const sla = def.sla?.[to];
    if (sla && !final && !open.some((cl) => cl.step === to)) {
      const k = await calendar();
      const duration: Duration = sla.days !== undefined ? { days: sla.days } : { hours: sla.hours! };
      const appt = k.appointment(at, duration);
      const total = k.workingMsBetween(appt.countingStartsAt, appt.dueAt);
      const warn = k.addWorkingMs(appt.countingStartsAt, Math.round(total * (sla.warnAt ?? DEFAULT_WARN_AT)));
      await repo.insertClock(tx, {
        case_id: c.id, step: to, duration, started_at: at, counting_from: appt.countingStartsAt, due_at: appt.dueAt, warn_at: warn,
      });
      await this.scheduleSweep(tx, warn);
      return { step: to, dueAt: appt.dueAt, warnAt: warn };
    }
    return undefined;
  }

  /** Queues a sweep at `at` (rounded up to the minute); one queued sweep per minute whoever asks. */
  async scheduleSweep(ex: Executor, at: Date): Promise<void> {
    const slot = sweepSlot(at);
    // Concurrent cases share a minute's sweep: the outbox writes a transaction's entries at its end,
    // so they wait on each other's key only while committing.
    await this.deps.outbox.enqueue(ex, SWEEP_TOPIC, { at: slot.toISOString() }, { runAt: slot, dedupeKey: `${SWEEP_TOPIC}:${slot.toISOString()}` });
  }

  /**
   * Sends the warnings and breaches due at `now`, each in the transaction that
   * marks its clock, then queues the next sweep. Safe to run on many instances at once.
   */
  async sweep(now: Date = this.now()): Promise<{ warned: number; breached: number }> {
    let warned = 0;
    let breached = 0;
    const ctx: Ctx = { actor: { kind: 'system', id: 'system', name: 'workflow.sla', grants: [] }, lang: 'vi' };
    for (;;) {
      const n = await transaction(this.deps.db, async (tx) => {
        const rows = await repo.claimWarnings(tx, now, SWEEP_BATCH);
        for (const cl of rows) {
          const c = (await repo.getCase(tx, cl.case_id))!;
          await this.deps.outbox.enqueue(tx, WARNING_TOPIC, {
            caseId: c.id, type: c.type, state: c.state, step: cl.step, dueAt: cl.due_at, warnAt: cl.warn_at, unitPath: c.unit_path, agencyId: c.agency_id,
          });
        }
        return rows.length;
      });
      warned += n;
      if (n < SWEEP_BATCH) break;
    }
    for (;;) {
      const n = await transaction(this.deps.db, async (tx) => {
        const rows = await repo.claimBreaches(tx, now, SWEEP_BATCH);
        for (const cl of rows) {
          const c = await repo.escalate(tx, cl.case_id);
          await this.deps.audit.record(tx, ctx, {
            action: 'workflow.sla.breached', entity: 'case_file', entityId: c.id,
            before: { escalationLevel: c.escalation_level - 1 }, after: { escalationLevel: c.escalation_level, step: cl.step, dueAt: cl.due_at },
          });
          await this.deps.outbox.enqueue(tx, BREACHED_TOPIC, {
            caseId: c.id, type: c.type, state: c.state, step: cl.step, dueAt: cl.due_at, escalationLevel: c.escalation_level,
            unitPath: c.unit_path, agencyId: c.agency_id,
          });
        }
        return rows.length;
      });
      breached += n;
      if (n < SWEEP_BATCH) break;
    }
    const next = await repo.nextClockEvent(this.deps.db);
    if (next) await this.scheduleSweep(this.deps.db, next > now ? next : new Date(now.getTime() + 1000));
    return { warned, breached };
  }
}
