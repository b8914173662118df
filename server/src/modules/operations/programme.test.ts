import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * The programme on real PostgreSQL with the demo seed: the resolutions and
 * national targets, indicators with actuals and evidence, tasks turning red
 * when overdue, projects flagged under the 10% cybersecurity share; who may do what.
 */

let env: TestEnv;
let admin: TestSession;
let leader: TestSession;
let stp: TestSession;
let citizen: TestSession;
let phuly: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, leader, stp, citizen, phuly] = await Promise.all([
    login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'congdan@example.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'),
  ]);
});
afterAll(() => env.close());

const call = async (s: TestSession | null, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: s?.headers ?? {} });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, type: r.headers['content-type'] };
};
const actualsOf = async (code: string) => (await call(admin, 'GET', '/api/operations/indicators?year=2026')).body!.items.find((i: Json) => i.code === code);

describe('programme', () => {
  it('seeds Ninh Bình\'s resolution 01-NQ/TU with seven task groups and the national targets of Decisions 749 and 942', async () => {
    const p = await call(leader, 'GET', '/api/operations/programmes');
    expect(p.status).toBe(200);
    const nb = p.body!.find((x: Json) => x.number === '01-NQ/TU');
    expect(nb).toMatchObject({ issuedOn: '2021-04-20', level: 'provincial', period: { from: 2021, to: 2030 } });
    expect(nb.groups).toHaveLength(7);
    expect(p.body!.map((x: Json) => x.number)).toEqual(expect.arrayContaining(['749/QĐ-TTg', '942/QĐ-TTg']));
    const list = (await call(leader, 'GET', '/api/operations/indicators?year=2025')).body!;
    const ind = (code: string) => list.items.find((i: Json) => i.code === code);
    expect(ind('QG-749-01')).toMatchObject({ unit: 'percent', target: 80 });
    expect(ind('QG-942-01')).toMatchObject({ target: 90 });
    expect(ind('QG-942-02')).toMatchObject({ target: 60 });
    expect(ind('QG-749-02').targets).toEqual([{ year: 2025, value: 20 }, { year: 2030, value: 30 }]);
    expect(ind('NB-03')).toMatchObject({ baseline: 86.9, baselineYear: 2021, target: 100 });
    expect(ind('NB-07')).toMatchObject({ unit: 'rank', baseline: 8, direction: 'down' });
    // Computed from congso's own data: the actual is the live figure, not an entry.
    expect(ind('NB-11')).toMatchObject({ source: 'computed', actualSource: 'computed', computedKey: 'dossiers.onTimeRate' });
  });

  it('lets the owning agency enter an actual with evidence, and refuses impossible values and wrong files, storing nothing', async () => {
    const created = await call(admin, 'POST', '/api/operations/indicators', {
      code: 'NB-TP-01', programme: 'NQ-01-2021', group: 2, name: 'Tỷ lệ hồ sơ lý lịch tư pháp cấp trực tuyến', unit: 'percent', baseline: 40, baselineYear: 2024,
      direction: 'up', ownerAgency: 'STP', legalBasis: 'Kế hoạch của Sở Tư pháp', source: 'entered', targets: [{ year: 2026, value: 70 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const url = '/api/operations/indicators/NB-TP-01/actuals';
    const pdf = [{ name: 'bao-cao.pdf', data: PDF.toString('base64') }];
    // Not the owner, not a leader of the owner.
    expect((await call(phuly, 'POST', url, { year: 2026, value: 50, evidence: pdf })).status).toBe(403);
    expect((await call(citizen, 'POST', url, { year: 2026, value: 50, evidence: pdf })).status).toBe(403);
    const over = await call(stp, 'POST', url, { year: 2026, value: 120, evidence: pdf });
    expect(over.status).toBe(400);
    expect(over.body!.errors[0].field).toBe('body.value');
    expect(over.body!.detail).toContain('100');
    expect((await call(stp, 'POST', url, { year: 2026, value: -1, evidence: pdf })).status).toBe(400);
    expect((await call(stp, 'POST', url, { year: 2026, value: 50 })).status).toBe(400);
    const wrong = await call(stp, 'POST', url, { year: 2026, value: 50, evidence: [{ name: 'bao-cao.pdf', data: Buffer.from('chỉ là văn bản').toString('base64') }] });
    expect(wrong.status).toBe(415);
    expect((await actualsOf('NB-TP-01')).actual).toBeNull();

    const ok = await call(stp, 'POST', url, { year: 2026, value: 75.5, note: 'Số liệu quý III', evidence: pdf });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(await actualsOf('NB-TP-01')).toMatchObject({ actual: 75.5, actualSource: 'entered', evidence: 1, target: 70, rag: 'green' });
    // A computed indicator is not entered by hand.
    expect((await call(admin, 'POST', '/api/operations/indicators/NB-11/actuals', { year: 2026, value: 90, evidence: pdf })).status).toBe(409);
    // Leaders read the programme but do not define it.
    expect((await call(leader, 'POST', '/api/operations/indicators', { code: 'X-1', programme: 'NQ-01-2021', name: 'Thử', unit: 'count', direction: 'up', legalBasis: 'Thử', source: 'entered', targets: [{ year: 2026, value: 1 }] })).status).toBe(403);
    const badCount = await call(admin, 'POST', '/api/operations/indicators', { code: 'X-2', programme: 'NQ-01-2021', name: 'Số thử', unit: 'count', direction: 'up', legalBasis: 'Thử', source: 'entered', targets: [{ year: 2026, value: 2.5 }] });
    expect(badCount.status).toBe(400);
    expect(badCount.body!.errors[0].field).toBe('body.targets.0.value');
  });

  it('turns an overdue task red and a finished one green; only the assigned agency reports', async () => {
    const tasks = (await call(leader, 'GET', '/api/operations/tasks')).body!.items;
    expect(tasks.find((t: Json) => t.code === 'NV-2026-01')).toMatchObject({ status: 'overdue', rag: 'red' });
    expect(tasks.find((t: Json) => t.code === 'NV-2026-06')).toMatchObject({ status: 'done', rag: 'green' });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const created = await call(admin, 'POST', '/api/operations/tasks', { code: 'NV-TEST-01', programme: 'NQ-01-2021', group: 1, title: 'Rà soát thủ tục liên thông', agency: 'STP', dueOn: yesterday });
    expect(created.status).toBe(201);
    const id = created.body!.id;
    const mine = (await call(stp, 'GET', '/api/operations/tasks?agency=STP')).body!.items.find((t: Json) => t.id === id);
    expect(mine).toMatchObject({ status: 'overdue', rag: 'red', progress: 0 });
    const other = tasks.find((t: Json) => t.code === 'NV-2026-02');
    expect((await call(stp, 'POST', `/api/operations/tasks/${other.id}/reports`, { progress: 50, note: 'Không phải của Sở' })).status).toBe(403);
    expect((await call(stp, 'POST', `/api/operations/tasks/${id}/reports`, { progress: 101, note: 'Quá' })).status).toBe(400);
    const done = await call(stp, 'POST', `/api/operations/tasks/${id}/reports`, { progress: 100, note: 'Đã hoàn thành', evidence: [{ name: 'kq.pdf', data: PDF.toString('base64') }] });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', rag: 'green', reports: 1, lastNote: 'Đã hoàn thành' });
    expect((await call(stp, 'POST', `/api/operations/tasks/${id}/reports`, { progress: 100, note: 'Lần nữa' })).status).toBe(409);
  });

  it('flags projects under the 10% cybersecurity share', async () => {
    const p = (await call(leader, 'GET', '/api/operations/projects')).body!;
    expect(p.items.find((x: Json) => x.code === 'DA-LGSP')).toMatchObject({ cyberShare: 7.5, cyberBelowMin: true });
    expect(p.items.find((x: Json) => x.code === 'DA-IOC')).toMatchObject({ cyberShare: 11.1, cyberBelowMin: false });
    expect(p.totals.minCyberShare).toBe(10);
    const low = await call(admin, 'POST', '/api/operations/projects', { code: 'DA-TEST', programme: 'NQ-01-2021', name: 'Dự án thử nghiệm', agency: 'STP', yearFrom: 2026, yearTo: 2027, budget: 10000, cyber: 999 });
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ cyberShare: 10, cyberBelowMin: true });
    const over = await call(admin, 'POST', '/api/operations/projects', { code: 'DA-TEST2', programme: 'NQ-01-2021', name: 'Dự án thử nghiệm', agency: 'STP', yearFrom: 2026, yearTo: 2027, budget: 100, cyber: 200 });
    expect(over.status).toBe(400);
    expect(over.body!.errors[0].field).toBe('body.cyber');
    expect((await call(citizen, 'GET', '/api/operations/projects')).status).toBe(403);
    expect((await call(leader, 'POST', '/api/operations/projects', { code: 'DA-X', programme: 'NQ-01-2021', name: 'Dự án thử', agency: 'STP', yearFrom: 2026, yearTo: 2026, budget: 1, cyber: 0 })).status).toBe(403);
  });
});
