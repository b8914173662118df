import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** All SQL of the org module. Tables: server/migrations/0020_org.sql. */

export type UnitType = 'country' | 'province' | 'city' | 'commune' | 'ward' | 'special_zone';
export type AgencyKind = 'people_committee' | 'committee_office' | 'department' | 'service_centre' | 'commune_committee' | 'other';

interface OrgUnitTable {
  id: Generated<string>;
  code: string;
  name: string;
  full_name: string;
  name_en: string | null;
  type: UnitType;
  parent_id: string | null;
  path: string;
  effective_from: Generated<string>;
  effective_to: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface OrgUnitLineageTable {
  unit_id: string;
  predecessor_id: string;
  kind: Generated<'merge' | 'split' | 'rename'>;
  decision: string | null;
}
interface AgencyTable {
  id: Generated<string>;
  code: string;
  name: string;
  short_name: string | null;
  name_en: string | null;
  kind: AgencyKind;
  unit_id: string;
  parent_id: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface DivisionTable {
  id: Generated<string>;
  agency_id: string;
  code: string;
  name: string;
}
interface PositionTable {
  code: string;
  name: string;
  name_en: string | null;
  rank: Generated<number>;
}
interface OfficialTable {
  id: Generated<string>;
  agency_id: string;
  division_id: string | null;
  position_code: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    org_unit: OrgUnitTable;
    org_unit_lineage: OrgUnitLineageTable;
    agency: AgencyTable;
    division: DivisionTable;
    position: PositionTable;
    official: OfficialTable;
  }
}

export interface UnitRow {
  id: string;
  code: string;
  name: string;
  full_name: string;
  name_en: string | null;
  type: UnitType;
  parent_code: string | null;
  path: string;
  effective_from: string;
  effective_to: string | null;
}

function unitSelect(db: Executor) {
  return db
    .selectFrom('org_unit as u')
    .leftJoin('org_unit as p', 'p.id', 'u.parent_id')
    .select([
      'u.id',
      'u.code',
      'u.name',
      'u.full_name',
      'u.name_en',
      'u.type',
      'p.code as parent_code',
      'u.path',
      'u.effective_from',
      'u.effective_to',
    ]);
}

export async function listUnits(
  db: Executor,
  f: { parent?: string; q?: string; type?: UnitType; limit: number; offset: number; includeEnded?: boolean },
): Promise<{ items: UnitRow[]; total: number }> {
  let q = unitSelect(db);
  if (!f.includeEnded) q = q.where('u.effective_to', 'is', null);
  if (f.parent) q = q.where('p.code', '=', f.parent).where('p.effective_to', 'is', null);
  if (f.type) q = q.where('u.type', '=', f.type);
  if (f.q) {
    const needle = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`f_unaccent(u.name)`, 'like', sql`f_unaccent(${needle})`),
        eb(sql`f_unaccent(u.full_name)`, 'like', sql`f_unaccent(${needle})`),
        eb('u.code', '=', f.q!),
      ]),
    );
  }
  const total = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const items = await q.orderBy('u.path').limit(f.limit).offset(f.offset).execute();
  return { items, total: Number(total.n) };
}

export function unitByCode(db: Executor, code: string): Promise<UnitRow | undefined> {
  return unitSelect(db).where('u.code', '=', code).where('u.effective_to', 'is', null).executeTakeFirst();
}

export function unitById(db: Executor, id: string): Promise<UnitRow | undefined> {
  return unitSelect(db).where('u.id', '=', id).executeTakeFirst();
}

