import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

let env: TestEnv;
const who: Record<string, TestSession> = {};
beforeAll(async () => {
  env = await testEnv({ demo: true });
  who.admin = await login(env.app, 'admin@ninhbinh.gov.vn');
  who.phuly = await login(env.app, 'phuly@ninhbinh.gov.vn');
  who.giamdoc = await login(env.app, 'giamdoc.stp@ninhbinh.gov.vn');
  who.citizen = await login(env.app, 'congdan@example.vn');
});
afterAll(() => env.close());

type Method = 'GET' | 'POST' | 'PATCH';
async function call(method: Method, url: string, as?: keyof typeof who, payload?: unknown) {
  return env.app.inject({ method, url, headers: as ? who[as]!.headers : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });
}

async function agencyId(code: string): Promise<string> {
  const r = await call('GET', `/api/agencies?q=${encodeURIComponent(code)}`);
  const a = r.json().items.find((x: { code: string }) => x.code === code);
  if (!a) throw new Error(`no agency ${code}`);
  return a.id;
}

describe('public reads', () => {
  it('lists the demo province and its communes, searching without diacritics', async () => {
    const p = await call('GET', '/api/units/37');
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ code: '37', fullName: 'Tỉnh Ninh Bình', type: 'province', parentCode: null, path: '37' });
    expect(p.json().childrenCount).toBeGreaterThanOrEqual(20);
    const communes = await call('GET', '/api/units?parent=37&limit=500');
    expect(communes.json().total).toBeGreaterThanOrEqual(20);
    const phuly = await call('GET', '/api/units?q=phu%20ly');
    expect(phuly.json().items.map((u: { code: string }) => u.code)).toContain('13285');
    expect(phuly.json().items[0]).toMatchObject({ fullName: 'Phường Phủ Lý', path: '37.13285', type: 'ward' });
    expect((await call('GET', '/api/units?q=HOA%20LU')).json().items.map((u: { name: string }) => u.name)).toContain('Hoa Lư');
  });

  it('lists agencies, divisions and positions', async () => {
    const r = await call('GET', '/api/agencies?kind=department');
    const codes = r.json().items.map((a: { code: string }) => a.code);
    expect(codes).toEqual(expect.arrayContaining(['STP', 'SKHCN', 'SXD', 'SNNMT', 'STC']));
    expect((await call('GET', '/api/agencies?unit=13285')).json().items[0]).toMatchObject({ code: 'UBND-13285', kind: 'commune_committee', unitName: 'Phủ Lý' });
    const stp = await agencyId('STP');
    expect((await call('GET', `/api/agencies/${stp}/divisions`)).json().items.map((d: { name: string }) => d.name)).toContain('Phòng Hành chính tư pháp');
    expect((await call('GET', '/api/positions')).json().items.map((p: { name: string }) => p.name)).toContain('Chuyên viên');
  });

  it('answers 404 and 400 in Vietnamese', async () => {
    const nf = await call('GET', '/api/units/99999');
    expect(nf.statusCode).toBe(404);
    expect(nf.json().detail).toBe('Không tìm thấy đơn vị hành chính mã 99999');
    const bad = await call('GET', '/api/units/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'params.code' });
    expect((await call('GET', `/api/agencies/not-a-uuid/divisions`)).statusCode).toBe(400);
  });
});

