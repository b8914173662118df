import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the DTI: frameworks, indicators, scores per year, rank history. */

export interface FrameworkRow {
  version: string;
  decision: string;
  issued_on: string | null;
  from_year: number;
}

export interface DtiIndicatorRow {
  code: string;
  parent_code: string | null;
  seq: number;
  name: string;
  weight: number;
  evidence_key: string | null;
  evidence_note: string | null;
}

export async function frameworks(db: Executor): Promise<FrameworkRow[]> {
  const r = await sql<FrameworkRow>`SELECT version, decision, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, from_year FROM ops_dti_framework ORDER BY from_year`.execute(db);
  return r.rows;
}

export async function insertFramework(db: Executor, f: FrameworkRow, items: DtiIndicatorRow[]): Promise<void> {
  await sql`INSERT INTO ops_dti_framework (version, decision, issued_on, from_year) VALUES (${f.version}, ${f.decision}, ${f.issued_on}::date, ${f.from_year}) ON CONFLICT DO NOTHING`.execute(db);
  for (const i of items) {
    await sql`INSERT INTO ops_dti_indicator (version, code, parent_code, seq, name, weight, evidence_key, evidence_note)
      VALUES (${f.version}, ${i.code}, ${i.parent_code}, ${i.seq}, ${i.name}, ${i.weight}, ${i.evidence_key}, ${i.evidence_note}) ON CONFLICT DO NOTHING`.execute(db);
  }
}

export async function indicatorsOf(db: Executor, version: string): Promise<DtiIndicatorRow[]> {
  const r = await sql<DtiIndicatorRow>`SELECT code, parent_code, seq, name, weight::float8 AS weight, evidence_key, evidence_note FROM ops_dti_indicator
    WHERE version = ${version} ORDER BY (parent_code IS NOT NULL), seq`.execute(db);
  return r.rows;
}

export interface ScoreRow {
  code: string;
  self: number | null;
  appraised: number | null;
  final: number | null;
  updated_by: string;
  updated_at: Date;
}

export async function scores(db: Executor, year: number): Promise<ScoreRow[]> {
  const r = await sql<ScoreRow>`SELECT code, self::float8 AS self, appraised::float8 AS appraised, final::float8 AS final, updated_by, updated_at FROM ops_dti_score WHERE year = ${year}`.execute(db);
  return r.rows;
}

export async function upsertScore(db: Executor, s: { year: number; version: string; code: string; self?: number | null; appraised?: number | null; final?: number | null; by: string }): Promise<void> {
  await sql`INSERT INTO ops_dti_score (year, version, code, self, appraised, final, updated_by)
    VALUES (${s.year}, ${s.version}, ${s.code}, ${s.self ?? null}, ${s.appraised ?? null}, ${s.final ?? null}, ${s.by})
    ON CONFLICT (year, code) DO UPDATE SET
      self = CASE WHEN ${s.self !== undefined} THEN excluded.self ELSE ops_dti_score.self END,
      appraised = CASE WHEN ${s.appraised !== undefined} THEN excluded.appraised ELSE ops_dti_score.appraised END,
      final = CASE WHEN ${s.final !== undefined} THEN excluded.final ELSE ops_dti_score.final END,
      updated_by = excluded.updated_by, updated_at = now()`.execute(db);
}

export interface RankRow {
  year: number;
  rank: number;
  of_total: number;
  score: number | null;
  source: string;
}

export async function ranks(db: Executor): Promise<RankRow[]> {
  const r = await sql<RankRow>`SELECT year, rank, of_total, score::float8 AS score, source FROM ops_dti_rank ORDER BY year`.execute(db);
  return r.rows;
}

export async function upsertRank(db: Executor, x: RankRow): Promise<void> {
  await sql`INSERT INTO ops_dti_rank (year, rank, of_total, score, source) VALUES (${x.year}, ${x.rank}, ${x.of_total}, ${x.score}, ${x.source})
    ON CONFLICT (year) DO UPDATE SET rank = excluded.rank, of_total = excluded.of_total, score = excluded.score, source = excluded.source, updated_at = now()`.execute(db);
}

export async function indicatorForUpdate(db: Executor, version: string, code: string): Promise<DtiIndicatorRow | undefined> {
  const r = await sql<DtiIndicatorRow>`SELECT code, parent_code, seq, name, weight::float8 AS weight, evidence_key, evidence_note FROM ops_dti_indicator
    WHERE version = ${version} AND code = ${code} FOR UPDATE`.execute(db);
  return r.rows[0];
}

/** Which live figure evidences a DTI indicator (or none), and the note shown with it. */
export async function setEvidence(db: Executor, version: string, code: string, key: string | null, note: string | null): Promise<void> {
  await sql`UPDATE ops_dti_indicator SET evidence_key = ${key}, evidence_note = ${note} WHERE version = ${version} AND code = ${code}`.execute(db);
}
