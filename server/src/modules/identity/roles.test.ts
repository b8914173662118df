import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { actorFor, login, newOfficial, type TestSession } from '../../../test/auth.js';
import { can } from '../../kernel/http/access.js';

let env: TestEnv;
let admin: TestSession;
let phuly: TestSession;
let phulyStaff: string; // account of a Phủ Lý official
let stpStaff: string; // account of a Sở Tư pháp official

const post = (s: TestSession, url: string, payload: object) => env.app.inject({ method: 'POST', url, payload, headers: s.headers });

async function account(agency: string, email: string): Promise<string> {
  const officialId = await newOfficial(env.k, agency, email);
  const r = await post(admin, '/api/admin/accounts', { officialId, email, password: 'Matkhau2026' });
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

beforeAll(async () => {
  env = await testEnv({ demo: true });
  admin = await login(env.app, 'admin@ninhbinh.gov.vn');
  phuly = await login(env.app, 'phuly@ninhbinh.gov.vn');
  phulyStaff = await account('UBND-13285', 'canbo1.phuly@ninhbinh.gov.vn');
  stpStaff = await account('STP', 'canbo1.stp@ninhbinh.gov.vn');
});
afterAll(() => env.close());

describe('roles as data', () => {
  it('lists the seeded roles; only system_admin holds system.*', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/admin/roles', headers: admin.headers });
    const roles = Object.fromEntries(r.json().items.map((x: { code: string; actions: string[] }) => [x.code, x.actions]));
    expect(Object.keys(roles).sort()).toEqual(['clerk', 'desk_officer', 'division_head', 'feedback_operator', 'leader', 'specialist', 'steering_leader', 'system_admin', 'unit_admin']);
    expect(roles.system_admin).toEqual(['*']);
    expect(roles.unit_admin).toEqual(['org.*', 'identity.account.manage', 'identity.role.assign']);
    for (const [code, actions] of Object.entries(roles) as [string, string[]][]) {
      if (code !== 'system_admin') expect(actions.some((a) => a.startsWith('system.') || a === '*')).toBe(false);
    }
  });

  it('gives the demo officials the grants of the brief', async () => {
    const leader = await actorFor(env.k, 'giamdoc.stp@ninhbinh.gov.vn');
    const stp = leader.grants[0]!.scope.agencyId!;
    expect(can(leader, 'services.dossier.approve', { unitPath: '37', agencyId: stp })).toBe(true);
    expect(can(leader, 'services.dossier.approve', { unitPath: '37', agencyId: '00000000-0000-0000-0000-000000000001' })).toBe(false);
    expect(can(leader, 'org.unit.manage', { unitPath: '37', agencyId: stp })).toBe(false);
    const p = await actorFor(env.k, 'phuly@ninhbinh.gov.vn');
    expect(can(p, 'org.unit.manage', { unitPath: '37.13285' })).toBe(true);
    expect(can(p, 'org.unit.manage', { unitPath: '37.13300' })).toBe(false);
    expect(can(p, 'services.dossier.approve', { unitPath: '37.13285' })).toBe(true);
    const sys = await actorFor(env.k, 'admin@ninhbinh.gov.vn');
    expect(can(sys, 'system.audit.read', {})).toBe(true);
    const citizen = await actorFor(env.k, '037090000001');
    expect(citizen).toMatchObject({ kind: 'citizen', grants: [] });
  });
});

