import { type Generated, type RawBuilder, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import type { DatasetField, Row } from './datasets.js';

/** SQL of the open-data catalogue: dataset metadata, snapshots, runs. */

interface OpenDatasetTable {
  id: string;
  title: string;
  title_en: string;
  notes: string;
  notes_en: string;
  licence_id: string;
  frequency: string;
  publisher: string;
  tags: string[];
  fields: unknown;
  row_count: Generated<number>;
  digest: string | null;
  created_at: Generated<Date>;
  modified_at: Generated<Date>;
  generated_at: Date | null;
  search_text: unknown;
}
interface OpenDatasetRowTable {
  dataset_id: string;
  row_no: number;
  data: unknown;
  search_text: string;
}
interface OpenDatasetRunTable {
  id: Generated<number>;
  trigger: 'schedule' | 'manual';
  status: Generated<'queued' | 'running' | 'done' | 'failed'>;
  total: Generated<number>;
  done: Generated<number>;
  current: string | null;
  changed: Generated<string[]>;
  errors: Generated<unknown>;
  created_by: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    open_dataset: OpenDatasetTable;
    open_dataset_row: OpenDatasetRowTable;
    open_dataset_run: OpenDatasetRunTable;
  }
}

export interface DatasetRow {
  id: string;
  title: string;
  title_en: string;
  notes: string;
  notes_en: string;
  licence_id: string;
  frequency: string;
  publisher: string;
  tags: string[];
  fields: DatasetField[];
  row_count: number;
  digest: string | null;
  created_at: Date;
  modified_at: Date;
  generated_at: Date | null;
}

const COLS = ['id', 'title', 'title_en', 'notes', 'notes_en', 'licence_id', 'frequency', 'publisher', 'tags', 'fields', 'row_count', 'digest', 'created_at', 'modified_at', 'generated_at'] as const;

export async function dataset(db: Executor, id: string, lock = false): Promise<DatasetRow | undefined> {
  let q = db.selectFrom('open_dataset').select(COLS).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as DatasetRow | undefined;
}

export async function datasets(db: Executor): Promise<DatasetRow[]> {
  return (await db.selectFrom('open_dataset').select(COLS).orderBy('id').execute()) as DatasetRow[];
}

export async function upsertMetadata(db: Executor, d: Omit<DatasetRow, 'row_count' | 'digest' | 'created_at' | 'modified_at' | 'generated_at'>): Promise<void> {
  const search = sql`f_unaccent(${[d.id, d.title, d.title_en, d.notes, ...d.tags].join(' ')})`;
  const values = { ...d, fields: JSON.stringify(d.fields), search_text: search };
  await db
    .insertInto('open_dataset')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet({ title: d.title, title_en: d.title_en, notes: d.notes, notes_en: d.notes_en, licence_id: d.licence_id, frequency: d.frequency, publisher: d.publisher, tags: d.tags, fields: values.fields, search_text: search }))
    .execute();
}

/** Replaces a dataset's snapshot (in the caller's transaction). */
export async function replaceRows(db: Executor, id: string, rows: Row[], searchOf: (r: Row) => string): Promise<void> {
  await db.deleteFrom('open_dataset_row').where('dataset_id', '=', id).execute();
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000).map((r, j) => ({ dataset_id: id, row_no: i + j + 1, data: r, search_text: searchOf(r) }));
    await sql`INSERT INTO open_dataset_row (dataset_id, row_no, data, search_text)
      SELECT b.dataset_id, b.row_no, b.data, f_unaccent(b.search_text)
        FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS b(dataset_id text, row_no int, data jsonb, search_text text)`.execute(db);
  }
}

export async function markGenerated(db: Executor, id: string, p: { rowCount: number; digest: string; changed: boolean }): Promise<void> {
  await db
    .updateTable('open_dataset')
    .set({ row_count: p.rowCount, digest: p.digest, generated_at: new Date(), ...(p.changed ? { modified_at: new Date() } : {}) })
    .where('id', '=', id)
    .execute();
}

// ——— Catalogue search (CKAN package_search) ———

export interface PackageFilter {
  words: string[];
  /** Field → accepted values (OR within a field, AND across fields). */
  fq: { organization?: string[]; tags?: string[]; license_id?: string[]; res_format?: string[]; frequency?: string[]; names?: string[] };
  sort: { column: 'score' | 'modified_at' | 'id' | 'title' | 'created_at'; dir: 'asc' | 'desc' }[];
  rows: number;
  start: number;
}

