import { type Generated, type RawBuilder, sql } from 'kysely';
import { createHash } from 'node:crypto';
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
  store_table: string | null;
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
  store_table: string | null;
}

const COLS = ['id', 'title', 'title_en', 'notes', 'notes_en', 'licence_id', 'frequency', 'publisher', 'tags', 'fields', 'row_count', 'digest', 'created_at', 'modified_at', 'generated_at', 'store_table'] as const;

export async function dataset(db: Executor, id: string, lock = false): Promise<DatasetRow | undefined> {
  let q = db.selectFrom('open_dataset').select(COLS).where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as DatasetRow | undefined;
}

export async function datasets(db: Executor): Promise<DatasetRow[]> {
  return (await db.selectFrom('open_dataset').select(COLS).orderBy('id').execute()) as DatasetRow[];
}

export async function upsertMetadata(db: Executor, d: Omit<DatasetRow, 'row_count' | 'digest' | 'created_at' | 'modified_at' | 'generated_at' | 'store_table'>): Promise<void> {
  const search = sql`f_unaccent(${[d.id, d.title, d.title_en, d.notes, ...d.tags].join(' ')})`;
  const values = { ...d, fields: JSON.stringify(d.fields), search_text: search };
  await db
    .insertInto('open_dataset')
    .values(values)
    .onConflict((oc) => oc.column('id').doUpdateSet({ title: d.title, title_en: d.title_en, notes: d.notes, notes_en: d.notes_en, licence_id: d.licence_id, frequency: d.frequency, publisher: d.publisher, tags: d.tags, fields: values.fields, search_text: search }))
    .execute();
}

// ——— Snapshots: one table per dataset in the schema open_data_store ———

const STORE = 'open_data_store';
const storeRef = (table: string) => sql.table(`${STORE}.${table}`);
const COLUMN_TYPE = { text: 'text', int: 'bigint', numeric: 'numeric', date: 'text' } as const;

/** The accent-free text of a row, for datastore_search's q: the same expression in the index and in the query. */
const fullText = (fields: DatasetField[], alias?: string) =>
  sql`f_unaccent(${sql.join(fields.map((f) => sql`coalesce(${alias ? sql.ref(`${alias}.${f.id}`) : sql.id(f.id)}::text, '')`), sql` || ' ' || `)})`;

/**
 * Replaces a dataset's snapshot (in the caller's transaction): a new table with
 * typed columns, an index on (column, _id) per column and a trigram index on
 * the accent-free text of the row (an expression: the text is not stored, which
 * keeps the heap small enough to stay in memory), then the metadata points at it and the old one is
 * dropped. Dates are kept as ISO text (they sort the same, and read back as
 * they were written). Returns the new table's name.
 */
export async function replaceRows(db: Executor, id: string, fields: DatasetField[], rows: Row[]): Promise<string> {
  const old = (await db.selectFrom('open_dataset').select('store_table').where('id', '=', id).executeTakeFirst())?.store_table ?? null;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 16);
  let table = `s_${hash}_${Date.now().toString(36)}`;
  if (table === old) table = `${table}x`;
  const cols = fields.map((f) => sql`${sql.id(f.id)} ${sql.raw(COLUMN_TYPE[f.type])}`);
  await sql`CREATE TABLE ${storeRef(table)} (_id int PRIMARY KEY, ${sql.join(cols)})`.execute(db);
  const names = sql.join(fields.map((f) => sql.id(f.id)));
  const recordCols = sql.join(fields.map((f) => sql`${sql.id(f.id)} ${sql.raw(COLUMN_TYPE[f.type])}`));
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000).map((r, j) => ({ ...r, _id: i + j + 1 }));
    await sql`INSERT INTO ${storeRef(table)} (_id, ${names})
      SELECT b._id, ${sql.join(fields.map((f) => sql`b.${sql.id(f.id)}`))}
        FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS b(_id int, ${recordCols})`.execute(db);
  }
  await indexStore(db, table, fields);
  await db.updateTable('open_dataset').set({ store_table: table }).where('id', '=', id).execute();
  if (old) await sql`DROP TABLE IF EXISTS ${storeRef(old)}`.execute(db);
  return table;
}

/** The indexes of a snapshot table, and its statistics (the planner's estimates and `total_was_estimated` use them). */
export async function indexStore(db: Executor, table: string, fields: DatasetField[]): Promise<void> {
  for (const f of fields) await sql`CREATE INDEX ON ${storeRef(table)} (${sql.id(f.id)}, _id)`.execute(db);
  await sql`CREATE INDEX ON ${storeRef(table)} USING gin ((${fullText(fields)}) gin_trgm_ops)`.execute(db);
  await sql`ANALYZE ${storeRef(table)}`.execute(db);
}

/**
 * After the generation's commit: VACUUM sets the visibility map of the new
 * table, so counts and `_id` pages are answered from the indexes alone
 * (index-only scans) instead of visiting the heap. Outside any transaction.
 */
