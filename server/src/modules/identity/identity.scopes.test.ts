import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { login, newOfficial, type TestSession } from '../../../test/auth.js';

/**
 * Authorization table (opencrvs-style): every identity route and the kernel's
 * admin routes, called by each demo role, with the status each must get.
 * 401 anonymous, 403 wrong role or scope; anything else means the call went through.
 */

type Role = 'anonymous' | 'citizen' | 'business' | 'desk_officer' | 'specialist' | 'leader_stp' | 'phuly_admin' | 'system_admin';
const ROLES: Role[] = ['anonymous', 'citizen', 'business', 'desk_officer', 'specialist', 'leader_stp', 'phuly_admin', 'system_admin'];
const LOGINS: Record<Exclude<Role, 'anonymous'>, string> = {
  citizen: '037090000001',
  business: '2700123456',
  desk_officer: 'motcua@ninhbinh.gov.vn',
  specialist: 'chuyenvien.stp@ninhbinh.gov.vn',
  leader_stp: 'giamdoc.stp@ninhbinh.gov.vn',
  phuly_admin: 'phuly@ninhbinh.gov.vn',
  system_admin: 'admin@ninhbinh.gov.vn',
};

let env: TestEnv;
const sessions = {} as Record<Role, TestSession | null>;

interface Row {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: (role: Role) => Promise<string> | string;
  body?: (role: Role) => Promise<unknown> | unknown;
  expect: Record<Role, number>;
}

const deny = (allowed: Partial<Record<Role, number>>): Record<Role, number> => ({
  anonymous: 401, citizen: 403, business: 403, desk_officer: 403, specialist: 403, leader_stp: 403, phuly_admin: 403, system_admin: 403,
  ...allowed,
});
const signedIn = (status: number): Record<Role, number> => ({
  anonymous: 401, citizen: status, business: status, desk_officer: status, specialist: status, leader_stp: status, phuly_admin: status, system_admin: status,
});
const everyone = (status: number): Record<Role, number> => ({ ...signedIn(status), anonymous: status });

let seq = 0;
/** A fresh official account in Phủ Lý (inside phuly's scope), made by the system admin. */
async function phulyAccount(): Promise<string> {
  const officialId = await newOfficial(env.k, 'UBND-13285', `bang${++seq}.phuly@ninhbinh.gov.vn`);
  const r = await env.app.inject({
    method: 'POST', url: '/api/admin/accounts', headers: sessions.system_admin!.headers,
    payload: { officialId, email: `bang${seq}.phuly@ninhbinh.gov.vn`, password: 'Matkhau2026' },
  });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}
