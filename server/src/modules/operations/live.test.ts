import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { Procedure } from '../services/index.js';
import { projectDossier, rebuild } from './live.projection.js';

/**
 * The live figures on real PostgreSQL with the demo province: dossiers and a
 * report go through the real routes, the outbox is drained once, and the
 * figures move by exactly what happened; who may read which level.
 */

let env: TestEnv;
let citizen: TestSession;
let phuly: TestSession;
let province: TestSession;
let stp: TestSession;
let specialist: TestSession;
let admin: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture: Procedure = {
  code: '9.880001', name: 'Thủ tục thử nghiệm trung tâm điều hành', sector: { code: 'thu-nghiem-ops', name: 'Thử nghiệm' }, level: 'commune', agencyCode: null,
  agencyKind: 'commune_committee', steps: ['Nộp', 'Giải quyết', 'Trả'], methods: ['online', 'desk'],
  components: [{ key: 'don', name: 'Đơn đề nghị', required: true, copies: { original: 1, copy: 0 }, form: { type: 'object', required: ['noi_dung'], properties: { noi_dung: { type: 'string', title: 'Nội dung' } } }, attachment: null }],
  timeLimit: { days: 2 }, fees: [], applicants: ['citizen'], result: 'Văn bản trả lời', legalBasis: ['Thử nghiệm'], onlineLevel: 'full',
};

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [citizen, phuly, province, stp, specialist, admin] = await Promise.all([
    login(env.app, 'congdan@example.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'), login(env.app, 'admin@ninhbinh.gov.vn'),
  ]);
  const put = await env.app.inject({ method: 'PUT', url: `/api/admin/procedures/${fixture.code}`, payload: fixture, headers: admin.headers });
  expect(put.statusCode, put.body).toBe(200);
  await env.k.outbox.drain();
});
afterAll(() => env.close());

