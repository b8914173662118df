import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the programme: resolutions, task groups, indicators, targets, actuals, tasks, projects. */

export interface ProgrammeRow {
  id: string;
  code: string;
  kind: string;
  number: string;
  title: string;
  issued_on: string;
  issuer: string;
  level: 'national' | 'provincial';
  period_from: number;
  period_to: number;
}

export async function programmes(db: Executor): Promise<(ProgrammeRow & { groups: { seq: number; name: string }[] })[]> {
  const r = await sql<ProgrammeRow & { groups: { seq: number; name: string }[] }>`SELECT p.id, p.code, p.kind, p.number, p.title, to_char(p.issued_on, 'YYYY-MM-DD') AS issued_on,
      p.issuer, p.level, p.period_from, p.period_to,
      coalesce((SELECT json_agg(json_build_object('seq', g.seq, 'name', g.name) ORDER BY g.seq) FROM ops_task_group g WHERE g.programme_id = p.id), '[]') AS groups
    FROM ops_programme p ORDER BY p.level, p.issued_on`.execute(db);
  return r.rows;
}

export async function programmeByCode(db: Executor, code: string): Promise<ProgrammeRow | undefined> {
  const r = await sql<ProgrammeRow>`SELECT id, code, kind, number, title, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, issuer, level, period_from, period_to FROM ops_programme WHERE code = ${code}`.execute(db);
  return r.rows[0];
}

