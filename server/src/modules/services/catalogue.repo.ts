import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import type { Procedure } from './catalogue.schema.js';

/** All SQL of the procedure catalogue. Tables: server/migrations/0040_services_catalogue.sql. */

interface SectorTable {
  code: string;
  name: string;
}
interface ProcedureTable {
  id: Generated<string>;
  code: string;
  current_version: number;
  name: string;
  sector_code: string;
  level: 'province' | 'commune';
  agency_code: string | null;
  online_level: 'full' | 'partial';
  /** The current version's time limit and fee total (jsonb written as a string). */
  time_limit: unknown;
  fee_total: number;
  active: Generated<boolean>;
  search_text: Generated<string>;
  updated_at: Generated<Date>;
}
interface ProcedureVersionTable {
  procedure_id: string;
  version: number;
  effective_from: string;
  /** json (kept as written, key order included): written as a JSON string, read as a value. */
  data: unknown;
  created_by: string | null;
  created_at: Generated<Date>;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    service_sector: SectorTable;
    procedure: ProcedureTable;
    procedure_version: ProcedureVersionTable;
  }
}

export interface ProcedureSummaryRow {
  id: string;
  code: string;
  name: string;
  sector_code: string;
  sector_name: string;
  level: 'province' | 'commune';
  agency_code: string | null;
  online_level: 'full' | 'partial';
  current_version: number;
  time_limit: Procedure['timeLimit'];
  fee_total: number;
}

export interface ProcedureVersionRow {
  id: string;
  code: string;
  active: boolean;
  current_version: number;
  version: number;
  effective_from: string;
  data: Procedure;
  created_at: Date;
}

export async function upsertSector(db: Executor, code: string, name: string): Promise<void> {
  await db.insertInto('service_sector').values({ code, name }).onConflict((oc) => oc.column('code').doUpdateSet({ name })).execute();
}

export function listSectors(db: Executor) {
  return sql<{ code: string; name: string; count: number }>`
    SELECT s.code, s.name, count(p.id)::int AS count
      FROM service_sector s LEFT JOIN procedure p ON p.sector_code = s.code AND p.active
     GROUP BY s.code, s.name ORDER BY s.name`
    .execute(db)
    .then((r) => r.rows);
}

/** Locks the procedure row (for a new version) or returns undefined. */
export function procedureForUpdate(db: Executor, code: string) {
  return db.selectFrom('procedure').select(['id', 'current_version']).where('code', '=', code).forUpdate().executeTakeFirst();
}

const summary = (p: Procedure) => ({ time_limit: JSON.stringify(p.timeLimit), fee_total: p.fees.reduce((a, f) => a + f.amount, 0) });