const post = async (s: TestSession, url: string, payload: unknown = {}) => {
  const r = await env.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, 'idempotency-key': `k-${randomUUID()}` } });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json() as Json;
};
const get = (s: TestSession | null, url: string) => env.app.inject({ method: 'GET', url, headers: s?.headers ?? {} });
const year = new Date().getFullYear();
async function dash(s: TestSession, q = ''): Promise<Json> {
  const r = await get(s, `/api/operations/dashboard?from=${year - 1}-01-01&to=${year}-12-31${q}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}
const fig = (d: Json, key: string) => d.figures.find((f: Json) => f.key === key);

async function fileAndReceive(): Promise<Json> {
  const d = await post(citizen, '/api/dossier-drafts', { procedureCode: fixture.code, unitCode: '13285' });
  await env.app.inject({ method: 'PUT', url: `/api/dossier-drafts/${d.id}`, payload: { version: d.version, forms: { don: { noi_dung: 'Đề nghị' } } }, headers: citizen.headers });
  const s = await post(citizen, `/api/dossier-drafts/${d.id}/submit`);
  return post(phuly, `/api/dossiers/${s.id}/actions/receive`);
}

describe('live figures', () => {
  it('moves a commune\'s figures by one dossier within one outbox drain, and no sooner', async () => {
    const before = await dash(phuly, '&unit=13285');
    expect(before.level).toMatchObject({ kind: 'commune', code: '13285' });
    const received0 = fig(before, 'dossiers.received').value as number;
    const open0 = fig(before, 'dossiers.open').value as number;
    const prov0 = fig(await dash(province), 'dossiers.received').value as number;

    const d = await fileAndReceive();
    // Not counted by rescanning: until the outbox runs, the figure stands.
    expect(fig(await dash(phuly, '&unit=13285'), 'dossiers.received').value).toBe(received0);
    await env.k.outbox.drain();
    const after = await dash(phuly, '&unit=13285');
    expect(fig(after, 'dossiers.received').value).toBe(received0 + 1);
    expect(fig(after, 'dossiers.open').value).toBe(open0 + 1);
    // The list behind the figure: the commune's dossiers received in the screen's period.
    expect(fig(after, 'dossiers.received').link).toMatch(/^\/lam-viec\/ho-so\?outcome=received&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&unit=13285$/);
    const behind = await env.app.inject({ method: 'GET', url: `/api/dossiers?${fig(after, 'dossiers.received').link!.split('?')[1]}&limit=1`, headers: phuly.headers });
    expect(behind.statusCode, behind.body).toBe(200);
    expect(behind.json().total).toBe(fig(after, 'dossiers.received').value);
    expect(fig(after, 'dossiers.open').link).toBe('/lam-viec/ho-so?tab=processing');
    expect(new Date(fig(after, 'dossiers.received').computedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const prov = await dash(province);
    expect(fig(prov, 'dossiers.received').value).toBe(prov0 + 1);
    // The commune appears among the province's children with the same figure.
    expect(prov.children.find((c: Json) => c.kind === 'commune' && c.code === '13285').values['dossiers.received']).toBe(received0 + 1);

    // Finished past its appointment: one more late, one fewer open.
    const late0 = fig(after, 'dossiers.late').value as number;
    env.k.workflow.now = () => new Date(new Date(d.dueAt).getTime() + 3 * 86_400_000);
    try {
      await post(phuly, `/api/dossiers/${d.id}/actions/process`);
      await post(phuly, `/api/dossiers/${d.id}/actions/approve`);
    } finally {
      env.k.workflow.now = () => new Date();
    }
    await env.k.outbox.drain();
    const done = await dash(phuly, '&unit=13285');
    expect(fig(done, 'dossiers.late').value).toBe(late0 + 1);
    expect(fig(done, 'dossiers.open').value).toBe(open0);

    // A retried event and a full recount change nothing.
    expect(await projectDossier(env.k, d.id)).toBe(false);
    expect((await rebuild(env.k)).changed).toBe(0);
    expect(fig(await dash(phuly, '&unit=13285'), 'dossiers.late').value).toBe(late0 + 1);
  });

  it('counts an open dossier past its appointment as overdue, in red, linked to the overdue list', async () => {
    env.k.workflow.now = () => new Date(Date.now() - 10 * 86_400_000);
    let d: Json;
    try {
      d = await fileAndReceive();
    } finally {
      env.k.workflow.now = () => new Date();
    }
    expect(new Date(d.dueAt).getTime()).toBeLessThan(Date.now());
    const before = fig(await dash(phuly, '&unit=13285'), 'dossiers.overdue').value as number;
    await env.k.outbox.drain();
    const after = await dash(phuly, '&unit=13285');
    const overdue = fig(after, 'dossiers.overdue');
    expect(overdue.value).toBe(before + 1);
    expect(overdue.link).toBe('/lam-viec/ho-so?tab=overdue');
    const rate = fig(after, 'dossiers.overdueRate');
    expect(rate.value).toBeGreaterThan(0);
    expect(rate.target).toBe(0);
    expect(rate.rag).not.toBe('green');
  });

  it('counts a petition filed in a commune after one drain', async () => {
    const before = await dash(phuly, '&unit=13285');
    const r = await post(citizen, '/api/feedback/reports', { categoryCode: 'moi_truong', title: 'Đèn đường hỏng nhiều ngày', body: 'Đèn đường trước nhà văn hóa tổ 5 hỏng đã một tuần.', unitCode: '13285' });
    expect(r.unitCode).toBe('13285');
    await env.k.outbox.drain();
    const after = await dash(phuly, '&unit=13285');
    expect(fig(after, 'petitions.received').value).toBe(fig(before, 'petitions.received').value + 1);
    expect(fig(after, 'petitions.open').value).toBe(fig(before, 'petitions.open').value + 1);
    expect(fig(after, 'petitions.overdue').link).toBe('/lam-viec/phan-anh?loc=qua-han&unit=13285');
  });

  it('gives monthly trends that add up to the period\'s figure', async () => {
    const r = await get(province, `/api/operations/trend?from=${year - 1}-01-01&to=${year}-12-31&grain=month&keys=dossiers.received,petitions.received`);
    expect(r.statusCode, r.body).toBe(200);
    const t = r.json();
    const d = await dash(province);
    const sum = (key: string) => t.series.find((s: Json) => s.key === key).values.reduce((a: number, v: number | null) => a + (v ?? 0), 0);
    expect(sum('dossiers.received')).toBe(fig(d, 'dossiers.received').value);
    expect(sum('petitions.received')).toBe(fig(d, 'petitions.received').value);
    expect(t.periods.every((p: string) => /^\d{4}-\d{2}-01$/.test(p))).toBe(true);
  });

  it('lets each leader read their own level only', async () => {
    expect((await get(null, '/api/operations/dashboard')).statusCode).toBe(401);
    expect((await get(citizen, '/api/operations/dashboard')).statusCode).toBe(403);
    expect((await get(specialist, '/api/operations/dashboard?agency=STP')).statusCode).toBe(403);
    // A commune leader: their commune, not the province nor another commune.
    expect((await get(phuly, '/api/operations/dashboard?unit=37')).statusCode).toBe(403);
    // With no level asked for, each starts at their own.
    expect((await get(phuly, '/api/operations/dashboard')).json().level).toMatchObject({ kind: 'commune', code: '13285' });
    expect((await get(stp, '/api/operations/dashboard')).json().level).toMatchObject({ kind: 'agency', code: 'STP' });
    expect((await get(province, '/api/operations/dashboard')).json().level).toMatchObject({ kind: 'province', code: '37' });
    expect((await get(phuly, '/api/operations/dashboard?unit=14329')).statusCode).toBe(403);
    // An agency's director: their agency, not the province.
    expect((await get(stp, '/api/operations/dashboard?agency=STP')).statusCode).toBe(200);
    expect((await get(stp, '/api/operations/dashboard?unit=37')).statusCode).toBe(403);
    expect((await get(stp, '/api/operations/trend?unit=37')).statusCode).toBe(403);
    // The province's leader drills anywhere.
    expect((await get(province, '/api/operations/dashboard?unit=14329')).statusCode).toBe(200);
    expect((await get(province, '/api/operations/dashboard?agency=STP')).statusCode).toBe(200);
  });

  it('refuses bad input with the field named in Vietnamese', async () => {
    const bad = await get(province, '/api/operations/dashboard?unit=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(bad.json().errors)).toContain('Mã đơn vị hành chính');
    const backwards = await get(province, '/api/operations/dashboard?from=2026-05-01&to=2026-01-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().detail).toContain('from');
    expect((await get(province, '/api/operations/dashboard?unit=99999')).statusCode).toBe(404);
    const keys = await get(province, '/api/operations/trend?keys=dossiers.khong-co');
    expect(keys.statusCode).toBe(400);
    expect(JSON.stringify(keys.json().errors)).toContain('keys');
  });
});