describe('units administration', () => {
  it('creates a unit formed by a merger, with its lineage, and refuses duplicates and wrong types', async () => {
    const created = await call('POST', '/api/admin/units', 'admin', {
      code: '19999',
      name: 'Thử Nghiệm',
      fullName: 'Xã Thử Nghiệm',
      type: 'commune',
      parentCode: '37',
      effectiveFrom: '2026-07-01',
      predecessorCodes: ['13456', '13495'],
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: '19999', path: '37.19999', parentCode: '37', effectiveFrom: '2026-07-01' });
    const detail = (await call('GET', '/api/units/19999')).json();
    expect(detail.predecessors.map((p: { code: string }) => p.code)).toEqual(['13456', '13495']);

    const dup = await call('POST', '/api/admin/units', 'admin', { code: '19999', name: 'X', fullName: 'Xã X', type: 'commune', parentCode: '37' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().code).toBe('ORG_UNIT_CODE_TAKEN');
    const wrongType = await call('POST', '/api/admin/units', 'admin', { code: '19998', name: 'X', fullName: 'Tỉnh X', type: 'province', parentCode: '37' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].field).toBe('body.type');
    const noParent = await call('POST', '/api/admin/units', 'admin', { code: '19997', name: 'X', fullName: 'Xã X', type: 'commune', parentCode: '98' });
    expect(noParent.statusCode).toBe(404);
    const invalid = await call('POST', '/api/admin/units', 'admin', { code: '1', name: '', type: 'town', extra: 1 });
    expect(invalid.statusCode).toBe(400);
    const fields = invalid.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.code', 'body.name', 'body.fullName', 'body.type', 'body.extra']));
  });

  it('renames and ends a unit, keeping it in history', async () => {
    const r = await call('PATCH', '/api/admin/units/19999', 'admin', { fullName: 'Xã Thử Nghiệm Mới', name: 'Thử Nghiệm Mới' });
    expect(r.json().fullName).toBe('Xã Thử Nghiệm Mới');
    const badEnd = await call('PATCH', '/api/admin/units/19999', 'admin', { effectiveTo: '2020-01-01' });
    expect(badEnd.statusCode).toBe(400);
    expect(badEnd.json().errors[0].field).toBe('body.effectiveTo');
    const ended = await call('PATCH', '/api/admin/units/19999', 'admin', { effectiveTo: '2026-12-31' });
    expect(ended.json().effectiveTo).toBe('2026-12-31');
    const audit = await env.k.db.selectFrom('audit_log').select(['action']).where('entity', '=', 'org_unit').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['org.unit.create', 'org.unit.update']));
  });
});

describe('agencies and officials administration', () => {
  it('creates and edits an agency, a division and an official; refuses conflicts', async () => {
    const a = await call('POST', '/api/admin/agencies', 'admin', { code: 'SDL', name: 'Sở Du lịch', kind: 'department', unitCode: '37', email: 'sdl@ninhbinh.gov.vn' });
    expect(a.statusCode).toBe(201);
    expect(a.json()).toMatchObject({ code: 'SDL', unitCode: '37', active: true });
    expect((await call('POST', '/api/admin/agencies', 'admin', { code: 'SDL', name: 'X', kind: 'department', unitCode: '37' })).statusCode).toBe(409);
    const renamed = await call('PATCH', `/api/admin/agencies/${a.json().id}`, 'admin', { name: 'Sở Văn hóa, Thể thao và Du lịch' });
    expect(renamed.json().name).toBe('Sở Văn hóa, Thể thao và Du lịch');
    const d = await call('POST', `/api/admin/agencies/${a.json().id}/divisions`, 'admin', { code: 'QLDL', name: 'Phòng Quản lý du lịch' });
    expect(d.statusCode).toBe(201);
    const o = await call('POST', '/api/admin/officials', 'admin', {
      fullName: 'Lương Thị Hằng',
      email: 'Hang.sdl@ninhbinh.gov.vn',
      agencyId: a.json().id,
      divisionId: d.json().id,
      positionCode: 'chuyen_vien',
    });
    expect(o.statusCode).toBe(201);
    expect(o.json()).toMatchObject({ email: 'hang.sdl@ninhbinh.gov.vn', positionName: 'Chuyên viên', accountId: null });
    const dupEmail = await call('POST', '/api/admin/officials', 'admin', { fullName: 'X', email: 'hang.sdl@ninhbinh.gov.vn', agencyId: a.json().id, positionCode: 'chuyen_vien' });
    expect(dupEmail.statusCode).toBe(409);
    const badPos = await call('POST', '/api/admin/officials', 'admin', { fullName: 'X', agencyId: a.json().id, positionCode: 'vua' });
    expect(badPos.statusCode).toBe(400);
    expect(badPos.json().errors[0].field).toBe('body.positionCode');
    const moved = await call('PATCH', `/api/admin/officials/${o.json().id}`, 'admin', { positionCode: 'truong_phong', active: false });
    expect(moved.json()).toMatchObject({ positionName: 'Trưởng phòng', active: false });
    const list = await call('GET', `/api/admin/officials?agencyId=${a.json().id}`, 'admin');
    expect(list.json().items).toHaveLength(1);
  });
});

