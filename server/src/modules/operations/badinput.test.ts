import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * Bad input to the programme and the centre, through the real routes on real
 * PostgreSQL: wrong units, impossible values, evidence of the wrong type and a
 * commune leader asking for another commune each get a clear 4xx
 * (problem+json, the field named, Vietnamese), and nothing is stored.
 */

let env: TestEnv;
let admin: TestSession;
let stp: TestSession;
let phuly: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
const HTML = Buffer.from('<html><script>alert(1)</script></html>');

const call = async (s: TestSession, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: s.headers });
  let body: Json | null = null;
  try { body = r.json(); } catch { /* binary */ }
  return { status: r.statusCode, body, type: String(r.headers['content-type'] ?? '') };
};
const count = async (table: string) => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(env.k.db)).rows[0]!.n;
const problem = (r: { status: number; type: string; body: Json | null }, status: number, field?: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.type).toMatch(/problem\+json/);
  expect(r.body!.detail ?? r.body!.title).toMatch(/[àáảãạăâđèéêìíòóôơùúưỳýạ]/i);
  if (field) expect(JSON.stringify(r.body!.errors)).toContain(field);
};

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, stp, phuly] = await Promise.all([
    login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'),
  ]);
  const ind = await call(admin, 'POST', '/api/operations/indicators', {
    code: 'NB-BAD-01', programme: 'NQ-01-2021', name: 'Tỷ lệ thử nghiệm đầu vào sai', unit: 'percent', direction: 'up', ownerAgency: 'STP',
    legalBasis: 'Thử nghiệm', source: 'entered', targets: [{ year: 2026, value: 80 }],
  });
  expect(ind.status, JSON.stringify(ind.body)).toBe(201);
  const rank = await call(admin, 'POST', '/api/operations/indicators', {
    code: 'NB-BAD-02', programme: 'NQ-01-2021', name: 'Thứ hạng thử nghiệm', unit: 'rank', direction: 'down', ownerAgency: 'STP',
    legalBasis: 'Thử nghiệm', source: 'entered', targets: [{ year: 2026, value: 10 }],
  });
  expect(rank.status, JSON.stringify(rank.body)).toBe(201);
}, 120_000);
afterAll(() => env.close());