export async function vacuumStore(db: Executor, table: string): Promise<void> {
  await sql`VACUUM (ANALYZE) ${storeRef(table)}`.execute(db);
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
  /** The dataset's snapshot table (open_dataset.store_table). */
  table: string;
  fields: DatasetField[];
  /** Field → accepted values (already typed by the field's type; null matches an empty cell). */
  filters: Record<string, Cell[]>;
  q?: string;
  sort: { field: string; dir: 'asc' | 'desc' }[];
  limit: number;
  offset: number;
}

type Cell = string | number | null;

function rowWhere(q: Pick<RowQuery, 'fields' | 'filters' | 'q'>) {
  const byId = new Map(q.fields.map((f) => [f.id, f]));
  const conds = [sql`true`];
  for (const [field, values] of Object.entries(q.filters)) {
    const f = byId.get(field)!;
    const col = sql`r.${sql.id(field)}`;
    const present = values.filter((v) => v !== null);
    const alts = [];
    // One equality, or = ANY of a typed array: both use the (column, _id) index.
    if (present.length === 1) alts.push(sql`${col} = ${present[0]}::${sql.raw(COLUMN_TYPE[f.type])}`);
    else if (present.length) alts.push(sql`${col} = ANY(${present.map((v) => String(v))}::${sql.raw(COLUMN_TYPE[f.type])}[])`);
    if (present.length !== values.length) alts.push(sql`${col} IS NULL`);
    conds.push(alts.length === 1 ? alts[0]! : sql`(${sql.join(alts, sql` OR `)})`);
  }
  if (q.q) for (const w of q.q.split(/\s+/).filter(Boolean).slice(0, 12)) conds.push(wordMatch(fullText(q.fields, 'r'), w));
  return sql.join(conds, sql` AND `);
}

/**
 * One page of rows. PostgreSQL's own null order (as CKAN, which hands the sort
 * to PostgreSQL), and `_id` last in the direction of the last key, so every
 * order is one an index can give. The page's ids are chosen first from the
 * indexes alone (a deep offset skips index entries, not rows), then only those
 * rows are read.
 */
export async function searchRows(db: Executor, q: RowQuery): Promise<(Row & { _id: number })[]> {
  const where = rowWhere(q);
  const keys = q.sort.some((s) => s.field === '_id') ? q.sort : [...q.sort, { field: '_id', dir: q.sort[q.sort.length - 1]?.dir ?? 'asc' }];
  const order = (alias: string) => sql.join(keys.map((s) => sql`${sql.ref(`${alias}.${s.field}`)} ${sql.raw(s.dir === 'asc' ? 'ASC' : 'DESC')}`), sql`, `);
  const t = storeRef(q.table);
  const r = await sql<{ data: Row & { _id: number } }>`
    SELECT to_jsonb(p) AS data
      FROM (SELECT r._id FROM ${t} r WHERE ${where} ORDER BY ${order('r')} LIMIT ${q.limit} OFFSET ${q.offset}) page
      JOIN ${t} p ON p._id = page._id
     ORDER BY ${order('p')}`.execute(db);
  return r.rows.map((x) => x.data);
}

/** The number of matching rows, exact (from the indexes when the table is vacuumed). */
export async function countRows(db: Executor, q: Pick<RowQuery, 'table' | 'fields' | 'filters' | 'q'>): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${storeRef(q.table)} r WHERE ${rowWhere(q)}`.execute(db);
  return r.rows[0]!.n;
}

/** The planner's estimate of the matching rows (from the table's statistics; no row is read). */
export async function estimateRows(db: Executor, q: Pick<RowQuery, 'table' | 'fields' | 'filters' | 'q'>): Promise<number> {
  const r = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${storeRef(q.table)} r WHERE ${rowWhere(q)}`.execute(db);
  return Math.round(r.rows[0]!['QUERY PLAN'][0].Plan['Plan Rows']);
}

/** Every row of a snapshot in order, in pages (downloads). */
export async function* allRows(db: Executor, table: string | null, page = 5000): AsyncGenerator<Row[]> {
  if (!table) return;
  let after = 0;
  for (;;) {
    const r = await sql<{ data: Row & { _id: number } }>`
      SELECT to_jsonb(r) AS data FROM ${storeRef(table)} r WHERE r._id > ${after} ORDER BY r._id LIMIT ${page}`.execute(db);
    if (!r.rows.length) return;
    yield r.rows.map((x) => { const { _id: _, ...rest } = x.data; return rest; });
    after = r.rows[r.rows.length - 1]!.data._id;
  }
}

/** Values of `value` summed by `label`, largest first (the page's chart). */
export async function chartSums(db: Executor, table: string | null, label: string, value: string | undefined, limit = 15): Promise<{ label: string; value: number }[]> {
  if (!table) return [];
  const r = await sql<{ label: string; value: number }>`
    SELECT coalesce(r.${sql.id(label)}::text, '') AS label, ${value === undefined ? sql`count(*)` : sql`sum(r.${sql.id(value)})`}::float8 AS value
      FROM ${storeRef(table)} r GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT ${limit}`.execute(db);
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
