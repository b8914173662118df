import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the live figures: the projection's facts and rollups, and the sums the screens read. */

export type Kind = 'dossier' | 'report' | 'document';
export const KINDS: Kind[] = ['dossier', 'report', 'document'];
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
  /** Documents: issued with an electronic signature (NULL when not known or not a document). */
  signed: boolean | null;
}

export const DAILY_COUNTERS = ['received', 'finished', 'early', 'on_time', 'late', 'rated', 'satisfied', 'issued', 'signed'] as const;
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
      to_char(finished_day, 'YYYY-MM-DD') AS finished_day, outcome, to_char(rated_day, 'YYYY-MM-DD') AS rated_day, satisfied, open, due_at, signed
    FROM ops_fact WHERE case_id = ${caseId} FOR UPDATE`.execute(db);
  return r.rows[0];
}

/** Takes the per-case lock before the first fact exists, so two workers never count a new case twice. */
export async function lockCase(db: Executor, caseId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`ops:${caseId}`}, 0))`.execute(db);
}

export async function saveFact(db: Executor, f: Fact): Promise<void> {
  await sql`INSERT INTO ops_fact (case_id, kind, unit_path, agency_key, channel, received_day, finished_day, outcome, rated_day, satisfied, open, due_at, signed, updated_at)
    VALUES (${f.case_id}, ${f.kind}, ${f.unit_path}, ${f.agency_key}, ${f.channel}, ${f.received_day}, ${f.finished_day}, ${f.outcome}, ${f.rated_day}, ${f.satisfied}, ${f.open}, ${f.due_at}, ${f.signed}, now())
    ON CONFLICT (case_id) DO UPDATE SET unit_path = excluded.unit_path, agency_key = excluded.agency_key, channel = excluded.channel,
      received_day = excluded.received_day, finished_day = excluded.finished_day, outcome = excluded.outcome, rated_day = excluded.rated_day,
      satisfied = excluded.satisfied, open = excluded.open, due_at = excluded.due_at, signed = excluded.signed, updated_at = now()`.execute(db);
}

export interface DailyKey {
  day: string;
  kind: Kind;
  unitPath: string;
  agencyKey: string;
  channel: string;
}

/** Adds to a day's counters and to its month's, in the caller's transaction. */
export async function bumpDaily(db: Executor, key: DailyKey, inc: Partial<Record<DailyCounter, number>>): Promise<void> {
  const cols = DAILY_COUNTERS.filter((c) => inc[c]);
  if (!cols.length) return;
  const names = sql.join(cols.map((c) => sql.ref(c)));
  const vals = sql.join(cols.map((c) => sql`${inc[c]!}`));
  await sql`WITH d AS (
      INSERT INTO ops_daily (day, kind, unit_path, agency_key, channel, ${names})
      VALUES (${key.day}, ${key.kind}, ${key.unitPath}, ${key.agencyKey}, ${key.channel}, ${vals})
      ON CONFLICT (day, kind, unit_path, agency_key, channel) DO UPDATE SET
        ${sql.join(cols.map((c) => sql`${sql.ref(c)} = ops_daily.${sql.ref(c)} + excluded.${sql.ref(c)}`))}
      RETURNING 1
    )
    INSERT INTO ops_monthly (month, kind, unit_path, agency_key, channel, ${names})
    VALUES (date_trunc('month', ${key.day}::date)::date, ${key.kind}, ${key.unitPath}, ${key.agencyKey}, ${key.channel}, ${vals})
    ON CONFLICT (month, kind, unit_path, agency_key, channel) DO UPDATE SET
      ${sql.join(cols.map((c) => sql`${sql.ref(c)} = ops_monthly.${sql.ref(c)} + excluded.${sql.ref(c)}`))}`.execute(db);
}