/** A word matches the start of a word of the accent-free text ("ho so" finds "Hồ sơ", not "phố"). */
const regexEscape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const wordMatch = (column: RawBuilder<unknown> | ReturnType<typeof sql.ref>, w: string) => sql`${column} ~ ('\\m' || f_unaccent(${regexEscape(w)}))`;

function packageWhere(f: PackageFilter) {
  const conds = [sql`true`];
  for (const w of f.words) conds.push(wordMatch(sql.ref('d.search_text'), w));
  if (f.fq.organization) conds.push(sql`lower(d.publisher) = ANY(${f.fq.organization.map((o) => o.toLowerCase())})`);
  if (f.fq.tags) for (const t of f.fq.tags) conds.push(sql`${t} = ANY(d.tags)`);
  if (f.fq.names) conds.push(sql`d.id = ANY(${f.fq.names})`);
  if (f.fq.license_id) conds.push(sql`d.licence_id = ANY(${f.fq.license_id})`);
  if (f.fq.frequency) conds.push(sql`d.frequency = ANY(${f.fq.frequency})`);
  // Every dataset offers CSV and JSON.
  if (f.fq.res_format && !f.fq.res_format.some((x) => ['CSV', 'JSON'].includes(x.toUpperCase()))) conds.push(sql`false`);
  return sql.join(conds, sql` AND `);
}