describe('a unit administrator (Phủ Lý)', () => {
  it('assigns a role it holds within its unit, and the grant takes effect', async () => {
    const r = await post(phuly, `/api/admin/accounts/${phulyStaff}/roles`, { role: 'specialist', unitCode: '13285' });
    expect(r.statusCode).toBe(201);
    const s = await login(env.app, 'canbo1.phuly@ninhbinh.gov.vn', 'Matkhau2026');
    expect(s.user.roles).toMatchObject([{ role: 'specialist', unitPath: '37.13285', unitName: expect.any(String) }]);
    expect(s.user.actions).toContain('services.dossier.process');
    const dup = await post(phuly, `/api/admin/accounts/${phulyStaff}/roles`, { role: 'specialist', unitCode: '13285' });
    expect(dup.statusCode).toBe(409);
    const audit = await env.k.db.selectFrom('audit_log').select(['action', 'actor_id']).where('entity_id', '=', phulyStaff).where('action', '=', 'identity.role.assign').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(phuly.user.id);
  });

  it('cannot grant actions it does not hold (no privilege escalation)', async () => {
    for (const role of ['system_admin', 'steering_leader', 'desk_officer']) {
      const r = await post(phuly, `/api/admin/accounts/${phulyStaff}/roles`, { role, unitCode: '13285' });
      expect(r.statusCode, role).toBe(403);
      expect(r.json().code).toBe('ROLE_ESCALATION');
    }
    const rows = await env.k.db.selectFrom('role_assignment').select('role_code').where('account_id', '=', phulyStaff).execute();
    expect(rows.map((r) => r.role_code)).toEqual(['specialist']);
  });

  it('cannot assign outside its unit, nor to an official outside its unit', async () => {
    const province = await post(phuly, `/api/admin/accounts/${phulyStaff}/roles`, { role: 'specialist', unitCode: '37' });
    expect(province.statusCode).toBe(403);
    expect(province.json().code).toBe('FORBIDDEN');
    const other = await post(phuly, `/api/admin/accounts/${stpStaff}/roles`, { role: 'specialist', unitCode: '13285' });
    expect(other.statusCode).toBe(403);
    // Nor make itself province-wide.
    const self = await post(phuly, `/api/admin/accounts/${phuly.user.id}/roles`, { role: 'unit_admin', unitCode: '37' });
    expect(self.statusCode).toBe(403);
  });

  it('cannot create accounts for, unlock or see officials and citizens outside its unit', async () => {
    const officialId = await newOfficial(env.k, 'STP', 'canbo2.stp@ninhbinh.gov.vn');
    const r = await post(phuly, '/api/admin/accounts', { officialId, email: 'canbo2.stp@ninhbinh.gov.vn', password: 'Matkhau2026' });
    expect(r.statusCode).toBe(403);
    const list = await env.app.inject({ method: 'GET', url: '/api/admin/accounts', headers: phuly.headers });
    const emails = list.json().items.map((a: { email: string }) => a.email);
    expect(emails).toContain('canbo1.phuly@ninhbinh.gov.vn');
    expect(emails).toContain('phuly@ninhbinh.gov.vn');
    expect(emails).not.toContain('canbo1.stp@ninhbinh.gov.vn');
    expect(emails).not.toContain('congdan@example.vn');
    const citizen = await actorFor(env.k, '037090000001');
    expect((await post(phuly, `/api/admin/accounts/${citizen.id}/unlock`, {})).statusCode).toBe(403);
    expect((await post(phuly, `/api/admin/accounts/${stpStaff}/unlock`, {})).statusCode).toBe(403);
    const all = await env.app.inject({ method: 'GET', url: '/api/admin/accounts?limit=500', headers: admin.headers });
    const allEmails = all.json().items.map((a: { email: string }) => a.email);
    expect(allEmails).toEqual(expect.arrayContaining(['canbo1.stp@ninhbinh.gov.vn', 'congdan@example.vn']));
  });

  it('cannot remove a role it could not grant', async () => {
    const sys = await actorFor(env.k, 'admin@ninhbinh.gov.vn');
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: admin.headers });
    const asg = me.json().roles[0].id;
    const r = await env.app.inject({ method: 'DELETE', url: `/api/admin/accounts/${sys.id}/roles/${asg}`, headers: phuly.headers });
    expect(r.statusCode).toBe(403);
  });

  it('refuses a citizen as role holder, an unknown role and an unknown unit, naming the field', async () => {
    const citizen = await actorFor(env.k, '037090000001');
    const c = await post(admin, `/api/admin/accounts/${citizen.id}/roles`, { role: 'specialist', unitCode: '13285' });
    expect(c.statusCode).toBe(400);
    const role = await post(admin, `/api/admin/accounts/${phulyStaff}/roles`, { role: 'vua', unitCode: '13285' });
    expect(role.json().errors[0]).toMatchObject({ field: 'body.role' });
    const unit = await post(admin, `/api/admin/accounts/${phulyStaff}/roles`, { role: 'clerk', unitCode: '99999' });
    expect(unit.json().errors[0]).toMatchObject({ field: 'body.unitCode', message: 'Không có đơn vị hành chính mã 99999' });
  });

  it('lets the system administrator grant system_admin', async () => {
    const r = await post(admin, `/api/admin/accounts/${stpStaff}/roles`, { role: 'system_admin', unitCode: '37' });
    expect(r.statusCode).toBe(201);
    const s = await login(env.app, 'canbo1.stp@ninhbinh.gov.vn', 'Matkhau2026');
    expect((await env.app.inject({ method: 'GET', url: '/api/admin/audit?limit=1', headers: s.headers })).statusCode).toBe(200);
    const del = await env.app.inject({ method: 'DELETE', url: `/api/admin/accounts/${stpStaff}/roles/${r.json().id}`, headers: admin.headers });
    expect(del.statusCode).toBe(204);
    // Revocation applies to the next request of an open session.
    expect((await env.app.inject({ method: 'GET', url: '/api/admin/audit?limit=1', headers: s.headers })).statusCode).toBe(403);
  });
});

describe('congso accounts commands', () => {
  it('creates an official account with a temporary password, grants a role and unlocks it', async () => {
    const { identityCommands } = await import('./commands.js');
    const { vi } = await import('vitest');
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((m: string) => void out.push(m));
    const err = vi.spyOn(console, 'error').mockImplementation((m: string) => void out.push(m));
    try {
      await newOfficial(env.k, 'VPUB', 'quantri2@ninhbinh.gov.vn');
      expect(await identityCommands['accounts create-official']!.run(env.k, ['quantri2@ninhbinh.gov.vn'])).toBe(0);
      const password = /Mật khẩu tạm \/ temporary password: (\S+)/.exec(out.join('\n'))![1]!;
      expect(await identityCommands['accounts grant']!.run(env.k, ['quantri2@ninhbinh.gov.vn', 'system_admin', '37'])).toBe(0);
      expect(await identityCommands['accounts grant']!.run(env.k, ['quantri2@ninhbinh.gov.vn', 'vua', '37'])).toBe(1);
      expect(await identityCommands['accounts grant']!.run(env.k, ['khongco@ninhbinh.gov.vn', 'clerk', '37'])).toBe(1);
      const s = await login(env.app, 'quantri2@ninhbinh.gov.vn', password);
      expect(s.user.roles).toMatchObject([{ role: 'system_admin', unitPath: '37' }]);
      expect(await identityCommands['accounts unlock']!.run(env.k, ['quantri2@ninhbinh.gov.vn'])).toBe(0);
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});
