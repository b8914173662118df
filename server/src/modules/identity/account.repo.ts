import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

export interface AccountTable {
  id: Generated<string>;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  personal_id: string | null;
  tax_code: string | null;
  official_id: string | null;
  email: string | null;
  phone: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: Generated<boolean>;
  totp_pending: string | null;
  active: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface RoleTable {
  code: string;
  name: string;
  name_en: string;
  actions: string[];
}

export interface RoleAssignmentTable {
  id: Generated<string>;
  account_id: string;
  role_code: string;
  unit_id: string | null;
  agency_id: string | null;
  created_at: Generated<Date>;
  created_by: string | null;
}

export interface OidcLinkTable {
  issuer: string;
  subject: string;
  account_id: string;
  created_at: Generated<Date>;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    account: AccountTable;
    role: RoleTable;
    role_assignment: RoleAssignmentTable;
    oidc_link: OidcLinkTable;
  }
}

export type AccountRow = {
  id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  personal_id: string | null;
  tax_code: string | null;
  official_id: string | null;
  email: string | null;
  phone: string | null;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_pending: string | null;
  active: boolean;
};

const COLS = [
  'id', 'kind', 'name', 'personal_id', 'tax_code', 'official_id', 'email', 'phone',
  'password_hash', 'totp_secret', 'totp_enabled', 'totp_pending', 'active',
] as const;

export async function accountById(db: Executor, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('account').select(COLS).where('id', '=', id).executeTakeFirst();
}

/** Accounts a login identifier may name (a 10-digit number may be both a tax code and a phone). */
export async function accountsByLogin(
  db: Executor,
  by: { email?: string; personalId?: string; taxCode?: string | null; phone?: string | null },
): Promise<AccountRow[]> {
  return db
    .selectFrom('account')
    .select(COLS)
    .where('active', '=', true)
    .where((eb) => {
      const ors = [];
      if (by.email) ors.push(eb('email', '=', by.email));
      if (by.personalId) ors.push(eb('personal_id', '=', by.personalId));
      if (by.taxCode) ors.push(eb('tax_code', '=', by.taxCode));
      if (by.phone) ors.push(eb('phone', '=', by.phone));
      return ors.length ? eb.or(ors) : sql<boolean>`false`;
    })
    .limit(3)
    .execute();
}

export async function accountByEmail(db: Executor, email: string): Promise<AccountRow | undefined> {
  return db.selectFrom('account').select(COLS).where('email', '=', email).executeTakeFirst();
}

export async function accountByOfficial(db: Executor, officialId: string): Promise<AccountRow | undefined> {
  return db.selectFrom('account').select(COLS).where('official_id', '=', officialId).executeTakeFirst();
}

/** Which unique identifiers are already taken, to answer 409 naming the field. */
export async function takenIdentifiers(
  db: Executor,
  v: { email?: string | null; phone?: string | null; personalId?: string | null; taxCode?: string | null },
): Promise<{ email: boolean; phone: boolean; personalId: boolean; taxCode: boolean }> {
  const r = await sql<{ email: boolean; phone: boolean; personal_id: boolean; tax_code: boolean }>`
    SELECT
      EXISTS (SELECT 1 FROM account WHERE email = ${v.email ?? null}::text) AS email,
      EXISTS (SELECT 1 FROM account WHERE phone = ${v.phone ?? null}::text) AS phone,
      EXISTS (SELECT 1 FROM account WHERE personal_id = ${v.personalId ?? null}::text) AS personal_id,
      EXISTS (SELECT 1 FROM account WHERE tax_code = ${v.taxCode ?? null}::text) AS tax_code`.execute(db);
  const row = r.rows[0]!;
  return { email: row.email, phone: row.phone, personalId: row.personal_id, taxCode: row.tax_code };
}

export async function insertAccount(
  db: Executor,
  a: Omit<AccountRow, 'id' | 'totp_enabled' | 'active' | 'totp_pending'> & { totp_enabled?: boolean },
): Promise<AccountRow> {
  return db
    .insertInto('account')
    .values({ ...a, totp_pending: null })
    .returning(COLS)
    .executeTakeFirstOrThrow();
}