export async function insertProcedure(db: Executor, p: Procedure): Promise<string> {
  const r = await db
    .insertInto('procedure')
    .values({ code: p.code, current_version: 1, name: p.name, sector_code: p.sector.code, level: p.level, agency_code: p.agencyCode, online_level: p.onlineLevel, ...summary(p) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function setCurrent(db: Executor, id: string, version: number, p: Procedure): Promise<void> {
  await db
    .updateTable('procedure')
    .set({ current_version: version, name: p.name, sector_code: p.sector.code, level: p.level, agency_code: p.agencyCode, online_level: p.onlineLevel, ...summary(p), updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function insertVersion(db: Executor, v: { procedureId: string; version: number; effectiveFrom: string; data: Procedure; createdBy: string | null }): Promise<void> {
  await db
    .insertInto('procedure_version')
    .values({ procedure_id: v.procedureId, version: v.version, effective_from: v.effectiveFrom, data: JSON.stringify(v.data), created_by: v.createdBy })
    .execute();
}

export interface SearchFilter {
  q?: string;
  sector?: string;
  level?: 'province' | 'commune';
  agency?: string;
  online?: 'full' | 'partial';
  limit: number;
  offset: number;
}

/** No substring match at all: the typo-tolerant match is tried. */
const FUZZY_BELOW = 1;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Accent- and typo-forgiving search: every word of the query appears in the
 * accent-free text, or — when that finds nothing — the whole query is
 * close to a word sequence in it (pg_trgm word similarity). Exact phrase
 * matches rank first, and among equals the shorter (more precise) name.
 */
export async function searchProcedures(db: Executor, f: SearchFilter): Promise<{ items: ProcedureSummaryRow[]; total: number }> {
  const q = f.q?.trim();
  const words = q ? q.split(/\s+/).filter(Boolean).slice(0, 12) : [];
  const conds = [sql`p.active`];
  if (f.sector) conds.push(sql`p.sector_code = ${f.sector}`);
  if (f.level) conds.push(sql`p.level = ${f.level}`);
  if (f.agency) conds.push(sql`p.agency_code = ${f.agency}`);
  if (f.online) conds.push(sql`p.online_level = ${f.online}`);
  const where = sql.join(conds, sql` AND `);
  // Every word as a substring of the accent-free text is cheap; the fuzzy match (the whole query close to a
  // run of words, for typos) scores each procedure, so it runs only when the words find nothing.
  const byWords = words.length
    ? sql`SELECT p.id FROM procedure p WHERE ${where} AND ${sql.join(words.map((w) => sql`p.search_text LIKE '%' || f_unaccent(${escapeLike(w)}) || '%'`), sql` AND `)}`
    : sql`SELECT p.id FROM procedure p WHERE ${where}`;
  let matched = byWords;
  if (words.length) {
    const few = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${byWords} LIMIT ${FUZZY_BELOW}) m`.execute(db);
    if (few.rows[0]!.n < FUZZY_BELOW) matched = sql`${byWords} UNION SELECT p.id FROM procedure p WHERE ${where} AND f_unaccent(${q}) <% p.search_text`;
  }
  const rank = q
    ? sql`(p.search_text LIKE '%' || f_unaccent(${escapeLike(q)}) || '%') DESC, word_similarity(f_unaccent(${q}), p.search_text) DESC, length(p.search_text),`
    : sql``;
  const r = await sql<ProcedureSummaryRow & { total: number }>`
    SELECT p.id, p.code, p.name, p.sector_code, s.name AS sector_name, p.level, p.agency_code, p.online_level,
           p.current_version, p.time_limit, p.fee_total::int AS fee_total, count(*) OVER ()::int AS total
      FROM (${matched}) m
      JOIN procedure p ON p.id = m.id
      JOIN service_sector s ON s.code = p.sector_code
     ORDER BY ${rank} p.name, p.code
     LIMIT ${f.limit} OFFSET ${f.offset}`.execute(db);
  const total = r.rows[0]?.total ?? (f.offset > 0 ? await countMatched(db, matched) : 0);
  return { items: r.rows.map(({ total: _t, ...row }) => row), total };
}

async function countMatched(db: Executor, matched: ReturnType<typeof sql>): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (${matched}) m`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** One version of a procedure (the current one when `version` is omitted). */
export async function procedureVersion(db: Executor, code: string, version?: number): Promise<ProcedureVersionRow | undefined> {
  const r = await sql<ProcedureVersionRow>`
    SELECT p.id, p.code, p.active, p.current_version, v.version, v.effective_from::text AS effective_from, v.data, v.created_at
      FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id
     WHERE p.code = ${code} AND v.version = ${version === undefined ? sql`p.current_version` : sql`${version}`}`.execute(db);
  return r.rows[0];
}

export function procedureVersions(db: Executor, code: string) {
  return sql<{ version: number; effective_from: string; created_at: Date }>`
    SELECT v.version, v.effective_from::text AS effective_from, v.created_at
      FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id
     WHERE p.code = ${code} ORDER BY v.version`
    .execute(db)
    .then((r) => r.rows);
}

/** Current versions of every active procedure, for export. */
export function allCurrent(db: Executor) {
  return sql<{ data: Procedure }>`
    SELECT v.data FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id AND v.version = p.current_version
     WHERE p.active ORDER BY p.sector_code, p.code`
    .execute(db)
    .then((r) => r.rows.map((x) => x.data));
}

export async function countAll(db: Executor): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM procedure`.execute(db);
  return r.rows[0]!.n;
}
