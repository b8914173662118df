import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the live figures: the projection's facts and rollups, and the sums the screens read. */

export type Kind = 'dossier' | 'report';
export type Outcome = 'early' | 'on_time' | 'late';

export interface Fact {
  case_id: string;
  kind: Kind;
  unit_path: string;
  agency_key: string;
  channel: string;
  received_day: string | null;
  finished_day: string | null;
  outcome: Outcome | null;
  rated_day: string | null;
  satisfied: boolean | null;
  open: boolean;
  due_at: Date | null;
}

export const DAILY_COUNTERS = ['received', 'finished', 'early', 'on_time', 'late', 'rated', 'satisfied'] as const;
export type DailyCounter = (typeof DAILY_COUNTERS)[number];

export interface Scope {
  /** Unit path subtree; none for the whole province. */
  unitPath?: string;
  agencyKey?: string;
}

function scopeSql(s: Scope) {
  return sql.join(
    [
      s.unitPath ? sql`(unit_path = ${s.unitPath} OR unit_path LIKE ${`${s.unitPath}.%`})` : sql`true`,
      s.agencyKey !== undefined ? sql`agency_key = ${s.agencyKey}` : sql`true`,
    ],
    sql` AND `,
  );
}

export async function factForUpdate(db: Executor, caseId: string): Promise<Fact | undefined> {
  const r = await sql<Fact>`SELECT case_id, kind, unit_path, agency_key, channel, to_char(received_day, 'YYYY-MM-DD') AS received_day,
      to_char(finished_day, 'YYYY-MM-DD') AS finished_day, outcome, to_char(rated_day, 'YYYY-MM-DD') AS rated_day, satisfied, open, due_at
    FROM ops_fact WHERE case_id = ${caseId} FOR UPDATE`.execute(db);
  return r.rows[0];
}

