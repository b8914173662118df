import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/** The DTI on real PostgreSQL: two framework versions as configuration, scores at three stages, the rank history, evidence from congso's data. */

let env: TestEnv;
let admin: TestSession;
let leader: TestSession;
let citizen: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, leader, citizen] = await Promise.all([login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn')]);
});
afterAll(() => env.close());

const call = async (s: TestSession | null, method: 'GET' | 'PUT', url: string, payload?: unknown) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: s?.headers ?? {} });
  return { status: r.statusCode, body: r.json() as Json };
};

describe('DTI', () => {
  it('applies the 2022 framework before 2025 and the 2025 one after, each with eight main indicators', async () => {
    const y24 = (await call(leader, 'GET', '/api/operations/dti?year=2024')).body;
    const y25 = (await call(leader, 'GET', '/api/operations/dti?year=2025')).body;
    expect(y24.framework).toMatchObject({ version: '2022', decision: '922/QĐ-BTTTT' });
    expect(y25.framework).toMatchObject({ version: '2025', decision: '405/QĐ-BKHCN' });
    for (const v of [y24, y25]) {
      expect(v.indicators).toHaveLength(8);
      expect(v.indicators.reduce((a: number, m: Json) => a + m.weight, 0)).toBeCloseTo(1, 6);
    }
    // The full component structure: 47 under the 2025 decision, 46 under the 2022 one (no open-data component).
    expect(y25.components).toBe(47);
    expect(y24.components).toBe(46);
    expect(y25.indicators.reduce((a: number, m: Json) => a + m.components.length, 0)).toBe(47);
    expect(y25.indicators.find((m: Json) => m.code === 'CQ').components.map((c: Json) => c.code)).toContain('CQ.9');
    // Components congso can evidence carry the live figure's key.
    const cq = y25.indicators.find((m: Json) => m.code === 'CQ');
    expect(cq.components.find((c: Json) => c.code === 'CQ.1')).toMatchObject({ evidenceKey: 'dossiers.onlineShare' });
    expect(y25.evidenced).toBeGreaterThanOrEqual(5);
    expect(y25.ranks).toContainEqual(expect.objectContaining({ year: 2020, rank: 8, of: 63 }));
  });

  it('keeps self-assessed, appraised and final scores apart and computes the weighted index once every main indicator has one', async () => {
    const mains = ['CD', 'TC', 'HT', 'NL', 'AT', 'CQ', 'KT', 'XH'];
    const partial = await call(admin, 'PUT', '/api/operations/dti/2025/scores', { scores: [{ code: 'CQ', self: 0.6 }] });
    expect(partial.status, JSON.stringify(partial.body)).toBe(200);
    expect(partial.body.index.self).toBeNull();
    const all = await call(admin, 'PUT', '/api/operations/dti/2025/scores', { scores: mains.map((code) => ({ code, self: 0.5 })) });
    expect(all.body.index.self).toBeCloseTo(0.5, 6);
    const appraised = await call(admin, 'PUT', '/api/operations/dti/2025/scores', { scores: mains.map((code, i) => ({ code, appraised: i === 5 ? 1 : 0.4 })) });
    // CQ weighs 0.2 in 2025: 0.8 × 0.4 + 0.2 × 1.
    expect(appraised.body.index.appraised).toBeCloseTo(0.52, 6);
    expect(appraised.body.index.self).toBeCloseTo(0.5, 6);
    expect(appraised.body.index.final).toBeNull();
  });

  it('records the rank history and refuses what cannot be', async () => {
    expect((await call(admin, 'PUT', '/api/operations/dti/2025/rank', { rank: 12, of: 34, score: 0.51, source: 'Công bố DTI 2025' })).status).toBe(200);
    const v = (await call(leader, 'GET', '/api/operations/dti?year=2025')).body;
    expect(v.ranks.map((r: Json) => r.year)).toEqual([2020, 2025]);
    const over = await call(admin, 'PUT', '/api/operations/dti/2025/scores', { scores: [{ code: 'CQ', final: 1.2 }] });
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body.errors)).toContain('0–1');
    expect((await call(admin, 'PUT', '/api/operations/dti/2025/scores', { scores: [{ code: 'ZZ', self: 0.2 }] })).status).toBe(400);
    const rank = await call(admin, 'PUT', '/api/operations/dti/2025/rank', { rank: 40, of: 34, source: 'Sai' });
    expect(rank.status).toBe(400);
    expect(rank.body.errors[0].field).toContain('rank');
    // Leaders read; only the steering committee (operations.dti.manage) writes.
    expect((await call(leader, 'PUT', '/api/operations/dti/2025/rank', { rank: 1, of: 34, source: 'Tự ghi' })).status).toBe(403);
    expect((await call(citizen, 'GET', '/api/operations/dti?year=2025')).status).toBe(403);
    expect((await call(null, 'GET', '/api/operations/dti?year=2025')).status).toBe(401);
  });
});