async function assignment(accountId: string, role: string): Promise<string> {
  const r = await env.app.inject({
    method: 'POST', url: `/api/admin/accounts/${accountId}/roles`, headers: sessions.system_admin!.headers,
    payload: { role, unitCode: '13285' },
  });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

const table: Row[] = [
  { name: 'GET /api/auth/oidc', method: 'GET', url: () => '/api/auth/oidc', expect: everyone(200) },
  { name: 'GET /api/auth/me', method: 'GET', url: () => '/api/auth/me', expect: signedIn(200) },
  { name: 'POST /api/auth/login (wrong password)', method: 'POST', url: () => '/api/auth/login', body: (role) => ({ identifier: `${role}@example.vn`, password: 'Sai1matkhau' }), expect: everyone(401) },
  { name: 'POST /api/auth/register (invalid)', method: 'POST', url: () => '/api/auth/register', body: () => ({ kind: 'citizen', identifier: '1', name: 'A B', password: 'x' }), expect: everyone(400) },
  { name: 'POST /api/auth/password/forgot', method: 'POST', url: () => '/api/auth/password/forgot', body: () => ({ email: 'khongai@example.vn' }), expect: everyone(202) },
  { name: 'POST /api/auth/password/reset (bad token)', method: 'POST', url: () => '/api/auth/password/reset', body: () => ({ token: 'x'.repeat(43), password: 'Matkhau2026' }), expect: everyone(400) },
  { name: 'GET /api/auth/oidc/start (not configured)', method: 'GET', url: () => '/api/auth/oidc/start', expect: everyone(404) },
  { name: 'POST /api/auth/totp/setup', method: 'POST', url: () => '/api/auth/totp/setup', body: () => ({}), expect: signedIn(200) },
  { name: 'POST /api/auth/totp/enable (wrong code)', method: 'POST', url: () => '/api/auth/totp/enable', body: () => ({ code: '000000' }), expect: signedIn(400) },
  { name: 'GET /api/admin/roles', method: 'GET', url: () => '/api/admin/roles', expect: deny({ phuly_admin: 200, system_admin: 200 }) },
  { name: 'GET /api/admin/accounts', method: 'GET', url: () => '/api/admin/accounts', expect: deny({ phuly_admin: 200, system_admin: 200 }) },
  {
    name: 'POST /api/admin/accounts (official of Phủ Lý)',
    method: 'POST',
    url: () => '/api/admin/accounts',
    body: async (role) => {
      const officialId = await newOfficial(env.k, 'UBND-13285', `moi.${role}@ninhbinh.gov.vn`);
      return { officialId, email: `moi.${role}@ninhbinh.gov.vn`, password: 'Matkhau2026' };
    },
    expect: deny({ phuly_admin: 201, system_admin: 201 }),
  },
  {
    name: 'POST /api/admin/accounts/:id/roles (specialist in Phủ Lý)',
    method: 'POST',
    url: async () => `/api/admin/accounts/${await phulyAccount()}/roles`,
    body: () => ({ role: 'specialist', unitCode: '13285' }),
    expect: deny({ phuly_admin: 201, system_admin: 201 }),
  },
  {
    name: 'DELETE /api/admin/accounts/:id/roles/:assignmentId',
    method: 'DELETE',
    url: async () => {
      const id = await phulyAccount();
      return `/api/admin/accounts/${id}/roles/${await assignment(id, 'specialist')}`;
    },
    expect: deny({ phuly_admin: 204, system_admin: 204 }),
  },
  {
    name: 'POST /api/admin/accounts/:id/unlock (official of Phủ Lý)',
    method: 'POST',
    url: async () => `/api/admin/accounts/${await phulyAccount()}/unlock`,
    body: () => ({}),
    expect: deny({ phuly_admin: 204, system_admin: 204 }),
  },
  { name: 'GET /api/admin/outbox', method: 'GET', url: () => '/api/admin/outbox', expect: deny({ system_admin: 200 }) },
  { name: 'POST /api/admin/outbox/:id/retry (none)', method: 'POST', url: () => '/api/admin/outbox/999999/retry', body: () => ({}), expect: deny({ system_admin: 404 }) },
  { name: 'GET /api/admin/audit', method: 'GET', url: () => '/api/admin/audit?limit=5', expect: deny({ system_admin: 200 }) },
  { name: 'GET /api/admin/audit/verify', method: 'GET', url: () => '/api/admin/audit/verify', expect: deny({ system_admin: 200 }) },
];

beforeAll(async () => {
  env = await testEnv({ demo: true });
  sessions.anonymous = null;
  for (const r of ROLES.filter((r) => r !== 'anonymous') as Exclude<Role, 'anonymous'>[]) {
    sessions[r] = await login(env.app, LOGINS[r]);
  }
});
afterAll(() => env.close());

describe('authorization table', () => {
  for (const row of table) {
    it(row.name, async () => {
      const got: Partial<Record<Role, number>> = {};
      for (const role of ROLES) {
        const url = await row.url(role);
        const payload = row.body ? ((await row.body(role)) as object) : undefined;
        const r = await env.app.inject({ method: row.method, url, payload, headers: sessions[role]?.headers ?? {} });
        got[role] = r.statusCode;
        if (r.statusCode === 403 && row.expect[role] === 403) expect(r.json().code).toBe('FORBIDDEN');
      }
      expect(got).toEqual(row.expect);
    });
  }

  it('POST /api/auth/logout (last: ends each session)', async () => {
    const got: Partial<Record<Role, number>> = {};
    for (const role of ROLES) {
      got[role] = (await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: sessions[role]?.headers ?? {} })).statusCode;
    }
    expect(got).toEqual(signedIn(204));
  });
});
