import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import type { Scope } from '../../kernel/http/access.js';
import type { Boundary, Geometry } from './geo.js';
import type { ReportKind } from './report.workflow.js';

/** All SQL of the feedback module. Tables: server/migrations/0050_feedback.sql. */

export type Channel = 'web' | 'app' | 'open311' | 'hotline' | 'desk' | 'email';

export interface CategoryRow {
  code: string;
  name: string;
  name_en: string | null;
  kind: ReportKind;
  agency_id: string | null;
  urgent: boolean;
  limits: Record<string, unknown> | null;
  active: boolean;
  sort: number;
}

export interface ReportRow {
  id: string;
  code: string;
  kind: ReportKind;
  category_code: string;
  title: string;
  body: string;
  lat: number | null;
  lon: number | null;
  address: string | null;
  unit_code: string | null;
  unit_path: string | null;
  agency_id: string | null;
  channel: Channel;
  reporter_id: string | null;
  reporter_name: string;
  reporter_phone: string | null;
  reporter_email: string | null;
  show_name: boolean;
  state: string;
  assignee_id: string | null;
  answer: string | null;
  answered_at: Date | null;
  published_at: Date | null;
  closed_at: Date | null;
  due_at: Date | null;
  rating: 'satisfied' | 'unsatisfied' | null;
  rating_reason: string | null;
  rated_at: Date | null;
  duplicate_of: string | null;
  hidden: boolean;
  escalation_level: number;
  breached: boolean;
  open311_client: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface MediaRow {
  report_id: string;
  file_id: string;
  position: number;
  mime: string;
  width: number | null;
  height: number | null;
  size: number;
  kept_location: boolean;
  hidden: boolean;
  kind: 'photo' | 'video';
  status: 'processing' | 'ready' | 'failed';
}

// ——— Categories ———

export async function categories(db: Executor, activeOnly = true): Promise<CategoryRow[]> {
  const r = await sql<CategoryRow>`SELECT * FROM feedback_category WHERE ${activeOnly ? sql`active` : sql`true`} ORDER BY sort, code`.execute(db);
  return r.rows;
}

export async function category(db: Executor, code: string): Promise<CategoryRow | undefined> {
  const r = await sql<CategoryRow>`SELECT * FROM feedback_category WHERE code = ${code}`.execute(db);
  return r.rows[0];
}

export async function upsertCategory(db: Executor, c: Omit<CategoryRow, 'active'> & { active?: boolean }): Promise<void> {
  await sql`INSERT INTO feedback_category (code, name, name_en, kind, agency_id, urgent, limits, active, sort)
    VALUES (${c.code}, ${c.name}, ${c.name_en}, ${c.kind}, ${c.agency_id}, ${c.urgent}, ${c.limits ? JSON.stringify(c.limits) : null}::jsonb, ${c.active ?? true}, ${c.sort})
    ON CONFLICT (code) DO UPDATE SET name = excluded.name, name_en = excluded.name_en, kind = excluded.kind, agency_id = excluded.agency_id,
      urgent = excluded.urgent, limits = excluded.limits, active = excluded.active, sort = excluded.sort`.execute(db);
}

// ——— Boundaries ———

export async function saveBoundary(db: Executor, b: Boundary & { display: Geometry }): Promise<void> {
  await sql`INSERT INTO feedback_boundary (unit_code, level, name, geometry, display, min_lon, min_lat, max_lon, max_lat)
    VALUES (${b.unitCode}, ${b.level}, ${b.name}, ${JSON.stringify(b.geometry)}::jsonb, ${JSON.stringify(b.display)}::jsonb, ${b.bbox[0]}, ${b.bbox[1]}, ${b.bbox[2]}, ${b.bbox[3]})
    ON CONFLICT (unit_code) DO UPDATE SET level = excluded.level, name = excluded.name, geometry = excluded.geometry, display = excluded.display,
      min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat, imported_at = now()`.execute(db);
}

export async function boundaries(db: Executor): Promise<Boundary[]> {
  const r = await sql<{ unit_code: string; level: 'province' | 'commune'; name: string; geometry: Geometry; min_lon: number; min_lat: number; max_lon: number; max_lat: number }>`
    SELECT unit_code, level, name, geometry, min_lon, min_lat, max_lon, max_lat FROM feedback_boundary`.execute(db);
  return r.rows.map((b) => ({ unitCode: b.unit_code, level: b.level, name: b.name, geometry: b.geometry, bbox: [b.min_lon, b.min_lat, b.max_lon, b.max_lat] }));
}

/** A fingerprint of the stored boundaries, to know when another instance imported new ones. */
export async function boundaryStamp(db: Executor): Promise<string> {
  const r = await sql<{ stamp: string }>`SELECT count(*) || ':' || coalesce(max(imported_at)::text, '') AS stamp FROM feedback_boundary`.execute(db);
  return r.rows[0]!.stamp;
}

/** The simplified boundaries as one GeoJSON FeatureCollection, built by the database. */
export async function displayBoundaries(db: Executor): Promise<string> {
  const r = await sql<{ doc: string }>`
    SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
      'type', 'Feature', 'id', unit_code, 'properties', json_build_object('code', unit_code, 'name', name, 'level', level), 'geometry', display)
      ORDER BY level DESC, unit_code), '[]'::json))::text AS doc
    FROM feedback_boundary`.execute(db);
  return r.rows[0]!.doc;
}

// ——— Reports ———

export async function nextNumber(db: Executor): Promise<number> {
  const r = await sql<{ n: string }>`SELECT nextval('feedback_report_no') AS n`.execute(db);
  return Number(r.rows[0]!.n);
}

export type ReportInsert = Omit<ReportRow, 'answer' | 'answered_at' | 'published_at' | 'closed_at' | 'rating' | 'rating_reason' | 'rated_at' | 'duplicate_of' | 'hidden' | 'updated_at' | 'assignee_id' | 'escalation_level' | 'breached'>;

export async function insertReport(db: Executor, r: ReportInsert): Promise<void> {
  await sql`INSERT INTO feedback_report (id, code, kind, category_code, title, body, lat, lon, address, unit_code, unit_path, agency_id, channel,
      reporter_id, reporter_name, reporter_phone, reporter_email, show_name, state, due_at, open311_client, created_at, updated_at)
    VALUES (${r.id}, ${r.code}, ${r.kind}, ${r.category_code}, ${r.title}, ${r.body}, ${r.lat}, ${r.lon}, ${r.address}, ${r.unit_code}, ${r.unit_path},
      ${r.agency_id}, ${r.channel}, ${r.reporter_id}, ${r.reporter_name}, ${r.reporter_phone}, ${r.reporter_email}, ${r.show_name}, ${r.state},
      ${r.due_at}, ${r.open311_client}, ${r.created_at}, ${r.created_at})`.execute(db);
}

export async function report(db: Executor, id: string, lock = false): Promise<ReportRow | undefined> {
  const r = await sql<ReportRow>`SELECT * FROM feedback_report WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return r.rows[0];
}

export async function reportByCode(db: Executor, code: string): Promise<ReportRow | undefined> {
  const r = await sql<ReportRow>`SELECT * FROM feedback_report WHERE code = ${code}`.execute(db);
  return r.rows[0];
}

const UPDATABLE = ['state', 'category_code', 'kind', 'unit_code', 'unit_path', 'agency_id', 'assignee_id', 'answer', 'answered_at', 'published_at',
  'closed_at', 'due_at', 'rating', 'rating_reason', 'rated_at', 'duplicate_of', 'hidden', 'title', 'body', 'escalation_level', 'breached'] as const;
export type ReportPatch = Partial<Pick<ReportRow, (typeof UPDATABLE)[number]>>;

export async function updateReport(db: Executor, id: string, patch: ReportPatch): Promise<void> {
  const sets = Object.entries(patch)
    .filter(([k]) => (UPDATABLE as readonly string[]).includes(k))
    .map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
  if (!sets.length) return;
  await sql`UPDATE feedback_report SET ${sql.join([...sets, sql`updated_at = now()`])} WHERE id = ${id}`.execute(db);
}

const OPEN = sql`state NOT IN ('closed', 'refused', 'merged', 'published')`;

/** Open reports of a category within `meters` of a point (bounding box on the GiST index, then the haversine distance). */
export async function nearbyOpen(db: Executor, lon: number, lat: number, meters: number, categoryCode: string, limit = 5) {
  const dLat = meters / 111_320;
  const dLon = meters / (111_320 * Math.cos((lat * Math.PI) / 180));
  const r = await sql<{ id: string; code: string; title: string; state: string; lat: number; lon: number; distance: number; created_at: Date }>`
    SELECT id, code, title, state, lat, lon, created_at, distance FROM (
      SELECT id, code, title, state, lat, lon, created_at,
        2 * 6371000 * asin(sqrt(power(sin(radians(lat - ${lat}) / 2), 2) + cos(radians(${lat})) * cos(radians(lat)) * power(sin(radians(lon - ${lon}) / 2), 2))) AS distance
      FROM feedback_report
      WHERE lat IS NOT NULL AND state NOT IN ('closed', 'refused', 'merged')
        AND point(lon, lat) <@ box(point(${lon - dLon}, ${lat - dLat}), point(${lon + dLon}, ${lat + dLat}))
        AND category_code = ${categoryCode} AND NOT hidden AND kind = 'pakn'
    ) x WHERE distance <= ${meters} ORDER BY distance LIMIT ${limit}`.execute(db);
  return r.rows;
}

export interface MapWindow {
  minLon: number;
  minLat: number;
  maxLon: number;
  maxLat: number;
}

/** Public map: PAKN reports in a window (open ones, or published answers), never complaints or denunciations. */
export async function inWindow(db: Executor, w: MapWindow, opts: { open: boolean; categoryCode?: string; limit: number }) {
  const r = await sql<{ id: string; code: string; title: string; state: string; lat: number; lon: number; category_code: string }>`
    SELECT id, code, title, state, lat, lon, category_code FROM feedback_report
    WHERE lat IS NOT NULL AND NOT hidden AND kind = 'pakn'
      AND ${opts.open ? sql`state NOT IN ('closed', 'refused', 'merged')` : sql`published_at IS NOT NULL`}
      AND point(lon, lat) <@ box(point(${w.minLon}, ${w.minLat}), point(${w.maxLon}, ${w.maxLat}))
      ${opts.categoryCode ? sql`AND category_code = ${opts.categoryCode}` : sql``}
    ORDER BY created_at DESC LIMIT ${opts.limit}`.execute(db);
  return r.rows;
}

export interface ReportFilter {
  scopes: Scope[] | null;
  state?: string;
  open?: boolean;
  overdue?: boolean;
  categoryCode?: string;
  assigneeId?: string;
  reporterId?: string;
  q?: string;
  /** Filed for this unit or below (unit path) / routed to this agency: the operations centre's levels. */
  unitPath?: string;
  agencyId?: string;
  /**
   * The list behind an operations-centre petition figure, over Vietnamese days [from, to], counted as
   * its projection counts: filed in the period, or handled in it (answered, refused or merged, on the
   * day of the answer or else of the closing) and among those on time (no clock ever ran out) or late.
   */
  outcome?: { kind: 'received' | 'answered' | 'answered_on_time' | 'answered_late'; from: string; to: string };
  limit: number;
  offset: number;
  now: Date;
}

const vnDayOf = (col: string) => sql.raw(`((${col}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`);
const HANDLED = sql`(answered_at IS NOT NULL OR state IN ('refused', 'merged'))`;

function outcomeSql(o: ReportFilter['outcome']) {
  if (!o) return sql`true`;
  if (o.kind === 'received') return sql`${vnDayOf('created_at')} BETWEEN ${o.from}::date AND ${o.to}::date`;
  const handled = sql`${HANDLED} AND coalesce(answered_at, closed_at) IS NOT NULL AND ${vnDayOf('coalesce(answered_at, closed_at)')} BETWEEN ${o.from}::date AND ${o.to}::date`;
  if (o.kind === 'answered_on_time') return sql`(${handled} AND NOT breached)`;
  if (o.kind === 'answered_late') return sql`(${handled} AND breached)`;
  return sql`(${handled})`;
}

function scopeSql(scopes: Scope[] | null) {
  if (scopes === null) return sql`true`;
  if (!scopes.length) return sql`false`;
  return sql`(${sql.join(
    scopes.map((s) => {
      const parts = [];
      if (s.unitPath) parts.push(sql`(unit_path = ${s.unitPath} OR unit_path LIKE ${`${s.unitPath}.%`})`);
      if (s.agencyId) parts.push(sql`agency_id = ${s.agencyId}`);
      return parts.length ? sql`(${sql.join(parts, sql` AND `)})` : sql`true`;
    }),
    sql` OR `,
  )})`;
}

export async function listReports(db: Executor, f: ReportFilter): Promise<{ rows: ReportRow[]; total: number }> {
  const where = sql.join(
    [
      scopeSql(f.scopes),
      f.state ? sql`state = ${f.state}` : sql`true`,
      f.open ? OPEN : sql`true`,
      f.overdue ? sql`(due_at < ${f.now} AND ${OPEN})` : sql`true`,
      f.categoryCode ? sql`category_code = ${f.categoryCode}` : sql`true`,
      f.assigneeId ? sql`assignee_id = ${f.assigneeId}` : sql`true`,
      f.reporterId ? sql`reporter_id = ${f.reporterId}` : sql`true`,
      f.q ? sql`(code ILIKE ${`%${f.q}%`} OR title ILIKE ${`%${f.q}%`})` : sql`true`,
      f.unitPath ? sql`(unit_path = ${f.unitPath} OR unit_path LIKE ${`${f.unitPath}.%`})` : sql`true`,
      f.agencyId ? sql`agency_id = ${f.agencyId}` : sql`true`,
      outcomeSql(f.outcome),
    ],
    sql` AND `,
  );
  const rows = await sql<ReportRow & { total: string }>`
    SELECT *, count(*) OVER () AS total FROM feedback_report WHERE ${where}
    ORDER BY (due_at IS NULL), due_at, created_at DESC LIMIT ${f.limit} OFFSET ${f.offset}`.execute(db);
  return { rows: rows.rows, total: Number(rows.rows[0]?.total ?? 0) };
}

export async function publishedList(db: Executor, opts: { q?: string; categoryCode?: string; limit: number; offset: number }) {
  const r = await sql<ReportRow & { total: string }>`
    SELECT *, count(*) OVER () AS total FROM feedback_report
    WHERE published_at IS NOT NULL AND NOT hidden AND kind = 'pakn'
      ${opts.categoryCode ? sql`AND category_code = ${opts.categoryCode}` : sql``}
      ${opts.q ? sql`AND (title ILIKE ${`%${opts.q}%`} OR code ILIKE ${`%${opts.q}%`})` : sql``}
    ORDER BY published_at DESC LIMIT ${opts.limit} OFFSET ${opts.offset}`.execute(db);
  return { rows: r.rows, total: Number(r.rows[0]?.total ?? 0) };
}

/** Counts for leaders over their scope: open, overdue, by category and unit, satisfaction. */
export async function stats(db: Executor, scopes: Scope[] | null, now: Date) {
  const where = scopeSql(scopes);
  const totals = await sql<{ total: number; open: number; overdue: number; answered: number; answered_on_time: number; rated: number; satisfied: number }>`
    SELECT count(*)::int AS total,
      count(*) FILTER (WHERE ${OPEN})::int AS open,
      count(*) FILTER (WHERE ${OPEN} AND due_at < ${now})::int AS overdue,
      count(*) FILTER (WHERE answered_at IS NOT NULL)::int AS answered,
      count(*) FILTER (WHERE answered_at IS NOT NULL AND (due_at IS NULL OR answered_at <= due_at))::int AS answered_on_time,
      count(*) FILTER (WHERE rating IS NOT NULL)::int AS rated,
      count(*) FILTER (WHERE rating = 'satisfied')::int AS satisfied
    FROM feedback_report WHERE ${where} AND state NOT IN ('refused', 'merged')`.execute(db);
  const byCategory = await sql<{ key: string; total: number; open: number; overdue: number }>`
    SELECT category_code AS key, count(*)::int AS total, count(*) FILTER (WHERE ${OPEN})::int AS open,
      count(*) FILTER (WHERE ${OPEN} AND due_at < ${now})::int AS overdue
    FROM feedback_report WHERE ${where} GROUP BY category_code ORDER BY total DESC`.execute(db);
  const byUnit = await sql<{ key: string; total: number; open: number; overdue: number }>`
    SELECT coalesce(unit_code, '') AS key, count(*)::int AS total, count(*) FILTER (WHERE ${OPEN})::int AS open,
      count(*) FILTER (WHERE ${OPEN} AND due_at < ${now})::int AS overdue
    FROM feedback_report WHERE ${where} GROUP BY unit_code ORDER BY total DESC LIMIT 200`.execute(db);
  return { totals: totals.rows[0]!, byCategory: byCategory.rows, byUnit: byUnit.rows };
}

/**
 * For the 766 index (5.2 and 5.3): PAKN filed in a period and within a scope —
 * handled (answered, refused or merged), handled with no clock ever run out,
 * still open with a clock run out, rated, satisfied.
 */
export async function indexCounts(db: Executor, from: Date, to: Date, scope: { unitPath?: string; agencyId?: string }) {
  const handled = sql`(answered_at IS NOT NULL OR state IN ('refused', 'merged'))`;
  const r = await sql<{ handled: number; on_time: number; open_late: number; rated: number; satisfied: number }>`
    SELECT count(*) FILTER (WHERE ${handled})::int AS handled,
      count(*) FILTER (WHERE ${handled} AND NOT breached)::int AS on_time,
      count(*) FILTER (WHERE NOT ${handled} AND breached)::int AS open_late,
      count(*) FILTER (WHERE rating IS NOT NULL)::int AS rated,
      count(*) FILTER (WHERE rating = 'satisfied')::int AS satisfied
    FROM feedback_report
    WHERE kind = 'pakn' AND created_at >= ${from} AND created_at < ${to}
      ${scope.unitPath ? sql`AND (unit_path = ${scope.unitPath} OR unit_path LIKE ${`${scope.unitPath}.%`})` : sql``}
      ${scope.agencyId ? sql`AND agency_id = ${scope.agencyId}` : sql``}`.execute(db);
  return r.rows[0]!;
}

/** Published reports whose reopen window has passed without a rating. */
export async function publishedBefore(db: Executor, before: Date, limit: number): Promise<string[]> {
  const r = await sql<{ id: string }>`SELECT id FROM feedback_report WHERE state = 'published' AND published_at < ${before} ORDER BY published_at LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.id);
}

/** Open reports assigned to someone, with the earliest due first (daily digest). */
export async function dueForAssignees(db: Executor, until: Date) {
  const r = await sql<{ assignee_id: string; id: string; code: string; title: string; due_at: Date | null }>`
    SELECT assignee_id, id, code, title, due_at FROM feedback_report
    WHERE assignee_id IS NOT NULL AND ${OPEN} AND due_at IS NOT NULL AND due_at < ${until}
    ORDER BY assignee_id, due_at`.execute(db);
  return r.rows;
}

// ——— Media, followers, keys, blocks ———

export async function addMedia(db: Executor, m: Omit<MediaRow, 'hidden' | 'kind' | 'status'> & { kind?: MediaRow['kind']; status?: MediaRow['status'] }): Promise<void> {
  await sql`INSERT INTO feedback_media (report_id, file_id, position, mime, width, height, size, kept_location, kind, status)
    VALUES (${m.report_id}, ${m.file_id}, ${m.position}, ${m.mime}, ${m.width}, ${m.height}, ${m.size}, ${m.kept_location}, ${m.kind ?? 'photo'}, ${m.status ?? 'ready'})`.execute(db);
}

export async function media(db: Executor, reportId: string): Promise<MediaRow[]> {
  const r = await sql<MediaRow>`SELECT * FROM feedback_media WHERE report_id = ${reportId} ORDER BY position`.execute(db);
  return r.rows;
}

export async function setMedia(
  db: Executor, reportId: string, position: number,
  patch: { file_id?: string; hidden?: boolean; size?: number; status?: MediaRow['status']; mime?: string; width?: number; height?: number },
): Promise<boolean> {
  const r = await sql`UPDATE feedback_media SET file_id = coalesce(${patch.file_id ?? null}, file_id), hidden = coalesce(${patch.hidden ?? null}, hidden),
    size = coalesce(${patch.size ?? null}, size), status = coalesce(${patch.status ?? null}, status), mime = coalesce(${patch.mime ?? null}, mime),
    width = coalesce(${patch.width ?? null}, width), height = coalesce(${patch.height ?? null}, height)
    WHERE report_id = ${reportId} AND position = ${position}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function follow(db: Executor, reportId: string, accountId: string): Promise<void> {
  await sql`INSERT INTO feedback_follower (report_id, account_id) VALUES (${reportId}, ${accountId}) ON CONFLICT DO NOTHING`.execute(db);
}

export async function unfollow(db: Executor, reportId: string, accountId: string): Promise<void> {
  await sql`DELETE FROM feedback_follower WHERE report_id = ${reportId} AND account_id = ${accountId}`.execute(db);
}

export async function followers(db: Executor, reportId: string): Promise<string[]> {
  const r = await sql<{ account_id: string }>`SELECT account_id FROM feedback_follower WHERE report_id = ${reportId}`.execute(db);
  return r.rows.map((x) => x.account_id);
}

export async function followerCount(db: Executor, reportId: string): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_follower WHERE report_id = ${reportId}`.execute(db);
  return r.rows[0]!.n;
}

export async function apiKeyClient(db: Executor, hash: string): Promise<string | null> {
  const r = await sql<{ client: string }>`SELECT client FROM feedback_api_key WHERE key_hash = ${hash} AND active`.execute(db);
  return r.rows[0]?.client ?? null;
}

export async function addApiKey(db: Executor, hash: string, client: string): Promise<void> {
  await sql`INSERT INTO feedback_api_key (key_hash, client) VALUES (${hash}, ${client})`.execute(db);
}

export async function isBlocked(db: Executor, accountId: string): Promise<boolean> {
  const r = await sql`SELECT 1 FROM feedback_block WHERE account_id = ${accountId}`.execute(db);
  return r.rows.length > 0;
}

export async function block(db: Executor, accountId: string, reason: string, by: string): Promise<void> {
  await sql`INSERT INTO feedback_block (account_id, reason, blocked_by) VALUES (${accountId}, ${reason}, ${by})
    ON CONFLICT (account_id) DO UPDATE SET reason = excluded.reason, blocked_by = excluded.blocked_by, created_at = now()`.execute(db);
}

/** Open311 GET /requests: public PAKN, newest first, at most 1000 (the standard's default window is 90 days). */
export async function open311List(db: Executor, q: { serviceCode?: string; start?: Date; end?: Date; status?: 'open' | 'closed' }): Promise<ReportRow[]> {
  const end = q.end ?? new Date();
  const start = q.start ?? new Date(end.getTime() - 90 * 86_400_000);
  const closed = sql`state IN ('closed', 'merged', 'published')`;
  const r = await sql<ReportRow>`
    SELECT * FROM feedback_report
    WHERE kind = 'pakn' AND NOT hidden AND state NOT IN ('received', 'refused')
      AND created_at >= ${start} AND created_at <= ${end}
      ${q.serviceCode ? sql`AND category_code = ${q.serviceCode}` : sql``}
      ${q.status === 'open' ? sql`AND NOT ${closed}` : q.status === 'closed' ? sql`AND ${closed}` : sql``}
    ORDER BY created_at DESC LIMIT 1000`.execute(db);
  return r.rows;
}

export async function addAnswerFile(db: Executor, f: { report_id: string; file_id: string; name: string; mime: string; added_by: string | null }): Promise<void> {
  await sql`INSERT INTO feedback_answer_file (report_id, file_id, name, mime, added_by) VALUES (${f.report_id}, ${f.file_id}, ${f.name}, ${f.mime}, ${f.added_by})
    ON CONFLICT DO NOTHING`.execute(db);
}

export async function answerFiles(db: Executor, reportId: string): Promise<{ file_id: string; name: string; mime: string }[]> {
  const r = await sql<{ file_id: string; name: string; mime: string }>`SELECT file_id, name, mime FROM feedback_answer_file WHERE report_id = ${reportId} ORDER BY added_at`.execute(db);
  return r.rows;
}