export async function searchPackages(db: Executor, f: PackageFilter): Promise<{ rows: DatasetRow[]; count: number }> {
  const where = packageWhere(f);
  const order = sql.join(
    [
      ...f.sort.filter((s) => s.column !== 'score' || f.words.length).map((s) => {
        // Relevance: how many of the words begin a word of the title (the title weighs most in CKAN's default ranking).
        const col = s.column === 'score'
          ? sql`(${sql.join(f.words.map((w) => sql`(${wordMatch(sql`f_unaccent(d.title)`, w)})::int`), sql` + `)})`
          : sql.ref(`d.${s.column}`);
        return sql`${col} ${sql.raw(s.dir === 'asc' ? 'ASC' : 'DESC')}`;
      }),
      sql`d.id ASC`,
    ],
    sql`, `,
  );
  const r = await sql<DatasetRow & { total: number }>`
    SELECT ${sql.join(COLS.map((c) => sql.ref(`d.${c}`)))}, count(*) OVER ()::int AS total
      FROM open_dataset d WHERE ${where} ORDER BY ${order} LIMIT ${f.rows} OFFSET ${f.start}`.execute(db);
  let count = r.rows[0]?.total;
  if (count === undefined) count = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM open_dataset d WHERE ${where}`.execute(db)).rows[0]!.n;
  return { rows: r.rows, count };
}

/** Facet counts over the matching datasets. */
export async function packageFacets(db: Executor, f: PackageFilter, field: 'organization' | 'tags' | 'license_id' | 'frequency'): Promise<{ value: string; n: number }[]> {
  const where = packageWhere(f);
  const expr = { organization: sql`lower(d.publisher)`, tags: sql`unnest(d.tags)`, license_id: sql`d.licence_id`, frequency: sql`d.frequency` }[field];
  const r = await sql<{ value: string; n: number }>`
    SELECT v.value, count(*)::int AS n FROM (SELECT ${expr} AS value FROM open_dataset d WHERE ${where}) v
     GROUP BY v.value ORDER BY n DESC, v.value LIMIT 100`.execute(db);
  return r.rows;
}

// ——— Datastore (CKAN datastore_search) ———

export interface RowQuery {
  datasetId: string;
  fields: DatasetField[];
  /** Field → accepted values (already typed by the field's type). */
  filters: Record<string, Cell[]>;
  q?: string;
  sort: { field: string; dir: 'asc' | 'desc' }[];
  limit: number;
  offset: number;
  total: boolean;
}

type Cell = string | number | null;

function sortExpr(f: DatasetField) {
  return f.type === 'int' || f.type === 'numeric' ? sql`(r.data->>${f.id})::numeric` : sql`(r.data->>${f.id})`;
}

export async function searchRows(db: Executor, q: RowQuery): Promise<{ records: (Row & { _id: number })[]; total: number | null }> {
  const conds = [sql`r.dataset_id = ${q.datasetId}`];
  for (const [field, values] of Object.entries(q.filters)) {
    // Containment (data @> {"field": value}) uses the GIN index; several values are alternatives.
    conds.push(sql`(${sql.join(values.map((v) => sql`r.data @> ${JSON.stringify({ [field]: v })}::jsonb`), sql` OR `)})`);
  }
  if (q.q) for (const w of q.q.split(/\s+/).filter(Boolean).slice(0, 12)) conds.push(wordMatch(sql.ref('r.search_text'), w));
  const where = sql.join(conds, sql` AND `);
  const byId = new Map(q.fields.map((f) => [f.id, f]));
  const order = sql.join(
    [...q.sort.map((s) => (s.field === '_id' ? sql`r.row_no ${sql.raw(s.dir.toUpperCase())}` : sql`${sortExpr(byId.get(s.field)!)} ${sql.raw(s.dir === 'asc' ? 'ASC NULLS FIRST' : 'DESC NULLS LAST')}`)), sql`r.row_no`],
    sql`, `,
  );
  // With the total, one pass: the count rides along as a window over the matches, so the heap is read once, not twice.
  const rows = await sql<{ row_no: number; data: Row; total?: number }>`
    SELECT r.row_no, r.data${q.total ? sql`, count(*) OVER ()::int AS total` : sql``}
      FROM open_dataset_row r WHERE ${where} ORDER BY ${order} LIMIT ${q.limit} OFFSET ${q.offset}`.execute(db);
  let total: number | null = null;
  if (q.total) {
    total = rows.rows[0]?.total
      ?? (q.offset === 0 && q.limit > 0 ? 0 : (await sql<{ n: number }>`SELECT count(*)::int AS n FROM open_dataset_row r WHERE ${where}`.execute(db)).rows[0]!.n);
  }
  return { records: rows.rows.map((r) => ({ _id: r.row_no, ...r.data })), total };
}

/** Every row of a snapshot in order, in pages (downloads). */
export async function* allRows(db: Executor, id: string, page = 5000): AsyncGenerator<Row[]> {
  let after = 0;
  for (;;) {
    const r = await db.selectFrom('open_dataset_row').select(['row_no', 'data']).where('dataset_id', '=', id).where('row_no', '>', after).orderBy('row_no').limit(page).execute();
    if (!r.length) return;
    yield r.map((x) => x.data as Row);
    after = r[r.length - 1]!.row_no;
  }
}

/** Values of `value` summed by `label`, largest first (the page's chart). */
export async function chartSums(db: Executor, id: string, label: string, value: string | undefined, limit = 15): Promise<{ label: string; value: number }[]> {
  const r = await sql<{ label: string; value: number }>`
    SELECT coalesce(data->>${label}, '') AS label, ${value === undefined ? sql`count(*)` : sql`sum((data->>${value})::numeric)`}::float8 AS value
      FROM open_dataset_row WHERE dataset_id = ${id} GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT ${limit}`.execute(db);
  return r.rows;
}

// ——— Runs ———

export interface RunRow {
  id: number;
  trigger: 'schedule' | 'manual';
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  current: string | null;
  changed: string[];
  errors: { dataset: string; message: string }[];
  created_by: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export async function insertRun(db: Executor, trigger: 'schedule' | 'manual', createdBy: string | null): Promise<number> {
  const r = await db.insertInto('open_dataset_run').values({ trigger, created_by: createdBy }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function run(db: Executor, id: number): Promise<RunRow | undefined> {
  return (await db.selectFrom('open_dataset_run').selectAll().where('id', '=', id).executeTakeFirst()) as RunRow | undefined;
}

export async function runs(db: Executor, limit: number): Promise<RunRow[]> {
  return (await db.selectFrom('open_dataset_run').selectAll().orderBy('id', 'desc').limit(limit).execute()) as RunRow[];
}

export async function updateRun(db: Executor, id: number, patch: Partial<{ status: RunRow['status']; total: number; done: number; current: string | null; changed: string[]; errors: RunRow['errors']; started_at: Date; finished_at: Date }>): Promise<void> {
  const set = { ...patch, ...(patch.errors !== undefined ? { errors: JSON.stringify(patch.errors) } : {}) };
  await db.updateTable('open_dataset_run').set(set).where('id', '=', id).execute();
}