export async function childrenCount(db: Executor, unitId: string): Promise<number> {
  const r = await db
    .selectFrom('org_unit')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', unitId)
    .where('effective_to', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function predecessors(db: Executor, unitId: string) {
  return db
    .selectFrom('org_unit_lineage as l')
    .innerJoin('org_unit as p', 'p.id', 'l.predecessor_id')
    .select(['p.code', 'p.name', 'l.kind'])
    .where('l.unit_id', '=', unitId)
    .orderBy('p.code')
    .execute();
}

export async function insertUnit(
  db: Executor,
  u: { code: string; name: string; full_name: string; name_en: string | null; type: UnitType; parent_id: string | null; path: string; effective_from?: string },
): Promise<string> {
  const r = await db.insertInto('org_unit').values(u).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function updateUnit(
  db: Executor,
  id: string,
  patch: Partial<{ name: string; full_name: string; name_en: string | null; effective_to: string | null; type: UnitType; parent_id: string | null; path: string }>,
): Promise<void> {
  await db
    .updateTable('org_unit')
    .set({ ...patch, updated_at: sql`now()` } as never)
    .where('id', '=', id)
    .execute();
}

export async function insertLineage(db: Executor, unitId: string, predecessorIds: string[], decision?: string): Promise<void> {
  if (!predecessorIds.length) return;
  await db
    .insertInto('org_unit_lineage')
    .values(predecessorIds.map((p) => ({ unit_id: unitId, predecessor_id: p, decision: decision ?? null })))
    .onConflict((oc) => oc.columns(['unit_id', 'predecessor_id']).doNothing())
    .execute();
}

/** Current units by code, for the importer (one query per batch). */
export function unitsByCodes(db: Executor, codes: string[]) {
  if (!codes.length) return Promise.resolve([]);
  return db
    .selectFrom('org_unit')
    .select(['id', 'code', 'name', 'full_name', 'name_en', 'type', 'parent_id', 'path'])
    .where('code', 'in', codes)
    .where('effective_to', 'is', null)
    .execute();
}

// --- agencies ---------------------------------------------------------------

export interface AgencyRow {
  id: string;
  code: string;
  name: string;
  short_name: string | null;
  name_en: string | null;
  kind: AgencyKind;
  unit_id: string;
  unit_code: string;
  unit_name: string;
  unit_path: string;
  parent_id: string | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  active: boolean;
}

function agencySelect(db: Executor) {
  return db
    .selectFrom('agency as a')
    .innerJoin('org_unit as u', 'u.id', 'a.unit_id')
    .select([
      'a.id',
      'a.code',
      'a.name',
      'a.short_name',
      'a.name_en',
      'a.kind',
      'a.unit_id',
      'u.code as unit_code',
      'u.name as unit_name',
      'u.path as unit_path',
      'a.parent_id',
      'a.email',
      'a.phone',
      'a.address',
      'a.active',
    ]);
}

export function listAgencies(db: Executor, f: { unit?: string; kind?: AgencyKind; q?: string }): Promise<AgencyRow[]> {
  let q = agencySelect(db);
  if (f.unit) q = q.where('u.code', '=', f.unit);
  if (f.kind) q = q.where('a.kind', '=', f.kind);
  if (f.q) {
    const needle = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`f_unaccent(a.name)`, 'like', sql`f_unaccent(${needle})`),
        eb(sql`f_unaccent(coalesce(a.short_name, ''))`, 'like', sql`f_unaccent(${needle})`),
        eb('a.code', '=', f.q!),
      ]),
    );
  }
  return q.orderBy('u.path').orderBy('a.kind').orderBy('a.name').limit(1000).execute();
}

export function agencyById(db: Executor, id: string): Promise<AgencyRow | undefined> {
  return agencySelect(db).where('a.id', '=', id).executeTakeFirst();
}

export function agencyByCode(db: Executor, code: string): Promise<AgencyRow | undefined> {
  return agencySelect(db).where('a.code', '=', code).executeTakeFirst();
}