describe('bad input to the programme', () => {
  it('refuses targets with a wrong unit or an impossible value, and defines nothing', async () => {
    const before = await count('ops_indicator');
    const base = { programme: 'NQ-01-2021', name: 'Chỉ tiêu thử nghiệm', direction: 'up', ownerAgency: 'STP', legalBasis: 'Thử', source: 'entered' };
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U1', unit: 'kg', targets: [{ year: 2026, value: 1 }] }), 400, 'body.unit');
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U2', unit: 'percent', targets: [{ year: 2026, value: 150 }] }), 400, 'body.targets.0.value');
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U3', unit: 'count', targets: [{ year: 2026, value: -5 }] }), 400, 'body.targets.0.value');
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U4', unit: 'rank', targets: [{ year: 2026, value: 0 }] }), 400, 'body.targets.0.value');
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U5', unit: 'percent', baseline: -3, targets: [{ year: 2026, value: 50 }] }), 400, 'body.baseline');
    problem(await call(admin, 'POST', '/api/operations/indicators', { ...base, code: 'X-U6', unit: 'percent', targets: [{ year: 2031, value: 50 }] }), 400, 'body.targets.0.year');
    expect(await count('ops_indicator')).toBe(before);
  });

  it('refuses actuals in another unit, impossible for the unit, or with evidence of the wrong type, and stores no actual and no file', async () => {
    const [actuals, files] = [await count('ops_indicator_actual'), await count('file_ref')];
    const pdf = [{ name: 'bao-cao.pdf', data: PDF.toString('base64') }];
    const url = '/api/operations/indicators/NB-BAD-01/actuals';
    // A share is entered as a percentage, not in another unit.
    problem(await call(stp, 'POST', url, { year: 2026, value: 50, unit: 'count', evidence: pdf }), 400, 'unit');
    problem(await call(stp, 'POST', url, { year: 2026, value: 100.5, evidence: pdf }), 400, 'body.value');
    problem(await call(stp, 'POST', url, { year: 2026, value: -0.1, evidence: pdf }), 400, 'body.value');
    problem(await call(stp, 'POST', url, { year: 2026, value: '50%', evidence: pdf }), 400, 'body.value');
    problem(await call(stp, 'POST', '/api/operations/indicators/NB-BAD-02/actuals', { year: 2026, value: 2.5, evidence: pdf }), 400, 'body.value');
    problem(await call(stp, 'POST', '/api/operations/indicators/NB-BAD-02/actuals', { year: 2026, value: 0, evidence: pdf }), 400, 'body.value');
    // Evidence checked by its content, whatever its name says.
    for (const bad of [EXE, GIF, HTML]) {
      const r = await call(stp, 'POST', url, { year: 2026, value: 50, evidence: [{ name: 'minh-chung.pdf', data: bad.toString('base64') }] });
      problem(r, 415);
    }
    // One good file and one bad: nothing at all.
    problem(await call(stp, 'POST', url, { year: 2026, value: 50, evidence: [...pdf, { name: 'x.png', data: EXE.toString('base64') }] }), 415);
    problem(await call(stp, 'POST', url, { year: 2026, value: 50, evidence: [{ name: 'x.pdf', data: 'không phải base64!' }] }), 400, 'evidence');
    expect(await count('ops_indicator_actual')).toBe(actuals);
    expect(await count('file_ref')).toBe(files);
  });

  it('refuses a task report with evidence of the wrong type or progress beyond 0–100, leaving the task as it was', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const t = await call(admin, 'POST', '/api/operations/tasks', { code: 'NV-BAD-01', programme: 'NQ-01-2021', title: 'Nhiệm vụ thử đầu vào sai', agency: 'STP', dueOn: yesterday });
    expect(t.status).toBe(201);
    const reports = await count('ops_task_report');
    const url = `/api/operations/tasks/${t.body!.id}/reports`;
    problem(await call(stp, 'POST', url, { progress: 50, note: 'Có tệp lạ', evidence: [{ name: 'a.pdf', data: EXE.toString('base64') }] }), 415);
    problem(await call(stp, 'POST', url, { progress: -10, note: 'Âm' }), 400, 'body.progress');
    problem(await call(stp, 'POST', url, { progress: 33.3, note: 'Lẻ' }), 400, 'body.progress');
    expect(await count('ops_task_report')).toBe(reports);
    const task = (await call(stp, 'GET', '/api/operations/tasks?agency=STP')).body!.items.find((x: Json) => x.code === 'NV-BAD-01');
    expect(task).toMatchObject({ progress: 0, status: 'overdue', rag: 'red' });
  });

  it('refuses a project with a negative budget or disbursement above the budget', async () => {
    const before = await count('ops_project');
    const base = { programme: 'NQ-01-2021', name: 'Dự án thử đầu vào sai', agency: 'STP', yearFrom: 2026, yearTo: 2027 };
    problem(await call(admin, 'POST', '/api/operations/projects', { ...base, code: 'DA-BAD1', budget: -100, cyber: 0 }), 400, 'body.budget');
    problem(await call(admin, 'POST', '/api/operations/projects', { ...base, code: 'DA-BAD2', budget: 100, cyber: 10, disbursed: 150 }), 400, 'body.disbursed');
    expect(await count('ops_project')).toBe(before);
  });
});

describe('a commune leader asking for another commune', () => {
  it('gets 403 from every view of the figures, and 404 for a commune that does not exist', async () => {
    for (const url of [
      '/api/operations/dashboard?unit=14329', '/api/operations/trend?unit=14329', '/api/operations/dashboard.pdf?unit=14329',
      '/api/operations/export/figures?unit=14329&format=csv', '/api/operations/export/children?unit=37&format=xlsx', '/api/operations/dashboard?agency=STP',
    ]) problem(await call(phuly, 'GET', url), 403);
    problem(await call(phuly, 'GET', '/api/operations/dashboard?unit=99999'), 404);
    problem(await call(phuly, 'GET', '/api/operations/dashboard?unit=abc'), 400, 'unit');
    // Their own commune is fine.
    expect((await call(phuly, 'GET', '/api/operations/dashboard?unit=13285')).status).toBe(200);
  });
});
