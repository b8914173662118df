import { type Expression, type ExpressionBuilder, type Generated, type SqlBool, sql } from 'kysely';
import type { Database, Executor } from '../../kernel/db/index.js';
import type { Scope } from '../../kernel/http/access.js';
import type { ActionRow, CaseRow, ClockRow } from '../../kernel/workflow/index.js';

/** All SQL of dossiers and drafts. Tables: server/migrations/0041_services_dossiers.sql. */

export interface Applicant {
  name: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

interface DraftTable {
  id: Generated<string>;
  owner_id: string;
  procedure_code: string;
  procedure_version: number;
  unit_code: string | null;
  applicant: unknown;
  forms: unknown;
  version: Generated<number>;
  dossier_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface DraftFileTable {
  draft_id: string;
  file_id: string;
  component: string;
  added_at: Generated<Date>;
}
interface CodePatternTable {
  owner: string;
  ident: string | null;
  pattern: string;
  updated_at: Generated<Date>;
}
interface CounterTable {
  owner: string;
  day: string;
  n: number;
}
interface DossierTable {
  id: string;
  code: string;
  procedure_code: string;
  procedure_version: number;
  procedure_name: string;
  agency_id: string | null;
  unit_path: string;
  handler_name: string;
  owner_id: string | null;
  applicant: unknown;
  channel: 'online' | 'desk' | 'post';
  forms: unknown;
  fee_total: number;
  submitted_at: Date;
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
  supplement_count: Generated<number>;
  result_file_id: string | null;
  paper_result: Generated<boolean>;
  rating: 'satisfied' | 'unsatisfied' | null;
  rating_reason: string | null;
  rated_at: Date | null;
  sector_code: string;
  full_online: boolean;
  paid_online: Generated<boolean>;
  extended_to: Generated<Date | null>;
  created_at: Generated<Date>;
}
export const ROLLUP_COUNTERS = [
  'received', 'received_online', 'full_online_total', 'full_online_online', 'finished', 'finished_on_time', 'processing_seconds',
  'e_result', 'digitised', 'fee_bearing', 'paid_online', 'rated', 'rated_unsatisfied',
] as const;
export type RollupCounter = (typeof ROLLUP_COUNTERS)[number];
type RollupTable = { day: string; unit_path: string; agency_key: string; sector_code: string; stripe: Generated<number> } & Record<RollupCounter, Generated<number>>;
type RollupMonthTable = { month: string; unit_path: string; agency_key: string; stripe: Generated<number> } & Record<RollupCounter, Generated<number>>;
interface DossierFileTable {
  dossier_id: string;
  file_id: string;
  component: string;
  kind: 'component' | 'supplement' | 'result';
  added_at: Generated<Date>;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    dossier_draft: DraftTable;
    dossier_draft_file: DraftFileTable;
    dossier_code_pattern: CodePatternTable;
    dossier_counter: CounterTable;
    dossier: DossierTable;
    dossier_file: DossierFileTable;
    dossier_rollup: RollupTable;
    dossier_rollup_month: RollupMonthTable;
    dossier_open_by_due: { due_day: string; unit_path: string; agency_key: string; n: number; stripe: Generated<number> };
  }
}

export interface DraftRow {
  id: string;
  owner_id: string;
  procedure_code: string;
  procedure_version: number;
  unit_code: string | null;
  applicant: Partial<Applicant>;
  forms: Record<string, Record<string, unknown>>;
  version: number;
  dossier_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AttachedFile {
  file_id: string;
  component: string;
  original_name: string;
  mime: string;
  size: number;
  kind?: 'component' | 'supplement' | 'result';
  /** The content's SHA-256 (hex), for dossier files. */
  sha256?: string;
  added_at: Date;
}

// ——— Drafts ———

export async function insertDraft(db: Executor, d: { owner: string; code: string; version: number; unitCode: string | null; applicant: Partial<Applicant> }): Promise<DraftRow> {
  return (await db
    .insertInto('dossier_draft')
    .values({ owner_id: d.owner, procedure_code: d.code, procedure_version: d.version, unit_code: d.unitCode, applicant: JSON.stringify(d.applicant), forms: '{}', dossier_id: null })
    .returningAll()
    .executeTakeFirstOrThrow()) as DraftRow;
}

export async function draft(db: Executor, id: string, lock = false): Promise<DraftRow | undefined> {
  let q = db.selectFrom('dossier_draft').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as DraftRow | undefined;
}

export async function drafts(db: Executor, owner: string): Promise<(DraftRow & { procedure_name: string })[]> {
  return (await db
    .selectFrom('dossier_draft as d')
    .innerJoin('procedure as p', 'p.code', 'd.procedure_code')
    .selectAll('d')
    .select('p.name as procedure_name')
    .where('d.owner_id', '=', owner)
    .where('d.dossier_id', 'is', null)
    .orderBy('d.updated_at', 'desc')
    .limit(100)
    .execute()) as (DraftRow & { procedure_name: string })[];
}

/** Saves a draft if it is still at `expected` (another device may have saved since). */
export async function saveDraft(db: Executor, id: string, expected: number, patch: { applicant: Partial<Applicant>; forms: Record<string, unknown>; unitCode: string | null }): Promise<DraftRow | undefined> {
  return (await db
    .updateTable('dossier_draft')
    .set((eb) => ({ applicant: JSON.stringify(patch.applicant), forms: JSON.stringify(patch.forms), unit_code: patch.unitCode, version: eb('version', '+', 1), updated_at: new Date() }))
    .where('id', '=', id)
    .where('version', '=', expected)
    .where('dossier_id', 'is', null)
    .returningAll()
    .executeTakeFirst()) as DraftRow | undefined;
}

export async function deleteDraft(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('dossier_draft').where('id', '=', id).where('dossier_id', 'is', null).execute();
}

export async function markDraftSubmitted(db: Executor, id: string, dossierId: string): Promise<void> {
  await db.updateTable('dossier_draft').set({ dossier_id: dossierId, updated_at: new Date() }).where('id', '=', id).execute();
}

export async function draftFiles(db: Executor, draftId: string): Promise<AttachedFile[]> {
  return db
    .selectFrom('dossier_draft_file as f')
    .innerJoin('file_ref as r', 'r.id', 'f.file_id')
    .select(['f.file_id', 'f.component', 'r.original_name', 'r.mime', 'r.size', 'f.added_at'])
    .where('f.draft_id', '=', draftId)
    .orderBy('f.added_at')
    .execute();
}

export async function addDraftFile(db: Executor, draftId: string, fileId: string, component: string): Promise<void> {
  await db.insertInto('dossier_draft_file').values({ draft_id: draftId, file_id: fileId, component }).onConflict((oc) => oc.doNothing()).execute();
  await db.updateTable('dossier_draft').set({ updated_at: new Date() }).where('id', '=', draftId).execute();
}

export async function removeDraftFile(db: Executor, draftId: string, fileId: string): Promise<boolean> {
  const r = await db.deleteFrom('dossier_draft_file').where('draft_id', '=', draftId).where('file_id', '=', fileId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

// ——— Codes ———

export async function codePattern(db: Executor, owner: string): Promise<{ ident: string | null; pattern: string }> {
  const rows = await db.selectFrom('dossier_code_pattern').select(['owner', 'ident', 'pattern']).where('owner', 'in', [owner, '*']).execute();
  const own = rows.find((r) => r.owner === owner);
  const def = rows.find((r) => r.owner === '*');
  return { ident: own?.ident ?? null, pattern: own?.pattern ?? def?.pattern ?? '{ma}-{yyMMdd}-{n:4}' };
}

export async function saveCodePattern(db: Executor, owner: string, ident: string | null, pattern: string): Promise<void> {
  await db
    .insertInto('dossier_code_pattern')
    .values({ owner, ident, pattern })
    .onConflict((oc) => oc.column('owner').doUpdateSet({ ident, pattern, updated_at: new Date() }))
    .execute();
}

/** The next number of the day for `owner`: one statement, committed on its own (`DbHandle.autonomous`). */
export async function nextCounter(db: Executor, owner: string, day: string): Promise<number> {
  const r = await sql<{ n: number }>`
    INSERT INTO dossier_counter (owner, day, n) VALUES (${owner}, ${day}, 1)
    ON CONFLICT (owner, day) DO UPDATE SET n = dossier_counter.n + 1
    RETURNING n`.execute(db);
  return r.rows[0]!.n;
}

/**
 * The next number of the day for `owner` with the owner's code pattern, in one statement on the
 * autonomous connection (the counter commits on its own; see `nextCounter`).
 */
export async function nextNumbered(db: Executor, owner: string, day: string): Promise<{ n: number; ident: string | null; pattern: string }> {
  const r = await sql<{ n: number; ident: string | null; pattern: string }>`
    WITH c AS (
      INSERT INTO dossier_counter (owner, day, n) VALUES (${owner}, ${day}, 1)
      ON CONFLICT (owner, day) DO UPDATE SET n = dossier_counter.n + 1
      RETURNING n)
    SELECT c.n, own.ident, coalesce(own.pattern, def.pattern, '{ma}-{yyMMdd}-{n:4}') AS pattern
      FROM c LEFT JOIN dossier_code_pattern own ON own.owner = ${owner}
             LEFT JOIN dossier_code_pattern def ON def.owner = '*'`.execute(db);
  return r.rows[0]!;
}

// ——— Dossiers ———

export type DossierInsert = Omit<DossierTable, 'supplement_count' | 'paper_result' | 'paid_online' | 'extended_to' | 'created_at' | 'applicant' | 'forms'> & { applicant: Applicant; forms: Record<string, unknown> };

export async function insertDossier(db: Executor, d: DossierInsert): Promise<void> {
  await db
    .insertInto('dossier')
    .values({ ...d, applicant: JSON.stringify(d.applicant), forms: JSON.stringify(d.forms) })
    .execute();
}

/**
 * A submission's writes in one statement: the dossier row, its files, and the draft marked
 * submitted. (Foreign keys are checked at the end of the statement, when all three are in.)
 */
export async function insertSubmitted(db: Executor, d: DossierInsert, files: { fileId: string; component: string }[], draftId: string): Promise<void> {
  const fileRows = files.length
    ? sql`, f AS (INSERT INTO dossier_file (dossier_id, file_id, component, kind)
                  SELECT ${d.id}, x.file_id, x.component, 'component' FROM unnest(${files.map((f) => f.fileId)}::uuid[], ${files.map((f) => f.component)}::text[]) AS x(file_id, component)
                  ON CONFLICT DO NOTHING)`
    : sql``;
  await sql`
    WITH ins AS (
      INSERT INTO dossier (id, code, procedure_code, procedure_version, procedure_name, agency_id, unit_path, handler_name, owner_id, applicant, channel,
                           forms, fee_total, submitted_at, received_at, due_at, finished_at, returned_at, result_file_id, rating, rating_reason, rated_at,
                           sector_code, full_online)
      VALUES (${d.id}, ${d.code}, ${d.procedure_code}, ${d.procedure_version}, ${d.procedure_name}, ${d.agency_id}, ${d.unit_path}, ${d.handler_name},
              ${d.owner_id}, ${JSON.stringify(d.applicant)}, ${d.channel}, ${JSON.stringify(d.forms)}, ${d.fee_total}, ${d.submitted_at}, ${d.received_at},
              ${d.due_at}, ${d.finished_at}, ${d.returned_at}, ${d.result_file_id}, ${d.rating}, ${d.rating_reason}, ${d.rated_at}, ${d.sector_code}, ${d.full_online}))${fileRows}
    UPDATE dossier_draft SET dossier_id = ${d.id}, updated_at = ${new Date()} WHERE id = ${draftId}`.execute(db);
}

export async function setCode(db: Executor, id: string, code: string): Promise<void> {
  await db.updateTable('dossier').set({ code }).where('id', '=', id).execute();
}

export async function addDossierFiles(db: Executor, dossierId: string, files: { fileId: string; component: string; kind: 'component' | 'supplement' | 'result' }[]): Promise<void> {
  if (!files.length) return;
  await db
    .insertInto('dossier_file')
    .values(files.map((f) => ({ dossier_id: dossierId, file_id: f.fileId, component: f.component, kind: f.kind })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function dossierFiles(db: Executor, dossierId: string): Promise<AttachedFile[]> {
  return db
    .selectFrom('dossier_file as f')
    .innerJoin('file_ref as r', 'r.id', 'f.file_id')
    .select(['f.file_id', 'f.component', 'f.kind', 'r.original_name', 'r.mime', 'r.size', 'r.sha256', 'f.added_at'])
    .where('f.dossier_id', '=', dossierId)
    .orderBy('f.added_at')
    .execute();
}

export interface DossierRow {
  id: string;
  code: string;
  procedure_code: string;
  procedure_version: number;
  procedure_name: string;
  agency_id: string | null;
  unit_path: string;
  handler_name: string;
  owner_id: string | null;
  applicant: Applicant;
  channel: 'online' | 'desk' | 'post';
  forms: Record<string, Record<string, unknown>>;
  fee_total: number;
  submitted_at: Date;
  received_at: Date | null;
  due_at: Date | null;
  finished_at: Date | null;
  returned_at: Date | null;
  supplement_count: number;
  result_file_id: string | null;
  paper_result: boolean;
  rating: 'satisfied' | 'unsatisfied' | null;
  rating_reason: string | null;
  rated_at: Date | null;
  sector_code: string;
  full_online: boolean;
  paid_online: boolean;
  extended_to: Date | null;
  state: string;
  version: number;
  assignee_id: string | null;
}

function base(db: Executor) {
  return db
    .selectFrom('dossier as d')
    .innerJoin('case_file as c', 'c.id', 'd.id')
    .selectAll('d')
    .select(['c.state', 'c.version', sql<string | null>`c.data->>'assigneeId'`.as('assignee_id')]);
}

export async function dossier(db: Executor, id: string): Promise<DossierRow | undefined> {
  return (await base(db).where('d.id', '=', id).executeTakeFirst()) as DossierRow | undefined;
}

/** A dossier with its case, action log, clocks and files, in one statement (what its page shows). */
export async function dossierBundle(db: Executor, id: string): Promise<{ row: DossierRow; caseRow: CaseRow; actions: ActionRow[]; clocks: ClockRow[]; files: AttachedFile[] } | undefined> {
  const r = await sql<DossierRow & { case_row: Record<string, unknown>; actions: Record<string, unknown>[]; clocks: Record<string, unknown>[]; files: Record<string, unknown>[] }>`
    SELECT d.*, c.state, c.version, c.data->>'assigneeId' AS assignee_id, row_to_json(c) AS case_row,
           coalesce((SELECT json_agg(row_to_json(a) ORDER BY a.seq) FROM case_action a WHERE a.case_id = d.id), '[]') AS actions,
           coalesce((SELECT json_agg(row_to_json(k) ORDER BY k.started_at, k.id) FROM case_clock k WHERE k.case_id = d.id), '[]') AS clocks,
           coalesce((SELECT json_agg(json_build_object('file_id', f.file_id, 'component', f.component, 'kind', f.kind, 'original_name', r.original_name,
                                                         'mime', r.mime, 'size', r.size, 'sha256', r.sha256, 'added_at', f.added_at) ORDER BY f.added_at)
                       FROM dossier_file f JOIN file_ref r ON r.id = f.file_id WHERE f.dossier_id = d.id), '[]') AS files
      FROM dossier d JOIN case_file c ON c.id = d.id
     WHERE d.id = ${id}`.execute(db);
  const x = r.rows[0];
  if (!x) return undefined;
  const { case_row, actions, clocks, files, ...row } = x;
  // json (not jsonb: a definition's key order is its actions' order) gives timestamps as ISO
  // strings: back to Dates, as the driver gives them.
  const dates = <T>(o: Record<string, unknown>, keys: string[]) => {
    for (const key of keys) if (typeof o[key] === 'string') o[key] = new Date(o[key] as string);
    return o as T;
  };
  return {
    row: row as DossierRow,
    caseRow: dates<CaseRow>(case_row, ['created_at', 'updated_at']),
    actions: actions.map((a) => dates<ActionRow>(a, ['at'])),
    clocks: clocks.map((c) => dates<ClockRow>(c, ['started_at', 'counting_from', 'due_at', 'warn_at', 'paused_at', 'warned_at', 'breached_at', 'stopped_at'])),
    files: files.map((f) => dates<AttachedFile>(f, ['added_at'])),
  };
}

export async function dossierByCode(db: Executor, code: string): Promise<DossierRow | undefined> {
  return (await base(db).where('d.code', '=', code).executeTakeFirst()) as DossierRow | undefined;
}

type DossierPatch = Partial<Pick<DossierTable, 'received_at' | 'due_at' | 'finished_at' | 'returned_at' | 'result_file_id' | 'rating' | 'rating_reason' | 'rated_at'>> & { paper_result?: boolean; extended_to?: Date; supplementInc?: boolean };

function update(db: Executor, id: string, patch: DossierPatch) {
  const { supplementInc, ...rest } = patch;
  return db
    .updateTable('dossier')
    .set((eb) => ({ ...rest, ...(supplementInc ? { supplement_count: eb('supplement_count', '+', 1) } : {}) }))
    .where('id', '=', id);
}

export async function updateDossier(db: Executor, id: string, patch: DossierPatch): Promise<void> {
  await update(db, id, patch).execute();
}

/** The dossier's own columns as they are after the update (no case state: that is `dossier`). */
export type DossierColumns = Omit<DossierRow, 'state' | 'version' | 'assignee_id'>;

export async function updateDossierReturning(db: Executor, id: string, patch: DossierPatch): Promise<DossierColumns> {
  return (await update(db, id, patch).returningAll().executeTakeFirstOrThrow()) as DossierColumns;
}

export interface DossierFilter {
  owner?: string;
  /** Scopes the reader covers (null: everywhere). */
  scopes?: Scope[] | null;
  states?: string[];
  /** 'overdue': open and past the appointment; 'due_soon': open and due within 2 days. */
  due?: 'overdue' | 'due_soon';
  assignee?: string;
  q?: string;
  /** Submitted in [from, to) (the register of a period). */
  from?: Date;
  to?: Date;
  /** Handled by this unit or below (unit path). */
  unitPath?: string;
  agencyId?: string;
  /**
   * The operations centre's figures (docs/operations-centre.md), over Vietnamese days [from, to]:
   * received in the period, or finished in it (received before) and among those early (a day or
   * more before the appointment), on time, or late (after the appointment).
   */
  outcome?: { kind: 'received' | 'finished' | 'early' | 'on_time' | 'late'; from: string; to: string };
  limit: number;
  offset: number;
  now: Date;
}

const vnDayOf = (col: string) => sql.raw(`((${col}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`);

function scopeWhere(eb: ExpressionBuilder<Database & { d: DossierTable }, 'd'>, scopes: Scope[]): Expression<SqlBool> {
  if (!scopes.length) return sql<SqlBool>`false`;
  return eb.or(
    scopes.map((s) => {
      const parts: Expression<SqlBool>[] = [];
      if (s.unitPath) parts.push(eb.or([eb('d.unit_path', '=', s.unitPath), eb('d.unit_path', 'like', `${s.unitPath}.%`)]));
      if (s.agencyId) parts.push(eb('d.agency_id', '=', s.agencyId));
      if (!parts.length) return sql<SqlBool>`true`;
      // Or an agency of a joint process (liên thông) that holds or held the dossier.
      const joint = sql<SqlBool>`EXISTS (SELECT 1 FROM dossier_joint_step j WHERE j.dossier_id = d.id${
        s.unitPath ? sql` AND (j.unit_path = ${s.unitPath} OR j.unit_path LIKE ${`${s.unitPath}.%`})` : sql``}${
        s.agencyId ? sql` AND j.agency_id = ${s.agencyId}` : sql``})`;
      return eb.or([eb.and(parts), joint]);
    }),
  );
}

export async function listDossiers(db: Executor, f: DossierFilter): Promise<{ rows: DossierRow[]; total: number }> {
  let q = db.selectFrom('dossier as d').innerJoin('case_file as c', 'c.id', 'd.id');
  if (f.owner) q = q.where('d.owner_id', '=', f.owner);
  if (f.scopes) {
    const scopes = f.scopes;
    q = q.where((eb) => scopeWhere(eb as never, scopes));
  }
  if (f.states?.length) q = q.where('c.state', 'in', f.states);
  if (f.from) q = q.where('d.submitted_at', '>=', f.from);
  if (f.to) q = q.where('d.submitted_at', '<', f.to);
  if (f.assignee) q = q.where(sql<string>`c.data->>'assigneeId'`, '=', f.assignee);
  if (f.unitPath) q = q.where((eb) => eb.or([eb('d.unit_path', '=', f.unitPath!), eb('d.unit_path', 'like', `${f.unitPath}.%`)]));
  if (f.agencyId) q = q.where('d.agency_id', '=', f.agencyId);
  if (f.outcome) {
    const o = f.outcome;
    if (o.kind === 'received') {
      q = q.where(sql<boolean>`d.received_at IS NOT NULL AND ${vnDayOf('d.received_at')} BETWEEN ${o.from}::date AND ${o.to}::date`);
    } else {
      q = q.where(sql<boolean>`d.received_at IS NOT NULL AND d.finished_at IS NOT NULL AND ${vnDayOf('d.finished_at')} BETWEEN ${o.from}::date AND ${o.to}::date`);
      if (o.kind === 'late') q = q.where(sql<boolean>`d.due_at IS NOT NULL AND d.finished_at > d.due_at`);
      if (o.kind === 'early') q = q.where(sql<boolean>`d.due_at IS NOT NULL AND d.finished_at <= d.due_at AND ${vnDayOf('d.finished_at')} < ${vnDayOf('d.due_at')}`);
      if (o.kind === 'on_time') q = q.where(sql<boolean>`(d.due_at IS NULL OR (d.finished_at <= d.due_at AND ${vnDayOf('d.finished_at')} >= ${vnDayOf('d.due_at')}))`);
    }
  }
  if (f.due) {
    q = q.where('d.finished_at', 'is', null).where('d.due_at', 'is not', null);
    q = f.due === 'overdue' ? q.where('d.due_at', '<', f.now) : q.where('d.due_at', '>=', f.now).where('d.due_at', '<', new Date(f.now.getTime() + 2 * 86_400_000));
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('d.code', 'ilike', like), eb(sql`f_unaccent(d.procedure_name || ' ' || (d.applicant->>'name'))`, 'like', sql`f_unaccent(${like})`)]));
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll('d')
      .select(['c.state', 'c.version', sql<string | null>`c.data->>'assigneeId'`.as('assignee_id')])
      .orderBy(f.due ? 'd.due_at' : 'd.submitted_at', f.due ? 'asc' : 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as DossierRow[], total: count.n };
}

// ——— The 766 index: rollups kept in the dossier's transaction ———

export interface RollupKey {
  day: string;
  unitPath: string;
  agencyKey: string;
  sector: string;
}

/**
 * The stripe a session adds to (migration 0096): concurrent transactions on other connections
 * update other rows of the same office and day instead of queuing on one row lock until commit.
 */
const STRIPE = sql<number>`(pg_backend_pid() % 16)::smallint`;

export async function bumpRollup(db: Executor, key: RollupKey, inc: Partial<Record<RollupCounter, number>>): Promise<void> {
  await bumpCounts(db, [{ key, inc }], []);
}

/**
 * Adds to the daily and monthly rollups and to the open-by-appointment-day counts in one
 * statement. Rows are written in key order, so two transactions never take them in opposite orders.
 */
export async function bumpCounts(
  db: Executor,
  rollups: { key: RollupKey; inc: Partial<Record<RollupCounter, number>> }[],
  openDue: { dueDay: string; unitPath: string; agencyKey: string; n: number }[],
): Promise<void> {
  const days = new Map<string, { key: RollupKey; inc: Record<RollupCounter, number> }>();
  const months = new Map<string, { key: RollupKey; inc: Record<RollupCounter, number> }>();
  const add = (m: typeof days, k: string, key: RollupKey, inc: Partial<Record<RollupCounter, number>>) => {
    let e = m.get(k);
    if (!e) m.set(k, (e = { key, inc: Object.fromEntries(ROLLUP_COUNTERS.map((c) => [c, 0])) as Record<RollupCounter, number> }));
    for (const c of ROLLUP_COUNTERS) e.inc[c] += inc[c] ?? 0;
  };
  for (const r of rollups) {
    if (!ROLLUP_COUNTERS.some((c) => r.inc[c])) continue;
    const month = `${r.key.day.slice(0, 7)}-01`;
    add(days, JSON.stringify([r.key.day, r.key.unitPath, r.key.agencyKey, r.key.sector]), r.key, r.inc);
    add(months, JSON.stringify([month, r.key.unitPath, r.key.agencyKey]), { ...r.key, day: month }, r.inc);
  }
  const due = new Map<string, { dueDay: string; unitPath: string; agencyKey: string; n: number }>();
  for (const o of openDue) {
    const k = JSON.stringify([o.dueDay, o.unitPath, o.agencyKey]);
    const e = due.get(k);
    if (e) e.n += o.n;
    else due.set(k, { ...o });
  }
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const parts: ReturnType<typeof sql>[] = [];
  const cols = sql.join(ROLLUP_COUNTERS.map((c) => sql.ref(c)));
  const addAll = (t: string) => sql.join(ROLLUP_COUNTERS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${t}.${c}`)} + excluded.${sql.ref(c)}`));
  const vals = (inc: Record<RollupCounter, number>) => sql.join(ROLLUP_COUNTERS.map((c) => sql`${inc[c]}::bigint`));
  const dueRows = sorted(due).filter((o) => o.n !== 0);
  if (dueRows.length) {
    parts.push(sql`INSERT INTO dossier_open_by_due (due_day, unit_path, agency_key, stripe, n)
      VALUES ${sql.join(dueRows.map((o) => sql`(${o.dueDay}::date, ${o.unitPath}, ${o.agencyKey}, ${STRIPE}, ${o.n})`))}
      ON CONFLICT (due_day, unit_path, agency_key, stripe) DO UPDATE SET n = dossier_open_by_due.n + excluded.n`);
  }
  const dayRows = sorted(days);
  if (dayRows.length) {
    parts.push(sql`INSERT INTO dossier_rollup (day, unit_path, agency_key, sector_code, stripe, ${cols})
      VALUES ${sql.join(dayRows.map((r) => sql`(${r.key.day}::date, ${r.key.unitPath}, ${r.key.agencyKey}, ${r.key.sector}, ${STRIPE}, ${vals(r.inc)})`))}
      ON CONFLICT (day, unit_path, agency_key, sector_code, stripe) DO UPDATE SET ${addAll('dossier_rollup')}`);
    parts.push(sql`INSERT INTO dossier_rollup_month (month, unit_path, agency_key, stripe, ${cols})
      VALUES ${sql.join(sorted(months).map((r) => sql`(${r.key.day}::date, ${r.key.unitPath}, ${r.key.agencyKey}, ${STRIPE}, ${vals(r.inc)})`))}
      ON CONFLICT (month, unit_path, agency_key, stripe) DO UPDATE SET ${addAll('dossier_rollup_month')}`);
  }
  if (!parts.length) return;
  // Data-modifying CTEs, all run to completion in the one statement.
  const last = parts.pop()!;
  if (!parts.length) await last.execute(db);
  else await sql`WITH ${sql.join(parts.map((p, i) => sql`${sql.raw(`w${i}`)} AS (${p})`))} ${last}`.execute(db);
}

export interface IndexScope {
  unitPath?: string;
  agencyId?: string;
  sector?: string;
}

export type RollupSums = Record<RollupCounter, number>;
type HandlerSums = RollupSums & { unit_path: string; agency_key: string };

const sums = ROLLUP_COUNTERS.map((c) => sql<number>`sum(${sql.ref(c)})::float8`.as(c));

async function daySums(db: Executor, ranges: [string, string][], s: IndexScope): Promise<HandlerSums[]> {
  if (!ranges.length) return [];
  let q = db.selectFrom('dossier_rollup').where((eb) => eb.or(ranges.map(([a, b]) => eb.and([eb('day', '>=', a), eb('day', '<=', b)]))));
  if (s.unitPath) q = q.where((eb) => eb.or([eb('unit_path', '=', s.unitPath!), eb('unit_path', 'like', `${s.unitPath}.%`)]));
  if (s.agencyId) q = q.where('agency_key', '=', s.agencyId);
  if (s.sector) q = q.where('sector_code', '=', s.sector);
  return (await q.select(['unit_path', 'agency_key', ...sums]).groupBy(['unit_path', 'agency_key']).execute()) as unknown as HandlerSums[];
}

async function monthSums(db: Executor, from: string, to: string, s: IndexScope): Promise<HandlerSums[]> {
  let q = db.selectFrom('dossier_rollup_month').where('month', '>=', from).where('month', '<=', to);
  if (s.unitPath) q = q.where((eb) => eb.or([eb('unit_path', '=', s.unitPath!), eb('unit_path', 'like', `${s.unitPath}.%`)]));
  if (s.agencyId) q = q.where('agency_key', '=', s.agencyId);
  return (await q.select(['unit_path', 'agency_key', ...sums]).groupBy(['unit_path', 'agency_key']).execute()) as unknown as HandlerSums[];
}

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;
const monthEnd = (day: string) => addDays(`${new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 1)).toISOString().slice(0, 10)}`, -1);

/**
 * Sums of the rollups over days [from, to] within a scope, per handling unit
 * and agency: whole months from the monthly rollup, the partial months at the
 * edges (and any sector filter) from the daily one.
 */
export async function rollupSums(db: Executor, from: string, to: string, s: IndexScope): Promise<HandlerSums[]> {
  if (s.sector) return daySums(db, [[from, to]], s);
  const firstWhole = from === monthStart(from) ? from : addDays(monthEnd(from), 1);
  const lastWholeEnd = to === monthEnd(to) ? to : addDays(monthStart(to), -1);
  if (firstWhole > lastWholeEnd) return daySums(db, [[from, to]], s);
  const edges: [string, string][] = [];
  if (from < firstWhole) edges.push([from, addDays(firstWhole, -1)]);
  if (lastWholeEnd < to) edges.push([addDays(lastWholeEnd, 1), to]);
  const [months, days] = await Promise.all([monthSums(db, firstWhole, monthStart(lastWholeEnd), s), daySums(db, edges, s)]);
  return [...months, ...days];
}

/** Moves an open dossier in or out of the count of open dossiers by appointment day. */
export async function bumpOpenDue(db: Executor, dueDay: string, unitPath: string, agencyKey: string, n: 1 | -1): Promise<void> {
  await bumpCounts(db, [], [{ dueDay, unitPath, agencyKey, n }]);
}

/**
 * Dossiers received by `end`, open then and past their appointment, not
 * waiting for the applicant (judged late at the period's end), per handler.
 * A period ending now reads the open-by-appointment-day counts (days before
 * today) and today's few dossiers; a past period or a sector filter counts rows.
 */
export async function openOverdueAt(db: Executor, end: Date, today: string, todayStart: Date, s: IndexScope): Promise<{ unit_path: string; agency_key: string; n: number }[]> {
  const current = end.getTime() >= Date.now() - 1000;
  const direct = (from: Date | null) => {
    let q = db
      .selectFrom('dossier as d')
      .innerJoin('case_file as c', 'c.id', 'd.id')
      .where('c.state', '<>', 'supplementing')
      .where('d.due_at', '<', end)
      .where('d.received_at', '<=', end);
    if (from) q = q.where('d.due_at', '>=', from);
    q = current ? q.where('d.finished_at', 'is', null) : q.where((eb) => eb.or([eb('d.finished_at', 'is', null), eb('d.finished_at', '>', end)]));
    if (s.unitPath) q = q.where((eb) => eb.or([eb('d.unit_path', '=', s.unitPath!), eb('d.unit_path', 'like', `${s.unitPath}.%`)]));
    if (s.agencyId) q = q.where('d.agency_id', '=', s.agencyId);
    if (s.sector) q = q.where('d.sector_code', '=', s.sector);
    return q
      .select(['d.unit_path', sql<string>`coalesce(d.agency_id::text, '')`.as('agency_key'), sql<number>`count(*)::int`.as('n')])
      .groupBy(['d.unit_path', 'd.agency_id'])
      .execute();
  };
  if (!current || s.sector) return direct(null);
  let q = db.selectFrom('dossier_open_by_due').where('due_day', '<', today).where('n', '<>', 0);
  if (s.unitPath) q = q.where((eb) => eb.or([eb('unit_path', '=', s.unitPath!), eb('unit_path', 'like', `${s.unitPath}.%`)]));
  if (s.agencyId) q = q.where('agency_key', '=', s.agencyId);
  const [before, todays] = await Promise.all([
    q.select(['unit_path', 'agency_key', sql<number>`sum(n)::int`.as('n')]).groupBy(['unit_path', 'agency_key']).execute(),
    direct(todayStart),
  ]);
  return [...before, ...todays];
}

/** Catalogue facts for the online-service and payment groups: procedures, fully online, fee-bearing. */
export async function catalogueCounts(db: Executor): Promise<{ total: number; full_online: number; fee_bearing: number }> {
  const r = await sql<{ total: number; full_online: number; fee_bearing: number }>`
    SELECT count(*)::int AS total,
           count(*) FILTER (WHERE p.online_level = 'full')::int AS full_online,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM json_array_elements(v.data->'fees') f WHERE (f->>'amount')::bigint > 0))::int AS fee_bearing
    FROM procedure p JOIN procedure_version v ON v.procedure_id = p.id AND v.version = p.current_version
    WHERE p.active`.execute(db);
  return r.rows[0]!;
}