/** Takes the per-case lock before the first fact exists, so two workers never count a new case twice. */
export async function lockCase(db: Executor, caseId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`ops:${caseId}`}, 0))`.execute(db);
}

export async function saveFact(db: Executor, f: Fact): Promise<void> {
  await sql`INSERT INTO ops_fact (case_id, kind, unit_path, agency_key, channel, received_day, finished_day, outcome, rated_day, satisfied, open, due_at, updated_at)
    VALUES (${f.case_id}, ${f.kind}, ${f.unit_path}, ${f.agency_key}, ${f.channel}, ${f.received_day}, ${f.finished_day}, ${f.outcome}, ${f.rated_day}, ${f.satisfied}, ${f.open}, ${f.due_at}, now())
    ON CONFLICT (case_id) DO UPDATE SET unit_path = excluded.unit_path, agency_key = excluded.agency_key, channel = excluded.channel,
      received_day = excluded.received_day, finished_day = excluded.finished_day, outcome = excluded.outcome, rated_day = excluded.rated_day,
      satisfied = excluded.satisfied, open = excluded.open, due_at = excluded.due_at, updated_at = now()`.execute(db);
}

export interface DailyKey {
  day: string;
  kind: Kind;
  unitPath: string;
  agencyKey: string;
  channel: string;
}

export async function bumpDaily(db: Executor, key: DailyKey, inc: Partial<Record<DailyCounter, number>>): Promise<void> {
  const cols = DAILY_COUNTERS.filter((c) => inc[c]);
  if (!cols.length) return;
  await sql`INSERT INTO ops_daily (day, kind, unit_path, agency_key, channel, ${sql.join(cols.map((c) => sql.ref(c)))})
    VALUES (${key.day}, ${key.kind}, ${key.unitPath}, ${key.agencyKey}, ${key.channel}, ${sql.join(cols.map((c) => sql`${inc[c]!}`))})
    ON CONFLICT (day, kind, unit_path, agency_key, channel) DO UPDATE SET
      ${sql.join(cols.map((c) => sql`${sql.ref(c)} = ops_daily.${sql.ref(c)} + excluded.${sql.ref(c)}`))}`.execute(db);
}

export async function bumpOpen(db: Executor, kind: Kind, unitPath: string, agencyKey: string, dueDay: string, n: number): Promise<void> {
  await sql`INSERT INTO ops_open (kind, unit_path, agency_key, due_day, n) VALUES (${kind}, ${unitPath}, ${agencyKey}, ${dueDay}::date, ${n})
    ON CONFLICT (kind, unit_path, agency_key, due_day) DO UPDATE SET n = ops_open.n + excluded.n`.execute(db);
}

export type Sums = Record<DailyCounter, number> & { received_online: number };

/** Sums of a period [from, to] (Vietnamese days, inclusive) and scope. */
export async function sums(db: Executor, kind: Kind, from: string, to: string, s: Scope): Promise<Sums> {
  const r = await sql<Sums>`SELECT coalesce(sum(received), 0)::int AS received, coalesce(sum(finished), 0)::int AS finished,
      coalesce(sum(early), 0)::int AS early, coalesce(sum(on_time), 0)::int AS on_time, coalesce(sum(late), 0)::int AS late,
      coalesce(sum(rated), 0)::int AS rated, coalesce(sum(satisfied), 0)::int AS satisfied,
      coalesce(sum(received) FILTER (WHERE channel IN ('online', 'web', 'app', 'open311')), 0)::int AS received_online
    FROM ops_daily WHERE kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date AND ${scopeSql(s)}`.execute(db);
  return r.rows[0]!;
}

export async function byChannel(db: Executor, kind: Kind, from: string, to: string, s: Scope): Promise<{ channel: string; n: number }[]> {
  const r = await sql<{ channel: string; n: number }>`SELECT channel, sum(received)::int AS n FROM ops_daily
    WHERE kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date AND ${scopeSql(s)} GROUP BY channel HAVING sum(received) > 0 ORDER BY n DESC, channel`.execute(db);
  return r.rows;
}

/** Open now, and open past the due time now (days before today from ops_open, today's few from ops_fact). */
export async function openNow(db: Executor, kind: Kind, today: string, now: Date, s: Scope): Promise<{ open: number; overdue: number }> {
  const r = await sql<{ open: number; overdue: number }>`SELECT
      (SELECT coalesce(sum(n), 0)::int FROM ops_open WHERE kind = ${kind} AND ${scopeSql(s)}) AS open,
      (SELECT coalesce(sum(n), 0)::int FROM ops_open WHERE kind = ${kind} AND due_day < ${today}::date AND ${scopeSql(s)})
      + (SELECT count(*)::int FROM ops_fact WHERE kind = ${kind} AND open AND due_at IS NOT NULL
           AND (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ${today}::date AND due_at < ${now} AND ${scopeSql(s)}) AS overdue`.execute(db);
  return r.rows[0]!;
}

export interface GroupRow {
  key: string;
  received: number;
  finished: number;
  early: number;
  on_time: number;
  late: number;
  rated: number;
  satisfied: number;
  received_online: number;
  open: number;
  overdue: number;
}

/**
 * The same sums per child: per commune (unit paths one level below `parentPath`,
 * commune-handled cases only) or per agency (agency-handled cases).
 */
export async function byChild(db: Executor, kind: Kind, from: string, to: string, today: string, now: Date, by: 'commune' | 'agency', s: Scope): Promise<GroupRow[]> {
  const key = by === 'agency' ? sql`agency_key` : sql`unit_path`;
  const only = by === 'agency' ? sql`agency_key <> ''` : sql`agency_key = ''`;
  const r = await sql<GroupRow>`WITH d AS (
      SELECT ${key} AS key, sum(received)::int AS received, sum(finished)::int AS finished, sum(early)::int AS early, sum(on_time)::int AS on_time,
        sum(late)::int AS late, sum(rated)::int AS rated, sum(satisfied)::int AS satisfied,
        coalesce(sum(received) FILTER (WHERE channel IN ('online', 'web', 'app', 'open311')), 0)::int AS received_online
      FROM ops_daily WHERE kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date AND ${only} AND ${scopeSql(s)} GROUP BY 1
    ), o AS (
      SELECT ${key} AS key, sum(n)::int AS open, coalesce(sum(n) FILTER (WHERE due_day < ${today}::date), 0)::int AS overdue
      FROM ops_open WHERE kind = ${kind} AND ${only} AND ${scopeSql(s)} GROUP BY 1
    ), t AS (
      SELECT ${key} AS key, count(*)::int AS overdue FROM ops_fact WHERE kind = ${kind} AND open AND due_at IS NOT NULL AND ${only}
        AND (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ${today}::date AND due_at < ${now} AND ${scopeSql(s)} GROUP BY 1
    )
    SELECT coalesce(d.key, o.key) AS key, coalesce(d.received, 0) AS received, coalesce(d.finished, 0) AS finished, coalesce(d.early, 0) AS early,
      coalesce(d.on_time, 0) AS on_time, coalesce(d.late, 0) AS late, coalesce(d.rated, 0) AS rated, coalesce(d.satisfied, 0) AS satisfied,
      coalesce(d.received_online, 0) AS received_online, coalesce(o.open, 0) AS open, coalesce(o.overdue, 0) + coalesce(t.overdue, 0) AS overdue
    FROM d FULL JOIN o ON o.key = d.key LEFT JOIN t ON t.key = coalesce(d.key, o.key)`.execute(db);
  return r.rows;
}

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';

export async function series(db: Executor, kind: Kind, grain: Grain, from: string, to: string, s: Scope) {
  const r = await sql<{ period: string } & Sums>`SELECT to_char(date_trunc(${grain}, day), 'YYYY-MM-DD') AS period,
      sum(received)::int AS received, sum(finished)::int AS finished, sum(early)::int AS early, sum(on_time)::int AS on_time, sum(late)::int AS late,
      sum(rated)::int AS rated, sum(satisfied)::int AS satisfied,
      coalesce(sum(received) FILTER (WHERE channel IN ('online', 'web', 'app', 'open311')), 0)::int AS received_online
    FROM ops_daily WHERE kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date AND ${scopeSql(s)} GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows;
}

export async function lastUpdate(db: Executor): Promise<Date | null> {
  const r = await sql<{ at: Date | null }>`SELECT max(updated_at) AS at FROM ops_fact`.execute(db);
  return r.rows[0]?.at ?? null;
}

export interface TargetRow {
  key: string;
  target: number;
  amber: number;
  direction: 'up' | 'down';
  basis: string;
}

export async function liveTargets(db: Executor): Promise<TargetRow[]> {
  const r = await sql<TargetRow>`SELECT key, target::float8 AS target, amber::float8 AS amber, direction, basis FROM ops_live_target ORDER BY key`.execute(db);
  return r.rows;
}

export async function hasFact(db: Executor, caseId: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM ops_fact WHERE case_id = ${caseId}`.execute(db);
  return r.rows.length > 0;
}

/** Records that something keyed `key` was sent; false when it already was. */
export async function markSent(db: Executor, key: string): Promise<boolean> {
  const r = await sql`INSERT INTO ops_sent (key) VALUES (${key}) ON CONFLICT (key) DO NOTHING`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
