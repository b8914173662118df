import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import type { Grant } from '../../kernel/http/access.js';

export interface SessionTable {
  id: Generated<string>;
  token_hash: Buffer;
  account_id: string;
  csrf_token: string;
  created_at: Generated<Date>;
  expires_at: Date;
  last_seen_at: Generated<Date>;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureTable {
  key: string;
  failures: Generated<number>;
  first_at: Generated<Date>;
  locked_until: Date | null;
}

export interface PasswordResetTable {
  token_hash: Buffer;
  account_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
}

export interface OidcFlowTable {
  state: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  expires_at: Date;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    session: SessionTable;
    login_failure: LoginFailureTable;
    password_reset: PasswordResetTable;
    oidc_flow: OidcFlowTable;
  }
}

export async function insertSession(
  db: Executor,
  s: { token_hash: Buffer; account_id: string; csrf_token: string; expires_at: Date; ip: string | null; user_agent: string | null },
): Promise<string> {
  const r = await db.insertInto('session').values(s).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', id).execute();
}

export async function deleteSessionsOf(db: Executor, accountId: string): Promise<void> {
  await db.deleteFrom('session').where('account_id', '=', accountId).execute();
}

export interface SessionActorRow {
  session_id: string;
  csrf_token: string;
  expires_at: Date;
  account_id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  agency_id: string | null;
  grants: { role: string; actions: string[]; unitPath: string | null; agencyId: string | null }[];
}

/** What the session query also returns so that /me needs no second query. */
export interface SessionMeRow extends SessionActorRow {
  email: string | null;
  phone: string | null;
  personal_id: string | null;
  tax_code: string | null;
  totp_enabled: boolean;
  agency_name: string | null;
  grants: (SessionActorRow['grants'][number] & { id: string; roleName: string; assignedUnitPath: string | null; unitName: string | null })[];
}

/**
 * A grant on the root unit (the province this installation serves) is
 * installation-wide: its unitPath is left empty, so it also covers resources
 * that belong to no unit (the kernel checks system.* actions with an empty scope).
 *
 * The request path of every authenticated call: one round trip by the unique
 * token hash, joining account, official (agency), role assignments and unit paths.
 * last_seen_at is written at most once a minute, in the same statement, so reads
 * do not turn into a write per request.
 */
export async function sessionActor(db: Executor, tokenHash: Buffer): Promise<SessionMeRow | undefined> {
  const r = await sql<SessionMeRow>`
    WITH s AS (
      SELECT id, account_id, csrf_token, last_seen_at, expires_at FROM session
       WHERE token_hash = ${tokenHash} AND expires_at > now()
    ), touch AS (
      UPDATE session SET last_seen_at = now()
       WHERE id = (SELECT id FROM s) AND (SELECT last_seen_at FROM s) < now() - interval '60 seconds'
    )
    SELECT s.id AS session_id, s.csrf_token, s.expires_at, a.id AS account_id, a.kind, a.name, o.agency_id,
           a.email, a.phone, a.personal_id, a.tax_code, a.totp_enabled, ag.name AS agency_name,
           coalesce((
             SELECT json_agg(json_build_object(
                      'id', ra.id, 'role', r.code, 'roleName', r.name, 'actions', r.actions,
                      'unitPath', CASE WHEN u.parent_id IS NULL THEN NULL ELSE u.path END,
                      'assignedUnitPath', u.path, 'unitName', u.name, 'agencyId', ra.agency_id)
                    ORDER BY ra.created_at, ra.id)
               FROM role_assignment ra
               JOIN role r ON r.code = ra.role_code
               LEFT JOIN org_unit u ON u.id = ra.unit_id
              WHERE ra.account_id = a.id
           ), '[]'::json) AS grants
      FROM s
      JOIN account a ON a.id = s.account_id AND a.active
      LEFT JOIN official o ON o.id = a.official_id
      LEFT JOIN agency ag ON ag.id = o.agency_id`.execute(db);
  return r.rows[0];
}

/** The same actor facts for an account without a session (jobs acting for someone, tests). */
export async function accountActor(db: Executor, accountId: string): Promise<Omit<SessionActorRow, 'session_id' | 'csrf_token' | 'expires_at'> | undefined> {
  const r = await sql<Omit<SessionActorRow, 'session_id' | 'csrf_token' | 'expires_at'>>`
    SELECT a.id AS account_id, a.kind, a.name, o.agency_id,
           coalesce((
             SELECT json_agg(json_build_object('role', r.code, 'actions', r.actions, 'unitPath', CASE WHEN u.parent_id IS NULL THEN NULL ELSE u.path END, 'agencyId', ra.agency_id))
               FROM role_assignment ra
               JOIN role r ON r.code = ra.role_code
               LEFT JOIN org_unit u ON u.id = ra.unit_id
              WHERE ra.account_id = a.id
           ), '[]'::json) AS grants
      FROM account a
      LEFT JOIN official o ON o.id = a.official_id
     WHERE a.id = ${accountId}::uuid AND a.active`.execute(db);
  return r.rows[0];
}