export async function insertProgramme(db: Executor, p: Omit<ProgrammeRow, 'id'>, groups: string[]): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO ops_programme (code, kind, number, title, issued_on, issuer, level, period_from, period_to)
    VALUES (${p.code}, ${p.kind}, ${p.number}, ${p.title}, ${p.issued_on}::date, ${p.issuer}, ${p.level}, ${p.period_from}, ${p.period_to})
    ON CONFLICT (code) DO UPDATE SET title = excluded.title RETURNING id`.execute(db);
  const id = r.rows[0]!.id;
  for (const [i, name] of groups.entries()) {
    await sql`INSERT INTO ops_task_group (programme_id, seq, name) VALUES (${id}, ${i + 1}, ${name}) ON CONFLICT (programme_id, seq) DO NOTHING`.execute(db);
  }
  return id;
}

export async function groupId(db: Executor, programmeId: string, seq: number): Promise<string | null> {
  const r = await sql<{ id: string }>`SELECT id FROM ops_task_group WHERE programme_id = ${programmeId} AND seq = ${seq}`.execute(db);
  return r.rows[0]?.id ?? null;
}

export type IndicatorUnit = 'percent' | 'count' | 'million_vnd' | 'rank' | 'score';

export interface IndicatorRow {
  id: string;
  code: string;
  programme_code: string;
  programme_number: string;
  group_seq: number | null;
  group_name: string | null;
  name: string;
  unit: IndicatorUnit;
  baseline: number | null;
  baseline_year: number | null;
  direction: 'up' | 'down';
  owner_agency: string | null;
  legal_basis: string;
  source: 'computed' | 'entered' | 'imported';
  computed_key: string | null;
  public: boolean;
  targets: Record<string, number>;
  actuals: Record<string, { value: number; source: string; enteredAt: string; evidence: number; note: string | null }>;
}

export async function indicators(db: Executor, f: { programme?: string; code?: string; publicOnly?: boolean }): Promise<IndicatorRow[]> {
  const r = await sql<IndicatorRow>`SELECT i.id, i.code, p.code AS programme_code, p.number AS programme_number, g.seq AS group_seq, g.name AS group_name,
      i.name, i.unit, i.baseline::float8 AS baseline, i.baseline_year, i.direction, i.owner_agency, i.legal_basis, i.source, i.computed_key, i.public,
      coalesce((SELECT json_object_agg(t.year, t.value::float8) FROM ops_indicator_target t WHERE t.indicator_id = i.id), '{}') AS targets,
      coalesce((SELECT json_object_agg(a.year, json_build_object('value', a.value::float8, 'source', a.source, 'enteredAt', a.entered_at, 'evidence', cardinality(a.evidence), 'note', a.note))
        FROM (SELECT DISTINCT ON (year) * FROM ops_indicator_actual x WHERE x.indicator_id = i.id ORDER BY year, entered_at DESC) a), '{}') AS actuals
    FROM ops_indicator i JOIN ops_programme p ON p.id = i.programme_id LEFT JOIN ops_task_group g ON g.id = i.group_id
    WHERE ${f.programme ? sql`p.code = ${f.programme}` : sql`true`} AND ${f.code ? sql`i.code = ${f.code}` : sql`true`} AND ${f.publicOnly ? sql`i.public` : sql`true`}
    ORDER BY p.level DESC, p.issued_on, i.code`.execute(db);
  return r.rows;
}

export interface IndicatorInsert {
  code: string;
  programme_id: string;
  group_id: string | null;
  name: string;
  unit: IndicatorUnit;
  baseline: number | null;
  baseline_year: number | null;
  direction: 'up' | 'down';
  owner_agency: string | null;
  legal_basis: string;
  source: 'computed' | 'entered' | 'imported';
  computed_key: string | null;
  public: boolean;
}

export async function insertIndicator(db: Executor, i: IndicatorInsert, targets: Record<string, number>): Promise<string | null> {
  const r = await sql<{ id: string }>`INSERT INTO ops_indicator (code, programme_id, group_id, name, unit, baseline, baseline_year, direction, owner_agency, legal_basis, source, computed_key, public)
    VALUES (${i.code}, ${i.programme_id}, ${i.group_id}, ${i.name}, ${i.unit}, ${i.baseline}, ${i.baseline_year}, ${i.direction}, ${i.owner_agency}, ${i.legal_basis}, ${i.source}, ${i.computed_key}, ${i.public})
    ON CONFLICT (code) DO NOTHING RETURNING id`.execute(db);
  const id = r.rows[0]?.id;
  if (!id) return null;
  for (const [year, value] of Object.entries(targets)) {
    await sql`INSERT INTO ops_indicator_target (indicator_id, year, value) VALUES (${id}, ${Number(year)}, ${value})`.execute(db);
  }
  return id;
}

export async function insertActual(db: Executor, a: { indicator_id: string; year: number; value: number; source: 'entered' | 'imported'; note: string | null; evidence: string[]; entered_by: string }): Promise<string> {
  const r = await sql<{ id: string }>`INSERT INTO ops_indicator_actual (indicator_id, year, value, source, note, evidence, entered_by)
    VALUES (${a.indicator_id}, ${a.year}, ${a.value}, ${a.source}, ${a.note}, ${a.evidence}::uuid[], ${a.entered_by}) RETURNING id`.execute(db);
  return r.rows[0]!.id;
}

export interface TaskRow {
  id: string;
  code: string;
  programme_code: string;
  group_seq: number | null;
  group_name: string | null;
  title: string;
  agency_code: string;
  due_on: string;
  progress: number;
  done_at: Date | null;
  reports: number;
  last_note: string | null;
}

export async function tasks(db: Executor, f: { agency?: string; open?: boolean; id?: string; dueBefore?: string }): Promise<TaskRow[]> {
  const r = await sql<TaskRow>`SELECT t.id, t.code, p.code AS programme_code, g.seq AS group_seq, g.name AS group_name, t.title, t.agency_code,
      to_char(t.due_on, 'YYYY-MM-DD') AS due_on, t.progress, t.done_at,
      (SELECT count(*)::int FROM ops_task_report r WHERE r.task_id = t.id) AS reports,
      (SELECT r.note FROM ops_task_report r WHERE r.task_id = t.id ORDER BY r.at DESC LIMIT 1) AS last_note
    FROM ops_task t JOIN ops_programme p ON p.id = t.programme_id LEFT JOIN ops_task_group g ON g.id = t.group_id
    WHERE ${f.agency ? sql`t.agency_code = ${f.agency}` : sql`true`} AND ${f.open ? sql`t.done_at IS NULL` : sql`true`}
      AND ${f.id ? sql`t.id = ${f.id}` : sql`true`} AND ${f.dueBefore ? sql`t.due_on <= ${f.dueBefore}::date` : sql`true`}
    ORDER BY t.due_on, t.code`.execute(db);
  return r.rows;
}

export async function insertTask(db: Executor, t: { code: string; programme_id: string; group_id: string | null; title: string; agency_code: string; due_on: string }): Promise<string | null> {
  const r = await sql<{ id: string }>`INSERT INTO ops_task (code, programme_id, group_id, title, agency_code, due_on)
    VALUES (${t.code}, ${t.programme_id}, ${t.group_id}, ${t.title}, ${t.agency_code}, ${t.due_on}::date) ON CONFLICT (code) DO NOTHING RETURNING id`.execute(db);
  return r.rows[0]?.id ?? null;
}

export async function lockTask(db: Executor, id: string): Promise<{ id: string; agency_code: string; progress: number; done_at: Date | null } | undefined> {
  const r = await sql<{ id: string; agency_code: string; progress: number; done_at: Date | null }>`SELECT id, agency_code, progress, done_at FROM ops_task WHERE id = ${id} FOR UPDATE`.execute(db);
  return r.rows[0];
}

export async function addTaskReport(db: Executor, x: { task_id: string; progress: number; note: string; evidence: string[]; by_name: string }): Promise<void> {
  await sql`INSERT INTO ops_task_report (task_id, progress, note, evidence, by_name) VALUES (${x.task_id}, ${x.progress}, ${x.note}, ${x.evidence}::uuid[], ${x.by_name})`.execute(db);
  await sql`UPDATE ops_task SET progress = ${x.progress}, done_at = CASE WHEN ${x.progress} = 100 THEN coalesce(done_at, now()) ELSE NULL END WHERE id = ${x.task_id}`.execute(db);
}

export interface ProjectRow {
  id: string;
  code: string;
  programme_code: string;
  name: string;
  agency_code: string;
  year_from: number;
  year_to: number;
  budget_million: number;
  cyber_million: number;
  disbursed_million: number;
}

export async function projects(db: Executor): Promise<ProjectRow[]> {
  const r = await sql<ProjectRow>`SELECT x.id, x.code, p.code AS programme_code, x.name, x.agency_code, x.year_from, x.year_to,
      x.budget_million::float8 AS budget_million, x.cyber_million::float8 AS cyber_million, x.disbursed_million::float8 AS disbursed_million
    FROM ops_project x JOIN ops_programme p ON p.id = x.programme_id ORDER BY x.year_from, x.code`.execute(db);
  return r.rows;
}

export async function insertProject(db: Executor, x: Omit<ProjectRow, 'id' | 'programme_code'> & { programme_id: string }): Promise<string | null> {
  const r = await sql<{ id: string }>`INSERT INTO ops_project (code, programme_id, name, agency_code, year_from, year_to, budget_million, cyber_million, disbursed_million)
    VALUES (${x.code}, ${x.programme_id}, ${x.name}, ${x.agency_code}, ${x.year_from}, ${x.year_to}, ${x.budget_million}, ${x.cyber_million}, ${x.disbursed_million})
    ON CONFLICT (code) DO NOTHING RETURNING id`.execute(db);
  return r.rows[0]?.id ?? null;
}