export async function updateAccount(
  db: Executor,
  id: string,
  patch: Partial<Omit<AccountRow, 'id' | 'kind'>>,
): Promise<void> {
  await db
    .updateTable('account')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export interface RoleView {
  id: string;
  role: string;
  roleName: string;
  actions: string[];
  unitPath: string | null;
  unitName: string | null;
  agencyId: string | null;
}

/** Role assignments with their unit path and name (org_unit belongs to the org module: read-only join). */
export async function assignmentsOf(db: Executor, accountIds: string[]): Promise<(RoleView & { accountId: string })[]> {
  if (!accountIds.length) return [];
  const r = await sql<{
    id: string; account_id: string; role_code: string; role_name: string; actions: string[];
    unit_path: string | null; unit_name: string | null; agency_id: string | null;
  }>`
    SELECT ra.id, ra.account_id, ra.role_code, r.name AS role_name, r.actions,
           u.path AS unit_path, u.name AS unit_name, ra.agency_id
      FROM role_assignment ra
      JOIN role r ON r.code = ra.role_code
      LEFT JOIN org_unit u ON u.id = ra.unit_id
     WHERE ra.account_id = ANY(${accountIds}::uuid[])
     ORDER BY ra.created_at, ra.id`.execute(db);
  return r.rows.map((x) => ({
    id: x.id,
    accountId: x.account_id,
    role: x.role_code,
    roleName: x.role_name,
    actions: x.actions,
    unitPath: x.unit_path,
    unitName: x.unit_name,
    agencyId: x.agency_id,
  }));
}

export async function assignmentById(db: Executor, accountId: string, id: string) {
  const rows = await assignmentsOf(db, [accountId]);
  return rows.find((r) => r.id === id);
}

export async function insertAssignment(
  db: Executor,
  a: { account_id: string; role_code: string; unit_id: string | null; agency_id: string | null; created_by: string | null },
): Promise<string | null> {
  const r = await db
    .insertInto('role_assignment')
    .values(a)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

export async function deleteAssignment(db: Executor, accountId: string, id: string): Promise<boolean> {
  const r = await db.deleteFrom('role_assignment').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Active accounts holding any of these roles (anywhere); the caller checks the scope. */
export async function accountsWithRoles(db: Executor, roleCodes: string[]): Promise<string[]> {
  if (!roleCodes.length) return [];
  const rows = await db
    .selectFrom('role_assignment as r')
    .innerJoin('account as a', 'a.id', 'r.account_id')
    .select('a.id')
    .distinct()
    .where('r.role_code', 'in', roleCodes)
    .where('a.active', '=', true)
    .execute();
  return rows.map((r) => r.id);
}

export async function listRoles(db: Executor): Promise<RoleTable[]> {
  return db.selectFrom('role').select(['code', 'name', 'name_en', 'actions']).orderBy('code').execute();
}

export async function roleByCode(db: Executor, code: string): Promise<RoleTable | undefined> {
  return db.selectFrom('role').select(['code', 'name', 'name_en', 'actions']).where('code', '=', code).executeTakeFirst();
}

export interface AdminAccountRow {
  id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  email: string | null;
  official_id: string | null;
  agency_id: string | null;
  agency_name: string | null;
  unit_path: string | null;
  totp_enabled: boolean;
  locked: boolean;
}

/**
 * Accounts for the administration screen. `scopes` null: every account; otherwise
 * official accounts whose agency lies in one of the scopes, and citizens and
 * businesses only for province-wide scopes (`includePublic`).
 */
export async function adminListAccounts(
  db: Executor,
  f: { q?: string; agencyId?: string; scopes: { unitPath?: string | null; agencyId?: string | null }[] | null; includePublic: boolean; limit: number },
): Promise<AdminAccountRow[]> {
  const scopeSql = f.scopes === null
    ? sql`true`
    : f.scopes.length === 0
      ? sql`false`
      : sql.join(
          f.scopes.map((s) => sql`(${s.unitPath ?? null}::text IS NULL OR u.path = ${s.unitPath ?? null} OR u.path LIKE ${(s.unitPath ?? '') + '.%'})
                                  AND (${s.agencyId ?? null}::uuid IS NULL OR ag.id = ${s.agencyId ?? null})`),
          sql` OR `,
        );
  const like = f.q ? `%${f.q.toLowerCase()}%` : null;
  const r = await sql<AdminAccountRow>`
    SELECT a.id, a.kind, a.name, a.email, a.official_id, ag.id AS agency_id, ag.name AS agency_name, u.path AS unit_path,
           a.totp_enabled,
           EXISTS (SELECT 1 FROM login_failure lf WHERE lf.key = 'account:' || a.id AND lf.locked_until > now()) AS locked
      FROM account a
      LEFT JOIN official o ON o.id = a.official_id
      LEFT JOIN agency ag ON ag.id = o.agency_id
      LEFT JOIN org_unit u ON u.id = ag.unit_id
     WHERE (${like}::text IS NULL OR f_unaccent(lower(a.name)) LIKE f_unaccent(${like}) OR a.email LIKE ${like})
       AND (${f.agencyId ?? null}::uuid IS NULL OR ag.id = ${f.agencyId ?? null})
       AND (
         (a.kind = 'official' AND (${scopeSql}))
         OR (a.kind <> 'official' AND ${f.includePublic})
       )
     ORDER BY a.kind DESC, a.name, a.id
     LIMIT ${f.limit}`.execute(db);
  return r.rows;
}

export async function oidcLinkedAccount(db: Executor, issuer: string, subject: string): Promise<string | undefined> {
  const r = await db.selectFrom('oidc_link').select('account_id').where('issuer', '=', issuer).where('subject', '=', subject).executeTakeFirst();
  return r?.account_id;
}

export async function insertOidcLink(db: Executor, issuer: string, subject: string, accountId: string): Promise<void> {
  await db.insertInto('oidc_link').values({ issuer, subject, account_id: accountId }).execute();
}
