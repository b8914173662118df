import { type RawBuilder, sql } from 'kysely';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import type { Scope } from '../../kernel/http/access.js';
import type { Direction, DocumentRow } from './document.repo.js';

/**
 * Searching and listing documents (SQL only). Accent-insensitive full text over
 * the metadata and the PDF's text (tsvector of 0061, 'simple' over f_unaccent,
 * GIN), and a trigram match on the number/symbol when the words look like one.
 *
 * Built to stay fast at hundreds of thousands of documents
 * (bench/doc-search.bench.ts, migration 0066):
 * - the search row carries the document's time, agency, unit and direction,
 *   so scope and span are checked without the document;
 * - the first page is ranked within a bounded window: the SEARCH_WINDOW newest
 *   matches of the last 30 days, else of 120 days, else of the last year, else of all time — each
 *   span one scan of the GIN index over (search, created_day) (0068/0069), which skips
 *   to the span's rows in a common word's posting list, reading only its matches —
 *   ranked on the metadata (weight A: number, summary, issuer, signer), then
 *   the newest. A rare word's matches are all ranked;
 * - the total is exact for a word whose matches all fit the window, otherwise
 *   "at least" the span's matches, capped at COUNT_CAP (`totalCapped`: "1000+").
 */

export const SEARCH_WINDOW = 300;
export const COUNT_CAP = 1000;

export interface ListFilter {
  /** Scopes the actor reads (null: everywhere). */
  scopes: Scope[] | null;
  /** Or documents the account handles (read even outside the scopes). */
  handlerId?: string;
  onlyHandled?: boolean;
  direction?: Direction;
  states?: string[];
  q?: string;
  year?: number;
  limit: number;
  offset: number;
}

export type ListRow = DocumentRow & { lead_name: string | null };

/** The reader's scope over `document d` or over `document_search s` (which carries the document's agency and unit, 0066). */
function scopeWhere(scopes: Scope[] | null, handlerId: string | undefined, t: 'd' | 's' = 'd'): RawBuilder<boolean> {
  if (scopes === null) return sql<boolean>`true`;
  const [unit, agency, id] = t === 'd' ? [sql.ref('d.unit_path'), sql.ref('d.agency_id'), sql.ref('d.id')] : [sql.ref('s.unit_path'), sql.ref('s.agency_id'), sql.ref('s.document_id')];
  const parts = scopes.map((x) =>
    sql<boolean>`((${x.unitPath ?? null}::text IS NULL OR ${unit} = ${x.unitPath ?? null} OR ${unit} LIKE ${(x.unitPath ?? '') + '.%'})
                 AND (${x.agencyId ?? null}::uuid IS NULL OR ${agency} = ${x.agencyId ?? null}))`,
  );
  if (handlerId) parts.push(sql<boolean>`EXISTS (SELECT 1 FROM document_handler h WHERE h.document_id = ${id} AND h.account_id = ${handlerId})`);
  return parts.length ? sql<boolean>`(${sql.join(parts, sql` OR `)})` : sql<boolean>`false`;
}

/**
 * Runs `fn` with the planner held to bitmap scans. A text match read from the
 * GIN index needs no recheck, so a bitmap heap scan never opens the row's
 * vector (kept out of line, several pages each); a plain index or sequential
 * scan with the match as a filter opens every vector it passes — the planner
 * does not count that cost and picks such scans for common words, a hundred
 * times slower at 200,000 documents (bench/doc-search.bench.ts).
 */
async function bitmapsOnly<T>(ex: Executor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return transaction(ex, async (tx) => {
    await sql`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`.execute(tx);
    try {
      return await fn(tx);
    } finally {
      // Inside a caller's transaction, give the planner back its settings.
      if (ex.isTransaction) await sql`SELECT set_config('enable_seqscan', 'on', true), set_config('enable_indexscan', 'on', true)`.execute(tx);
    }
  });
}

/** Words that look like a number/symbol ("12/QĐ-STP", "05/2026"): a digit in them. */
export const looksLikeSymbol = (q: string) => /\d/.test(q) && q.replace(/\s+/g, '').length >= 3;

const likeEscape = (s: string) => s.replace(/[\\%_]/g, '\\$&');

/**
 * Documents the actor reads: newest first, or with `q`, the best matches first
 * (ranked within the window of the most recent matches, see above).
 */
