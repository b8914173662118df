import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * Editing the live figures' targets per level and the DTI evidence mappings on
 * real PostgreSQL: who may read and write, bad input (wrong units, negative
 * counts, shares over 100%, amber on the wrong side) refused with the field
 * named and nothing stored, and a new target recolouring the card at once.
 */

let env: TestEnv;
let admin: TestSession;
let leader: TestSession;
let phuly: TestSession;
let citizen: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, leader, phuly, citizen] = await Promise.all([
    login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn'),
  ]);
});
afterAll(() => env.close());

const call = async (s: TestSession | null, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: s?.headers ?? {} });
  return { status: r.statusCode, body: r.json() as Json };
};
const year = new Date().getFullYear();
const card = async (s: TestSession, q: string, key: string) => {
  const r = await call(s, 'GET', `/api/operations/dashboard?from=${year - 1}-01-01&to=${year}-12-31${q}`);
  expect(r.status).toBe(200);
  return r.body.figures.find((f: Json) => f.key === key);
};

describe('live targets per level', () => {
  it('has every seeded target at each of the three levels, readable by leaders only', async () => {
    const r = await call(leader, 'GET', '/api/operations/targets');
    expect(r.status).toBe(200);
    const t = r.body.targets.filter((x: Json) => x.key === 'petitions.onTimeRate');
    expect(t.map((x: Json) => x.level).sort()).toEqual(['agency', 'commune', 'province']);
    expect(t[0]).toMatchObject({ unit: 'percent', target: 90, amber: 80, direction: 'up' });
    expect(r.body.figures.find((f: Json) => f.key === 'dossiers.received')).toEqual({ key: 'dossiers.received', unit: 'count' });
    expect((await call(citizen, 'GET', '/api/operations/targets')).status).toBe(403);
    expect((await call(null, 'GET', '/api/operations/targets')).status).toBe(401);
  });

  it('refuses impossible targets with the field named, and stores nothing', async () => {
    const before = (await call(admin, 'GET', '/api/operations/targets')).body.targets;
    const put = (key: string, level: string, body: Json) => call(admin, 'PUT', `/api/operations/targets/${key}/${level}`, body);
    const basis = 'Kế hoạch của tỉnh';
    const cases: [string, string, Json, string][] = [
      ['petitions.onTimeRate', 'commune', { target: 120, amber: 80, direction: 'up', basis }, 'body.target'],
      ['petitions.onTimeRate', 'commune', { target: 90, amber: -5, direction: 'up', basis }, 'body.amber'],
      ['petitions.onTimeRate', 'commune', { unit: 'count', target: 90, amber: 80, direction: 'up', basis }, 'body.unit'],
      ['dossiers.received', 'commune', { target: -1, amber: 0, direction: 'up', basis }, 'body.target'],
      ['dossiers.received', 'commune', { target: 10.5, amber: 5, direction: 'up', basis }, 'body.target'],
      ['petitions.onTimeRate', 'commune', { target: 80, amber: 90, direction: 'up', basis }, 'body.amber'],
      ['petitions.overdueRate', 'commune', { target: 10, amber: 5, direction: 'down', basis }, 'body.amber'],
      ['petitions.onTimeRate', 'commune', { target: '90', amber: 80, direction: 'up', basis }, 'target'],
      ['petitions.onTimeRate', 'xa', { target: 90, amber: 80, direction: 'up', basis }, 'level'],
      ['petitions.khongCo', 'commune', { target: 90, amber: 80, direction: 'up', basis }, 'petitions.khongCo'],
    ];
    for (const [key, level, body, field] of cases) {
      const r = await put(key, level, body);
      expect(r.status, `${key} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(JSON.stringify(r.body), JSON.stringify(body)).toContain(field);
    }
    expect((await call(admin, 'GET', '/api/operations/targets')).body.targets).toEqual(before);
  });

  it('lets only the steering committee and administrators change a target, and the card changes colour at once', async () => {
    const body = { target: 1_000_000, amber: 999_999, direction: 'up', basis: 'Chỉ tiêu thử nghiệm của xã' };
    expect((await call(leader, 'PUT', '/api/operations/targets/dossiers.received/commune', body)).status).toBe(403);
    expect((await call(phuly, 'PUT', '/api/operations/targets/dossiers.received/commune', body)).status).toBe(403);
    expect((await card(phuly, '&unit=13285', 'dossiers.received')).rag).toBeNull();
    const saved = await call(admin, 'PUT', '/api/operations/targets/dossiers.received/commune', body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.targets.find((t: Json) => t.key === 'dossiers.received' && t.level === 'commune')).toMatchObject({ target: 1_000_000, updatedBy: expect.any(String) });
    const red = await card(phuly, '&unit=13285', 'dossiers.received');
    expect(red).toMatchObject({ target: 1_000_000, rag: 'red' });
    // The province keeps its own (none for this figure).
    expect((await card(leader, '', 'dossiers.received')).rag).toBeNull();
    await call(admin, 'PUT', '/api/operations/targets/dossiers.received/commune', { ...body, target: 0, amber: 0 });
    expect((await card(phuly, '&unit=13285', 'dossiers.received')).rag).toBe('green');
    // The province screen colours its communes by the communes' targets.
    const prov = await call(leader, 'GET', `/api/operations/dashboard?from=${year - 1}-01-01&to=${year}-12-31`);
    expect(prov.body.children.find((c: Json) => c.code === '13285').rag['dossiers.received']).toBe('green');
    const removed = await call(admin, 'DELETE', '/api/operations/targets/dossiers.received/commune');
    expect(removed.status).toBe(200);
    expect((await card(phuly, '&unit=13285', 'dossiers.received')).rag).toBeNull();
  });
});

describe('DTI evidence mappings', () => {
  it('maps a DTI component to a live figure, refuses unknown ones, and lets only the DTI managers do it', async () => {
    const url = '/api/operations/dti/frameworks/2025/indicators/CQ.3/evidence';
    const ok = await call(admin, 'PUT', url, { evidenceKey: 'documents.signedShare', evidenceNote: 'Văn bản đi ký số trên congso' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const view = (await call(leader, 'GET', '/api/operations/dti?year=2025')).body;
    const cq3 = view.indicators.find((m: Json) => m.code === 'CQ').components.find((c: Json) => c.code === 'CQ.3');
    expect(cq3).toMatchObject({ evidenceKey: 'documents.signedShare', evidenceNote: 'Văn bản đi ký số trên congso' });
    // "Open now" figures do not evidence a year; unknown figures and indicators are refused.
    expect((await call(admin, 'PUT', url, { evidenceKey: 'dossiers.open', evidenceNote: null })).status).toBe(400);
    expect((await call(admin, 'PUT', url, { evidenceKey: 'khong.co', evidenceNote: null })).status).toBe(400);
    expect((await call(admin, 'PUT', '/api/operations/dti/frameworks/2025/indicators/ZZ.9/evidence', { evidenceKey: null, evidenceNote: null })).status).toBe(400);
    expect((await call(admin, 'PUT', '/api/operations/dti/frameworks/1999/indicators/CQ.3/evidence', { evidenceKey: null, evidenceNote: null })).status).toBe(404);
    expect((await call(leader, 'PUT', url, { evidenceKey: null, evidenceNote: null })).status).toBe(403);
    const after = (await call(leader, 'GET', '/api/operations/dti?year=2025')).body;
    expect(after.indicators.find((m: Json) => m.code === 'CQ').components.find((c: Json) => c.code === 'CQ.3').evidenceKey).toBe('documents.signedShare');
  });
});

describe('the data-exchange card', () => {
  it('shows the exchange platform\'s per-partner volume, errors and latency to the province screen\'s readers only', async () => {
    const body = { memberClass: 'GOV', memberCode: '000.00.37.H41', subsystem: 'LGSP-OPS-THU', agencyName: 'Sở Tài chính', systemName: 'Hệ thống thử nghiệm điều hành', contactName: 'Phòng CNTT', contactEmail: 'cntt@stc.ninhbinh.gov.vn' };
    const created = await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body, headers: admin.headers });
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json() as Json;
    const token = (secret: string) => env.app.inject({ method: 'POST', url: '/api/exchange/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: secret, scope: 'dossier.status.read' }).toString() });
    expect((await token(p.clientSecret)).statusCode).toBe(200);
    expect((await token('sai-mat-khau-0000000000')).statusCode).toBeGreaterThanOrEqual(400);
    const r = await call(leader, 'GET', '/api/operations/exchange');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const mine = r.body.partners.filter((x: Json) => x.partnerId === p.partner.id);
    expect(mine.length).toBeGreaterThanOrEqual(1);
    expect(mine[0].name).toContain('Hệ thống thử nghiệm điều hành');
    expect(mine.reduce((a: number, x: Json) => a + x.total, 0)).toBeGreaterThanOrEqual(1);
    expect(r.body.totals.total).toBeGreaterThanOrEqual(mine.reduce((a: number, x: Json) => a + x.total, 0));
    // A commune leader's screen is their commune: the province-wide platform is not theirs to see.
    expect((await call(phuly, 'GET', '/api/operations/exchange')).status).toBe(403);
    expect((await call(citizen, 'GET', '/api/operations/exchange')).status).toBe(403);
    expect((await call(leader, 'GET', '/api/operations/exchange?from=2026-05-01&to=2026-01-01')).status).toBe(400);
  });
});
