import { type Generated, type Selectable, sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { ProcessDefinition } from './definition.js';

/** All SQL of the case engine. */

interface ProcessDefinitionTable {
  type: string;
  key: string;
  version: number;
  definition: unknown;
  created_at: Generated<Date>;
  created_by: string | null;
}
interface CaseFileTable {
  id: string;
  type: string;
  state: string;
  unit_path: string | null;
  agency_id: string | null;
  definition: unknown;
  definition_key: string;
  definition_version: number;
  version: Generated<number>;
  escalation_level: Generated<number>;
  created_by_kind: string | null;
  created_by_id: string | null;
  data: unknown;
  created_at: Date;
  updated_at: Date;
}
interface CaseActionTable {
  id: Generated<string>;
  case_id: string;
  case_type: string;
  seq: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  payload: unknown;
  at: Date;
  idempotency_key: string;
  request_hash: string;
  request_id: string | null;
}
interface CaseClockTable {
  id: Generated<string>;
  case_id: string;
  step: string;
  duration: unknown;
  started_at: Date;
  counting_from: Date;
  due_at: Date;
  warn_at: Date | null;
  paused_at: Date | null;
  paused_ms: Generated<number>;
  warned_at: Date | null;
  breached_at: Date | null;
  stopped_at: Date | null;
}
declare module '../db/index.js' {
  interface Database {
    process_definition: ProcessDefinitionTable;
    case_file: CaseFileTable;
    case_action: CaseActionTable;
    case_clock: CaseClockTable;
  }
}

export type CaseRow = Selectable<CaseFileTable> & { definition: ProcessDefinition; data: Record<string, unknown> };
export type ActionRow = Selectable<CaseActionTable> & { payload: Record<string, unknown> };
export type ClockRow = Selectable<CaseClockTable>;

export async function getCase(ex: Executor, id: string, lock = false): Promise<CaseRow | undefined> {
  let q = ex.selectFrom('case_file').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as CaseRow | undefined;
}

/** Inserts a case and returns it as stored (defaults included), without reading it again. */
export async function insertCase(ex: Executor, row: Omit<CaseFileTable, 'version' | 'escalation_level'>): Promise<CaseRow> {
  return (await ex
    .insertInto('case_file')
    .values({ ...row, definition: JSON.stringify(row.definition), data: JSON.stringify(row.data) })
    .returningAll()
    .executeTakeFirstOrThrow()) as CaseRow;
}

/** Moves the case on if nobody else did since `version`; undefined when the version is stale. */
export async function advanceCase(
  ex: Executor,
  id: string,
  version: number,
  change: { state: string; data: Record<string, unknown>; at: Date },
): Promise<CaseRow | undefined> {
  return (await ex
    .updateTable('case_file')
    .set({ state: change.state, data: JSON.stringify(change.data), version: version + 1, updated_at: change.at })
    .where('id', '=', id)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()) as CaseRow | undefined;
}

export async function escalate(ex: Executor, id: string): Promise<CaseRow> {
  return (await ex
    .updateTable('case_file')
    .set((eb) => ({ escalation_level: eb('escalation_level', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()) as CaseRow;
}

export async function findActionByKey(ex: Executor, caseType: string, key: string): Promise<ActionRow | undefined> {
  return (await ex
    .selectFrom('case_action')
    .selectAll()
    .where('case_type', '=', caseType)
    .where('idempotency_key', '=', key)
    .executeTakeFirst()) as ActionRow | undefined;
}

/** Appends an action; undefined when its idempotency key is already taken (by a concurrent retry). */
export async function appendAction(ex: Executor, row: Omit<CaseActionTable, 'id'>): Promise<ActionRow | undefined> {
  return (await ex
    .insertInto('case_action')
    .values({ ...row, payload: JSON.stringify(row.payload ?? {}) })
    .onConflict((oc) => oc.columns(['case_type', 'idempotency_key']).doNothing())
    .returningAll()
    .executeTakeFirst()) as ActionRow | undefined;
}

export async function actions(ex: Executor, caseId: string): Promise<ActionRow[]> {
  return (await ex.selectFrom('case_action').selectAll().where('case_id', '=', caseId).orderBy('seq').execute()) as ActionRow[];
}

export async function latestDefinition(ex: Executor, type: string, key: string) {
  return ex
    .selectFrom('process_definition')
    .select(['version', 'definition'])
    .where('type', '=', type)
    .where('key', '=', key)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst() as Promise<{ version: number; definition: ProcessDefinition } | undefined>;
}

export async function insertDefinition(ex: Executor, type: string, key: string, definition: ProcessDefinition, by: string | null): Promise<number> {
  // Serialise versions of one (type, key): the primary key refuses a duplicate, the lock avoids the retry.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`process_definition:${type}:${key}`}))`.execute(ex);
  const last = await latestDefinition(ex, type, key);
  const version = (last?.version ?? 0) + 1;
  await ex.insertInto('process_definition').values({ type, key, version, definition: JSON.stringify(definition), created_by: by }).execute();
  return version;
}

export async function openClocks(ex: Executor, caseId: string): Promise<ClockRow[]> {
  return ex.selectFrom('case_clock').selectAll().where('case_id', '=', caseId).where('stopped_at', 'is', null).forUpdate().execute();
}

export async function clocks(ex: Executor, caseId: string): Promise<ClockRow[]> {
  return ex.selectFrom('case_clock').selectAll().where('case_id', '=', caseId).orderBy('started_at').orderBy('id').execute();
}

export async function insertClock(ex: Executor, row: Omit<CaseClockTable, 'id' | 'paused_ms' | 'warned_at' | 'breached_at' | 'stopped_at' | 'paused_at'>): Promise<void> {
  await ex.insertInto('case_clock').values({ ...row, duration: JSON.stringify(row.duration) }).execute();
}

export async function updateClock(ex: Executor, id: string, set: Partial<Pick<ClockRow, 'due_at' | 'warn_at' | 'paused_at' | 'paused_ms' | 'stopped_at'>>): Promise<void> {
  await ex.updateTable('case_clock').set(set).where('id', '=', id).execute();
}

/** Marks running clocks past their warning time as warned; returns them (skipping rows another sweeper holds). */
export async function claimWarnings(ex: Executor, now: Date, limit: number): Promise<ClockRow[]> {
  const r = await sql<ClockRow>`
    UPDATE case_clock SET warned_at = ${now}
    WHERE id IN (
      SELECT id FROM case_clock
      WHERE stopped_at IS NULL AND paused_at IS NULL AND warned_at IS NULL AND warn_at <= ${now}
      ORDER BY warn_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(ex);
  return r.rows;
}

export async function claimBreaches(ex: Executor, now: Date, limit: number): Promise<ClockRow[]> {
  const r = await sql<ClockRow>`
    UPDATE case_clock SET breached_at = ${now}
    WHERE id IN (
      SELECT id FROM case_clock
      WHERE stopped_at IS NULL AND paused_at IS NULL AND breached_at IS NULL AND due_at <= ${now}
      ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(ex);
  return r.rows;
}

/** The next moment a running clock needs a sweep (its warning or its breach). */
export async function nextClockEvent(ex: Executor): Promise<Date | null> {
  const r = await sql<{ next: Date | null }>`
    SELECT least(
      (SELECT min(warn_at) FROM case_clock WHERE stopped_at IS NULL AND paused_at IS NULL AND warned_at IS NULL),
      (SELECT min(due_at) FROM case_clock WHERE stopped_at IS NULL AND paused_at IS NULL AND breached_at IS NULL)) AS next`.execute(ex);
  return r.rows[0]?.next ?? null;
}

export async function dbNow(ex: Executor): Promise<Date> {
  const r = await sql<{ now: Date }>`SELECT now() AS now`.execute(ex);
  return r.rows[0]!.now;
}

export async function rescope(ex: Executor, caseId: string, unitPath: string | null, agencyId: string | null): Promise<void> {
  await sql`UPDATE case_file SET unit_path = ${unitPath}, agency_id = ${agencyId} WHERE id = ${caseId}`.execute(ex);
}