export async function list(ex: Executor, f: ListFilter): Promise<{ rows: ListRow[]; total: number; totalCapped: boolean }> {
  const conds = [scopeWhere(f.scopes, f.handlerId)];
  if (f.onlyHandled && f.handlerId) conds.push(sql<boolean>`EXISTS (SELECT 1 FROM document_handler h WHERE h.document_id = d.id AND h.account_id = ${f.handlerId})`);
  if (f.direction) conds.push(sql<boolean>`d.direction = ${f.direction}`);
  if (f.states?.length) conds.push(sql<boolean>`d.state IN (${sql.join(f.states)})`);
  if (f.year) conds.push(sql<boolean>`extract(year FROM d.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh') = ${f.year}`);
  const where = sql.join(conds, sql` AND `);
  const lead = sql`(SELECT name FROM document_handler h WHERE h.document_id = d.id AND h.role = 'lead') AS lead_name`;

  if (!f.q) {
    const [page, count] = await Promise.all([
      sql<ListRow>`SELECT d.*, ${lead} FROM document d WHERE ${where} ORDER BY d.created_at DESC, d.id DESC LIMIT ${f.limit} OFFSET ${f.offset}`.execute(ex),
      sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM document d WHERE ${where} LIMIT ${COUNT_CAP + 1}) x`.execute(ex),
    ]);
    const n = count.rows[0]!.n;
    return { rows: page.rows, total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
  }

  const tsq = sql`plainto_tsquery('simple', f_unaccent(${f.q}))`;
  const window = Math.max(SEARCH_WINDOW, f.offset + f.limit);
  // The conditions on the search row alone (scope, direction), and those that need the document (state, handled).
  const sConds = [scopeWhere(f.scopes, f.handlerId, 's')];
  if (f.direction) sConds.push(sql<boolean>`s.direction = ${f.direction}`);
  if (f.year) sConds.push(sql<boolean>`extract(year FROM s.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh') = ${f.year}`);
  const dConds: RawBuilder<boolean>[] = [];
  if (f.onlyHandled && f.handlerId) dConds.push(sql<boolean>`EXISTS (SELECT 1 FROM document_handler h WHERE h.document_id = s.document_id AND h.account_id = ${f.handlerId})`);
  if (f.states?.length) dConds.push(sql<boolean>`EXISTS (SELECT 1 FROM document d WHERE d.id = s.document_id AND d.state IN (${sql.join(f.states)}))`);
  const sWhere = sql.join([sql<boolean>`s.search @@ ${tsq}`, ...sConds, ...dConds], sql` AND `);
  const symbol = looksLikeSymbol(f.q);
  const pattern = '%' + likeEscape(f.q.replace(/\s+/g, '')) + '%';
  // The number/symbol matches (trigram index of 0061), bounded by themselves, ranked above the
  // words: looked up once, not again in every span (they do not depend on it).
  type Found = { ids: string[]; times: string[] };
  const symbolHits = async (db: Executor): Promise<Found> => {
    if (!symbol) return { ids: [], times: [] };
    const r = await sql<{ id: string; t: string }>`SELECT d.id, d.created_at::text AS t FROM document d
      WHERE f_unaccent(coalesce(d.number_symbol, '')) LIKE f_unaccent(${pattern}) AND ${where} ORDER BY d.created_at DESC LIMIT ${window}`.execute(db);
    return { ids: r.rows.map((x) => x.id), times: r.rows.map((x) => x.t) };
  };
  const symbolBranch = (found: Found) =>
    found.ids.length
      ? sql`UNION ALL (SELECT u.id AS document_id, u.t AS created_at, 2::real AS rank, 0::bigint AS in_span
                        FROM unnest(${found.ids}::uuid[], ${found.times}::timestamptz[]) u(id, t))`
      : sql``;

  // The window of the newest matches in a span of days (null: all), and how many matches the
  // span holds. Each span is one scan of the GIN index over (search, created_day) (0069), reading only its own matches.
  // The window is ranked on the metadata vector (small, in line): matches in the number,
  // summary, issuer or signer first, then the newest.
  const page = async (db: Executor, days: number | null, found: Found) => {
    const since =
      days === null
        ? sql`true`
        : sql`s.created_at >= now() - make_interval(days => ${days}) AND s.created_day >= floor(extract(epoch FROM now() - make_interval(days => ${days})) / 86400)::int`;
    // Ranked after the window is cut (300 ranks, not one per match in the span), and only the
    // page's documents are read (not the window's).
    const r = await sql<ListRow & { hits: number; in_span: number }>`
      WITH hits AS MATERIALIZED (
        (SELECT w.document_id, w.created_at, ts_rank(w.meta, ${tsq}) AS rank, w.in_span
           FROM (SELECT s.document_id, s.created_at, s.meta, count(*) OVER () AS in_span
                   FROM document_search s WHERE ${sWhere} AND ${since} ORDER BY s.created_at DESC LIMIT ${window}) w)
        ${symbolBranch(found)}),
      best AS MATERIALIZED (SELECT document_id, max(rank) AS rank, max(created_at) AS created_at FROM hits GROUP BY document_id),
      top AS (SELECT * FROM best ORDER BY rank DESC, created_at DESC, document_id DESC LIMIT ${f.limit} OFFSET ${f.offset})
      SELECT d.*, ${lead}, (SELECT count(*) FROM best)::int AS hits, (SELECT coalesce(max(in_span), 0) FROM hits)::int AS in_span
        FROM top JOIN document d ON d.id = top.document_id
       ORDER BY top.rank DESC, top.created_at DESC, d.id DESC`.execute(db);
    const first = r.rows[0];
    return {
      rows: r.rows.map(({ hits: _h, in_span: _s, ...d }) => d as ListRow),
      full: (first?.hits ?? 0) >= window,
      // Matches in the span (the words' and the number/symbol's, which may overlap: at most their sum).
      inSpan: Math.max(first?.in_span ?? 0, first?.hits ?? 0),
    };
  };

  // The last month first, then the last four months, the last year, then everything, until the
  // window is full. A rare word ends with everything: all its matches ranked and counted exactly.
  // A common one stops early: its count is then "at least" the span's (capped at COUNT_CAP). The
  // four months spare a word of middling frequency (a name, within one agency's scope) a year's
  // matches: the window, the newest SEARCH_WINDOW matches, is the same whichever span fills it.
  const spans = [30, 120, 365, null];
  const { n, capped, rows } = await bitmapsOnly(ex, async (tx) => {
    const found = await symbolHits(tx);
    for (const days of spans) {
      const r = await page(tx, days, found);
      if (r.full || days === null) return { n: r.inSpan, capped: days !== null, rows: r.rows };
    }
    throw new Error('unreachable');
  });
  return { rows, total: Math.min(n, COUNT_CAP), totalCapped: capped || n > COUNT_CAP };
}