describe('who may do what (every org route)', () => {
  it('public reads need nobody', async () => {
    for (const url of ['/api/units', '/api/units/37', '/api/agencies', '/api/positions']) expect((await call('GET', url)).statusCode).toBe(200);
  });

  it('writes: anonymous 401, citizen 403, department leader 403, commune admin only in its commune, province admin everywhere', async () => {
    const phulyAgency = await agencyId('UBND-13285');
    const phuvanAgency = await agencyId('UBND-13291');
    const stp = await agencyId('STP');
    const cases: { method: Method; url: string; body: unknown; expect: Partial<Record<'anon' | 'citizen' | 'giamdoc' | 'phuly' | 'admin', number>> }[] = [
      { method: 'POST', url: '/api/admin/units', body: { code: '37', name: 'x', fullName: 'Tỉnh x', type: 'province' }, expect: { anon: 401, citizen: 403, giamdoc: 403, phuly: 403 } },
      { method: 'PATCH', url: '/api/admin/units/13285', body: { nameEn: 'Phu Ly Ward' }, expect: { anon: 401, citizen: 403, giamdoc: 403, phuly: 200, admin: 200 } },
      { method: 'PATCH', url: '/api/admin/units/13291', body: { nameEn: 'Phu Van Ward' }, expect: { phuly: 403, admin: 200 } },
      { method: 'PATCH', url: `/api/admin/agencies/${phulyAgency}`, body: { phone: '0226 3851 234' }, expect: { anon: 401, citizen: 403, giamdoc: 403, phuly: 200, admin: 200 } },
      { method: 'PATCH', url: `/api/admin/agencies/${phuvanAgency}`, body: { phone: '0226 3851 235' }, expect: { phuly: 403, admin: 200 } },
      { method: 'PATCH', url: `/api/admin/agencies/${stp}`, body: { phone: '0226 3851 236' }, expect: { phuly: 403, giamdoc: 403, admin: 200 } },
      { method: 'POST', url: `/api/admin/agencies/${phulyAgency}/divisions`, body: { code: 'VH', name: 'Phòng Văn hóa - Xã hội' }, expect: { anon: 401, citizen: 403, phuly: 201 } },
      { method: 'POST', url: `/api/admin/agencies/${stp}/divisions`, body: { code: 'TT', name: 'Thanh tra' }, expect: { phuly: 403, giamdoc: 403, admin: 201 } },
      { method: 'POST', url: '/api/admin/officials', body: { fullName: 'Cán bộ Phủ Lý', agencyId: phulyAgency, positionCode: 'chuyen_vien' }, expect: { anon: 401, citizen: 403, giamdoc: 403, phuly: 201 } },
      { method: 'POST', url: '/api/admin/officials', body: { fullName: 'Cán bộ Sở', agencyId: stp, positionCode: 'chuyen_vien' }, expect: { phuly: 403, admin: 201 } },
      { method: 'GET', url: '/api/admin/officials', body: undefined, expect: { anon: 401, citizen: 403, giamdoc: 403, phuly: 200, admin: 200 } },
    ];
    const failures: string[] = [];
    for (const c of cases) {
      for (const [role, status] of Object.entries(c.expect)) {
        const r = await call(c.method, c.url, role === 'anon' ? undefined : (role as keyof typeof who), c.body);
        if (r.statusCode !== status) failures.push(`${role} ${c.method} ${c.url} → ${r.statusCode}, expected ${status}: ${r.body.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a commune admin sees only its own officials', async () => {
    const r = await call('GET', '/api/admin/officials', 'phuly');
    const agencies = new Set(r.json().items.map((o: { agencyName: string }) => o.agencyName));
    expect([...agencies]).toEqual(['Ủy ban nhân dân phường Phủ Lý']);
    const all = await call('GET', '/api/admin/officials', 'admin');
    expect(all.json().items.length).toBeGreaterThan(r.json().items.length);
  });
});
