import { sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import type { AccountRow } from './account.repo.js';
import type { SessionMeRow } from './session.repo.js';
import { maskId } from './identifiers.js';

export interface Me {
  id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  email: string | null;
  phone: string | null;
  identifier: string;
  agency: { id: string; name: string } | null;
  roles: { id: string; role: string; roleName: string; unitPath: string | null; unitName: string | null; agencyId: string | null }[];
  actions: string[];
  csrfToken: string;
  totpEnabled: boolean;
}

/** The identifier shown to its owner: ID numbers masked (Nghị định 13/2023), an official's email as is. */
export function shownIdentifier(a: Pick<AccountRow, 'kind' | 'personal_id' | 'tax_code' | 'email'>): string {
  if (a.kind === 'citizen' && a.personal_id) return maskId(a.personal_id);
  if (a.kind === 'business' && a.tax_code) return maskId(a.tax_code);
  return a.email ?? '';
}

interface MeRow extends Pick<AccountRow, 'id' | 'kind' | 'name' | 'email' | 'phone' | 'personal_id' | 'tax_code' | 'totp_enabled'> {
  agency: { id: string; name: string } | null;
  roles: (Me['roles'][number] & { actions: string[] })[];
}

/**
 * /me in one round trip (it is what the web app calls on every page load):
 * the account, the official's agency and the role assignments with their units.
 * agency and org_unit belong to the org module: read-only joins.
 */
export async function buildMe(db: Executor, accountId: string, csrfToken: string): Promise<Me | null> {
  const r = await sql<MeRow>`
    SELECT a.id, a.kind, a.name, a.email, a.phone, a.personal_id, a.tax_code, a.totp_enabled,
           (SELECT json_build_object('id', ag.id, 'name', ag.name)
              FROM official o JOIN agency ag ON ag.id = o.agency_id WHERE o.id = a.official_id) AS agency,
           coalesce((
             SELECT json_agg(json_build_object('id', ra.id, 'role', ra.role_code, 'roleName', r.name, 'actions', r.actions,
                                               'unitPath', u.path, 'unitName', u.name, 'agencyId', ra.agency_id)
                             ORDER BY ra.created_at, ra.id)
               FROM role_assignment ra
               JOIN role r ON r.code = ra.role_code
               LEFT JOIN org_unit u ON u.id = ra.unit_id
              WHERE ra.account_id = a.id
           ), '[]'::json) AS roles
      FROM account a
     WHERE a.id = ${accountId}::uuid AND a.active`.execute(db);
  const a = r.rows[0];
  if (!a) return null;
  return {
    id: a.id,
    kind: a.kind,
    name: a.name,
    email: a.email,
    phone: a.phone,
    identifier: shownIdentifier(a),
    agency: a.agency,
    roles: a.roles.map(({ id, role, roleName, unitPath, unitName, agencyId }) => ({ id, role, roleName, unitPath, unitName, agencyId })),
    actions: [...new Set(a.roles.flatMap((x) => x.actions))].sort(),
    csrfToken,
    totpEnabled: a.totp_enabled,
  };
}

/** /me from the row the session query already returned (the hot path: no further query). */
export function meFromSession(s: SessionMeRow): Me {
  return {
    id: s.account_id,
    kind: s.kind,
    name: s.name,
    email: s.email,
    phone: s.phone,
    identifier: shownIdentifier(s),
    agency: s.agency_id && s.agency_name ? { id: s.agency_id, name: s.agency_name } : null,
    roles: s.grants.map((g) => ({ id: g.id, role: g.role, roleName: g.roleName, unitPath: g.assignedUnitPath, unitName: g.unitName, agencyId: g.agencyId })),
    actions: [...new Set(s.grants.flatMap((g) => g.actions))].sort(),
    csrfToken: s.csrf_token,
    totpEnabled: s.totp_enabled,
  };
}