export async function insertAgency(
  db: Executor,
  a: { code: string; name: string; short_name: string | null; name_en: string | null; kind: AgencyKind; unit_id: string; parent_id: string | null; email: string | null; phone: string | null; address: string | null },
): Promise<string> {
  return (await db.insertInto('agency').values(a).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateAgency(db: Executor, id: string, patch: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('agency')
    .set({ ...patch, updated_at: sql`now()` } as never)
    .where('id', '=', id)
    .execute();
}

export function divisionsOf(db: Executor, agencyId: string) {
  return db.selectFrom('division').select(['id', 'code', 'name']).where('agency_id', '=', agencyId).orderBy('code').execute();
}

export async function insertDivision(db: Executor, d: { agency_id: string; code: string; name: string }) {
  return db.insertInto('division').values(d).returning(['id', 'code', 'name']).executeTakeFirstOrThrow();
}

export function divisionById(db: Executor, id: string) {
  return db.selectFrom('division').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listPositions(db: Executor) {
  return db.selectFrom('position').select(['code', 'name', 'name_en', 'rank']).orderBy('rank').orderBy('code').execute();
}

export function positionByCode(db: Executor, code: string) {
  return db.selectFrom('position').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function upsertPosition(db: Executor, p: { code: string; name: string; name_en: string | null; rank: number }) {
  await db
    .insertInto('position')
    .values(p)
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
}

// --- officials --------------------------------------------------------------

export interface OfficialRow {
  id: string;
  full_name: string;
  email: string | null;
  phone: string | null;
  agency_id: string;
  agency_name: string;
  unit_path: string;
  division_id: string | null;
  position_code: string;
  position_name: string;
  active: boolean;
  account_id: string | null;
}

function officialSelect(db: Executor) {
  return db
    .selectFrom('official as o')
    .innerJoin('agency as a', 'a.id', 'o.agency_id')
    .innerJoin('org_unit as u', 'u.id', 'a.unit_id')
    .innerJoin('position as p', 'p.code', 'o.position_code')
    .select([
      'o.id',
      'o.full_name',
      'o.email',
      'o.phone',
      'o.agency_id',
      'a.name as agency_name',
      'u.path as unit_path',
      'o.division_id',
      'o.position_code',
      'p.name as position_name',
      'o.active',
      // Accounts belong to the identity module; reading the link keeps the list to one query.
      sql<string | null>`(SELECT ac.id::text FROM account ac WHERE ac.official_id = o.id)`.as('account_id'),
    ]);
}

export function listOfficials(db: Executor, f: { agencyId?: string; q?: string; unitPaths?: string[] | null }): Promise<OfficialRow[]> {
  let q = officialSelect(db);
  if (f.agencyId) q = q.where('o.agency_id', '=', f.agencyId);
  if (f.q) {
    const needle = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`f_unaccent(o.full_name)`, 'like', sql`f_unaccent(${needle})`),
        eb(sql`lower(coalesce(o.email, ''))`, 'like', needle.toLowerCase()),
      ]),
    );
  }
  if (f.unitPaths) {
    const paths = f.unitPaths;
    if (!paths.length) return Promise.resolve([]);
    q = q.where((eb) => eb.or(paths.flatMap((p) => [eb('u.path', '=', p), eb('u.path', 'like', `${p}.%`)])));
  }
  return q.orderBy('a.name').orderBy('o.full_name').limit(1000).execute();
}

export function officialById(db: Executor, id: string): Promise<OfficialRow | undefined> {
  return officialSelect(db).where('o.id', '=', id).executeTakeFirst();
}

export function officialByEmail(db: Executor, email: string): Promise<OfficialRow | undefined> {
  return officialSelect(db).where(sql`lower(o.email)`, '=', email.toLowerCase()).executeTakeFirst();
}

export async function insertOfficial(
  db: Executor,
  o: { agency_id: string; division_id: string | null; position_code: string; full_name: string; email: string | null; phone: string | null },
): Promise<string> {
  return (await db.insertInto('official').values(o).returning('id').executeTakeFirstOrThrow()).id;
}

export async function updateOfficial(db: Executor, id: string, patch: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('official')
    .set({ ...patch, updated_at: sql`now()` } as never)
    .where('id', '=', id)
    .execute();
}

/** The province this installation serves: the current top-level province unit (the demo: 37). */
export function provinceUnit(db: Executor): Promise<UnitRow | undefined> {
  return unitSelect(db)
    .where('u.type', 'in', ['province', 'city'])
    .where('u.effective_to', 'is', null)
    .orderBy(sql`length(u.path)`)
    .orderBy('u.path')
    .limit(1)
    .executeTakeFirst();
}