export function toGrants(rows: SessionActorRow['grants']): Grant[] {
  return rows.map((g) => ({ role: g.role, actions: g.actions, scope: { unitPath: g.unitPath, agencyId: g.agencyId } }));
}

/** Current lock of a key, if any. */
export async function lockedUntil(db: Executor, keys: string[]): Promise<Date | null> {
  const r = await db
    .selectFrom('login_failure')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', new Date())
    .executeTakeFirst();
  return (r?.until as Date | null) ?? null;
}

/**
 * Counts one failure for `key` within a window of `windowMinutes`; at `max`
 * failures the key is locked for `lockMinutes` and the counter starts again.
 */
export async function recordFailure(db: Executor, key: string, max: number, windowMinutes: number, lockMinutes: number): Promise<Date | null> {
  const r = await sql<{ locked_until: Date | null }>`
    INSERT INTO login_failure AS lf (key, failures, first_at, locked_until)
    VALUES (${key}, 1, now(), CASE WHEN 1 >= ${max}::int THEN now() + make_interval(mins => ${lockMinutes}::int) END)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN lf.first_at < now() - make_interval(mins => ${windowMinutes}::int) OR lf.locked_until IS NOT NULL
                      THEN 1 ELSE lf.failures + 1 END,
      first_at = CASE WHEN lf.first_at < now() - make_interval(mins => ${windowMinutes}::int) OR lf.locked_until IS NOT NULL
                      THEN now() ELSE lf.first_at END,
      locked_until = CASE
        WHEN lf.locked_until > now() THEN lf.locked_until
        WHEN (CASE WHEN lf.first_at < now() - make_interval(mins => ${windowMinutes}::int) OR lf.locked_until IS NOT NULL
                   THEN 1 ELSE lf.failures + 1 END) >= ${max}::int
          THEN now() + make_interval(mins => ${lockMinutes}::int)
        ELSE NULL END
    RETURNING locked_until`.execute(db);
  return r.rows[0]?.locked_until ?? null;
}

export async function clearFailures(db: Executor, keys: string[]): Promise<void> {
  if (keys.length) await db.deleteFrom('login_failure').where('key', 'in', keys).execute();
}

export async function insertReset(db: Executor, r: { token_hash: Buffer; account_id: string; expires_at: Date }): Promise<void> {
  await db.insertInto('password_reset').values({ ...r, used_at: null }).execute();
}

/** Marks a reset token used and returns its account, or nothing if unknown, used or expired (single use, even under races). */
export async function consumeReset(db: Executor, tokenHash: Buffer): Promise<string | undefined> {
  const r = await db
    .updateTable('password_reset')
    .set({ used_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', new Date())
    .returning('account_id')
    .executeTakeFirst();
  return r?.account_id;
}

export async function insertOidcFlow(db: Executor, f: OidcFlowTable): Promise<void> {
  await db.deleteFrom('oidc_flow').where('expires_at', '<', new Date()).execute();
  await db.insertInto('oidc_flow').values(f).execute();
}

export async function takeOidcFlow(db: Executor, state: string): Promise<OidcFlowTable | undefined> {
  return db
    .deleteFrom('oidc_flow')
    .where('state', '=', state)
    .where('expires_at', '>', new Date())
    .returning(['state', 'nonce', 'code_verifier', 'return_to', 'expires_at'])
    .executeTakeFirst();
}

/**
 * Housekeeping: removes expired sessions, finished or expired password-reset
 * tokens and OIDC flows, and failure counters that no longer lock anything.
 */
export async function purgeExpired(db: Executor): Promise<{ sessions: number; resets: number; flows: number; failures: number }> {
  const n = (r: { numAffectedRows?: bigint }) => Number(r.numAffectedRows ?? 0);
  const sessions = n(await sql`DELETE FROM session WHERE expires_at < now()`.execute(db));
  const resets = n(await sql`DELETE FROM password_reset WHERE expires_at < now() - interval '1 day'`.execute(db));
  const flows = n(await sql`DELETE FROM oidc_flow WHERE expires_at < now()`.execute(db));
  const failures = n(await sql`
    DELETE FROM login_failure
     WHERE (locked_until IS NULL OR locked_until < now()) AND first_at < now() - interval '1 day'`.execute(db));
  return { sessions, resets, flows, failures };
}