export async function bumpOpen(db: Executor, kind: Kind, unitPath: string, agencyKey: string, dueDay: string, n: number): Promise<void> {
  await sql`WITH o AS (
      INSERT INTO ops_open (kind, unit_path, agency_key, due_day, n) VALUES (${kind}, ${unitPath}, ${agencyKey}, ${dueDay}::date, ${n})
      ON CONFLICT (kind, unit_path, agency_key, due_day) DO UPDATE SET n = ops_open.n + excluded.n
      RETURNING 1
    )
    INSERT INTO ops_open_total (kind, unit_path, agency_key, n) VALUES (${kind}, ${unitPath}, ${agencyKey}, ${n})
    ON CONFLICT (kind, unit_path, agency_key) DO UPDATE SET n = ops_open_total.n + excluded.n`.execute(db);
}

export type Sums = Record<DailyCounter, number> & { received_online: number };
export const ONLINE_CHANNELS = ['online', 'web', 'app', 'open311'];

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthOf = (day: string) => `${day.slice(0, 7)}-01`;
const nextMonth = (day: string) => {
  const d = new Date(Date.parse(`${monthOf(day)}T00:00:00Z`));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * A period [from, to] as whole months [m1, m2) read from ops_monthly and the
 * edge days [from, m1) and [m2, end) read from ops_daily (end = to + 1 day).
 */
export function splitPeriod(from: string, to: string): { m1: string; m2: string; end: string } {
  const end = addDays(to, 1);
  const m1 = from.endsWith('-01') ? from : nextMonth(from);
  const m2 = monthOf(end);
  return m1 < m2 ? { m1, m2, end } : { m1: end, m2: end, end };
}

/** The period's counter rows of a scope: months from ops_monthly, edge days from ops_daily. */
function periodRows(from: string, to: string, s: Scope) {
  const { m1, m2, end } = splitPeriod(from, to);
  const cols = sql.raw(`kind, unit_path, agency_key, channel, ${DAILY_COUNTERS.join(', ')}`);
  return sql`SELECT ${cols} FROM ops_monthly WHERE month >= ${m1}::date AND month < ${m2}::date AND ${scopeSql(s)}
    UNION ALL
    SELECT ${cols} FROM ops_daily WHERE ((day >= ${from}::date AND day < ${m1}::date) OR (day >= ${m2}::date AND day < ${end}::date)) AND ${scopeSql(s)}`;
}

const SUM_COLS = sql.raw(`${DAILY_COUNTERS.map((c) => `coalesce(sum(${c}), 0)::int AS ${c}`).join(', ')},
  coalesce(sum(received) FILTER (WHERE channel IN (${ONLINE_CHANNELS.map((c) => `'${c}'`).join(', ')})), 0)::int AS received_online`);

export type Dim = 'total' | 'channel' | 'commune' | 'agency';
export type PeriodRow = Sums & { kind: Kind; dim: Dim; key: string | null };

/**
 * Every kind's sums of a period in one statement: the totals, by channel and,
 * with `children`, per commune (cases handled by a commune, agency_key '') and
 * per agency (GROUPING SETS over the period's rows).
 */
export async function periodGroups(db: Executor, from: string, to: string, s: Scope, children: boolean): Promise<PeriodRow[]> {
  // grouping() needs every column in some set: below the province the per-child sets are small and dropped.
  const sets = sql`(kind), (kind, channel), (kind, u), (kind, a)`;
  const r = await sql<PeriodRow & { g: number }>`WITH r AS (${periodRows(from, to, s)}),
    x AS (SELECT r.*, CASE WHEN agency_key = '' THEN unit_path END AS u, nullif(agency_key, '') AS a FROM r)
    SELECT kind, CASE grouping(channel, u, a) WHEN 3 THEN 'channel' WHEN 5 THEN 'commune' WHEN 6 THEN 'agency' ELSE 'total' END AS dim,
      CASE grouping(channel, u, a) WHEN 3 THEN channel WHEN 5 THEN u WHEN 6 THEN a END AS key, ${SUM_COLS}
    FROM x GROUP BY GROUPING SETS (${sets})`.execute(db);
  return r.rows.filter((x) => x.dim === 'total' || (x.key !== null && (children || x.dim === 'channel')));
}

/** Sums of a period [from, to] (Vietnamese days, inclusive) and scope. */
export async function sums(db: Executor, kind: Kind, from: string, to: string, s: Scope): Promise<Sums> {
  const r = await sql<Sums>`WITH r AS (${periodRows(from, to, s)}) SELECT ${SUM_COLS} FROM r WHERE kind = ${kind}`.execute(db);
  return r.rows[0]!;
}

export type OpenRow = { kind: Kind; dim: 'total' | 'commune' | 'agency'; key: string | null; open: number; overdue: number };

/**
 * Open now, and open past the due time now, of every kind: the open total
 * (ops_open_total) less those due from today on (ops_open, a short range by its
 * due-day index), plus today's past-due few from ops_fact (partial index); with
 * `children`, also per commune and per agency. One statement.
 */
export async function openGroups(db: Executor, today: string, now: Date, s: Scope, children: boolean): Promise<OpenRow[]> {
  const sets = sql`(kind), (kind, u), (kind, a)`;
  const r = await sql<OpenRow>`WITH x AS (
      SELECT kind, n AS open, n AS overdue, unit_path, agency_key FROM ops_open_total WHERE ${scopeSql(s)}
      UNION ALL
      SELECT kind, 0, -n, unit_path, agency_key FROM ops_open WHERE due_day >= ${today}::date AND ${scopeSql(s)}
      UNION ALL
      SELECT kind, 0, 1, unit_path, agency_key FROM ops_fact WHERE open AND due_at IS NOT NULL
        AND (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ${today}::date AND due_at < ${now} AND ${scopeSql(s)}
    ), y AS (SELECT x.*, CASE WHEN agency_key = '' THEN unit_path END AS u, nullif(agency_key, '') AS a FROM x)
    SELECT kind, CASE grouping(u, a) WHEN 1 THEN 'commune' WHEN 2 THEN 'agency' ELSE 'total' END AS dim,
      CASE grouping(u, a) WHEN 1 THEN u WHEN 2 THEN a END AS key, coalesce(sum(open), 0)::int AS open, coalesce(sum(overdue), 0)::int AS overdue
    FROM y GROUP BY GROUPING SETS (${sets})`.execute(db);
  return r.rows.filter((x) => x.dim === 'total' || (children && x.key !== null));
}

/**
 * The whole screen's rollup reads in one statement (one round trip): the
 * period's GROUPING SETS, the open and overdue ones, and the projection's last
 * write, as JSON.
 */
export async function screenRows(db: Executor, from: string, to: string, today: string, now: Date, s: Scope, children: boolean): Promise<{ period: PeriodRow[]; open: OpenRow[]; dataAsOf: Date | null }> {
  const r = await sql<{ period: PeriodRow[] | null; open: OpenRow[] | null; at: Date | null }>`WITH r AS (${periodRows(from, to, s)}),
    x AS (SELECT r.*, CASE WHEN agency_key = '' THEN unit_path END AS u, nullif(agency_key, '') AS a FROM r),
    pg AS (
      SELECT kind, CASE grouping(channel, u, a) WHEN 3 THEN 'channel' WHEN 5 THEN 'commune' WHEN 6 THEN 'agency' ELSE 'total' END AS dim,
        CASE grouping(channel, u, a) WHEN 3 THEN channel WHEN 5 THEN u WHEN 6 THEN a END AS key, ${SUM_COLS}
      FROM x GROUP BY GROUPING SETS ((kind), (kind, channel), (kind, u), (kind, a))
    ),
    o AS (
      SELECT kind, n AS open, n AS overdue, unit_path, agency_key FROM ops_open_total WHERE ${scopeSql(s)}
      UNION ALL
      SELECT kind, 0, -n, unit_path, agency_key FROM ops_open WHERE due_day >= ${today}::date AND ${scopeSql(s)}
      UNION ALL
      SELECT kind, 0, 1, unit_path, agency_key FROM ops_fact WHERE open AND due_at IS NOT NULL
        AND (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date = ${today}::date AND due_at < ${now} AND ${scopeSql(s)}
    ),
    y AS (SELECT o.*, CASE WHEN agency_key = '' THEN unit_path END AS u, nullif(agency_key, '') AS a FROM o),
    og AS (
      SELECT kind, CASE grouping(u, a) WHEN 1 THEN 'commune' WHEN 2 THEN 'agency' ELSE 'total' END AS dim,
        CASE grouping(u, a) WHEN 1 THEN u WHEN 2 THEN a END AS key, coalesce(sum(open), 0)::int AS open, coalesce(sum(overdue), 0)::int AS overdue
      FROM y GROUP BY GROUPING SETS ((kind), (kind, u), (kind, a))
    )
    SELECT (SELECT json_agg(pg) FROM pg) AS period, (SELECT json_agg(og) FROM og) AS open, (SELECT max(updated_at) FROM ops_fact) AS at`.execute(db);
  const row = r.rows[0]!;
  return {
    period: (row.period ?? []).filter((x) => x.dim === 'total' || (x.key !== null && (children || x.dim === 'channel'))),
    open: (row.open ?? []).filter((x) => x.dim === 'total' || (children && x.key !== null)),
    dataAsOf: row.at,
  };
}

export interface GroupRow extends Sums {
  key: string;
  open: number;
  overdue: number;
}

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';

export async function series(db: Executor, kind: Kind, grain: Grain, from: string, to: string, s: Scope) {
  const r = await sql<{ period: string } & Sums>`SELECT to_char(date_trunc(${grain}, day), 'YYYY-MM-DD') AS period,
      sum(received)::int AS received, sum(finished)::int AS finished, sum(early)::int AS early, sum(on_time)::int AS on_time, sum(late)::int AS late,
      sum(rated)::int AS rated, sum(satisfied)::int AS satisfied,
      sum(issued)::int AS issued, sum(signed)::int AS signed, coalesce(sum(received) FILTER (WHERE channel IN ('online', 'web', 'app', 'open311')), 0)::int AS received_online
    FROM ops_daily WHERE kind = ${kind} AND day BETWEEN ${from}::date AND ${to}::date AND ${scopeSql(s)} GROUP BY 1 ORDER BY 1`.execute(db);
  return r.rows;
}

export async function lastUpdate(db: Executor): Promise<Date | null> {
  const r = await sql<{ at: Date | null }>`SELECT max(updated_at) AS at FROM ops_fact`.execute(db);
  return r.rows[0]?.at ?? null;
}

export type TargetLevel = 'province' | 'agency' | 'commune';

export interface TargetRow {
  key: string;
  level: TargetLevel;
  target: number;
  amber: number;
  direction: 'up' | 'down';
  basis: string;
  updated_by?: string | null;
  updated_at?: Date;
}

export async function liveTargets(db: Executor): Promise<TargetRow[]> {
  const r = await sql<TargetRow>`SELECT key, level, target::float8 AS target, amber::float8 AS amber, direction, basis, updated_by, updated_at
    FROM ops_live_target ORDER BY key, level`.execute(db);
  return r.rows;
}

export async function targetForUpdate(db: Executor, key: string, level: TargetLevel): Promise<TargetRow | undefined> {
  const r = await sql<TargetRow>`SELECT key, level, target::float8 AS target, amber::float8 AS amber, direction, basis, updated_by, updated_at
    FROM ops_live_target WHERE key = ${key} AND level = ${level} FOR UPDATE`.execute(db);
  return r.rows[0];
}

export async function upsertTarget(db: Executor, t: TargetRow & { updated_by: string }): Promise<void> {
  await sql`INSERT INTO ops_live_target (key, level, target, amber, direction, basis, updated_by, updated_at)
    VALUES (${t.key}, ${t.level}, ${t.target}, ${t.amber}, ${t.direction}, ${t.basis}, ${t.updated_by}, now())
    ON CONFLICT (key, level) DO UPDATE SET target = excluded.target, amber = excluded.amber, direction = excluded.direction,
      basis = excluded.basis, updated_by = excluded.updated_by, updated_at = now()`.execute(db);
}

export async function deleteTarget(db: Executor, key: string, level: TargetLevel): Promise<boolean> {
  const r = await sql`DELETE FROM ops_live_target WHERE key = ${key} AND level = ${level}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
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

/** The ids of the cases of some types (the case engine's own table), in id order after `after`: for a rebuild. */
export async function documentCaseIds(db: Executor, types: string[], after: string, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`SELECT id FROM case_file WHERE type IN (${sql.join(types)}) AND id > ${after}::uuid ORDER BY id LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}
