import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { toProcessDefinition } from '../../kernel/workflow/definition.js';
import { definitionFor, dossierCaseType } from './dossier.workflow.js';
import { dossierDefinitionProblems } from './process-definition.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const base = () => toProcessDefinition(dossierCaseType as never);

describe('dossierDefinitionProblems (pure)', () => {
  it('accepts the built-in definition and one with other roles, labels and durations', () => {
    expect(dossierDefinitionProblems(base())).toEqual([]);
    const d = definitionFor({ days: 10 }, 'Cấp Phiếu lý lịch tư pháp');
    d.actions.process!.roles = ['specialist'];
    d.actions.receive!.label = 'Tiếp nhận hồ sơ';
    d.labels = { ...d.labels, reviewing: 'Chờ Giám đốc ký' };
    d.sla!.processing = { ...d.sla!.processing, days: 15, warnAt: 0.7 };
    d.sla!.submitted = { hours: 4 };
    expect(dossierDefinitionProblems(d)).toEqual([]);
  });

  it('refuses removing or adding states and actions, and changing transitions', () => {
    const d = base();
    d.states = d.states.filter((s) => s !== 'supplementing');
    delete d.actions.supplement;
    d.actions.fast_track = { from: ['submitted'], to: 'approved', roles: ['leader'] };
    d.actions.approve!.to = 'returned';
    const p = dossierDefinitionProblems(d);
    expect(p).toContain('states: không được bỏ trạng thái «supplementing» (mã nguồn hồ sơ dùng đến)');
    expect(p).toContain('actions: không được bỏ thao tác «supplement» (mã nguồn hồ sơ dùng đến)');
    expect(p.some((x) => x.startsWith('actions: không thêm được thao tác «fast_track»'))).toBe(true);
    expect(p).toContain('actions.approve.to: không đổi được trạng thái đến (phải là «approved»)');
  });

  it('refuses unknown roles, the applicant approving, a changed clock and another type', () => {
    const d = base();
    d.type = 'services.other';
    d.actions.approve!.roles = ['leader', 'applicant'];
    d.actions.receive!.roles = ['boss'];
    d.sla!.processing = { days: 3, pausedIn: [] };
    delete d.sla!.submitted;
    const p = dossierDefinitionProblems(d);
    expect(p).toContain('type: quy trình hồ sơ thủ tục hành chính phải có loại «services.dossier»');
    expect(p.some((x) => x.startsWith('actions.approve.roles: người nộp hồ sơ (applicant)'))).toBe(true);
    expect(p.some((x) => x.startsWith('actions.receive.roles: vai trò «boss»'))).toBe(true);
    expect(p.some((x) => x.startsWith('sla.processing.pausedIn'))).toBe(true);
    expect(p.some((x) => x.startsWith('sla.processing.runsIn'))).toBe(true);
    expect(p.some((x) => x.startsWith('sla.submitted: không được bỏ thời hạn'))).toBe(true);
  });
});

describe('process definitions of procedures (HTTP)', () => {
  let env: TestEnv;
  let admin: TestSession;
  let director: TestSession;
  let citizen: TestSession;
  let desk: TestSession;
  const CODE = '2.000488';
  const URL = `/api/admin/process-definitions/${CODE}`;

  beforeAll(async () => {
    env = await testEnv({ demo: true });
    [admin, director, citizen, desk] = await Promise.all([
      login(env.app, 'admin@ninhbinh.gov.vn'),
      login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
      login(env.app, 'congdan@example.vn'),
      login(env.app, 'motcua@ninhbinh.gov.vn'),
    ]);
  });
  afterAll(async () => {
    await env?.close();
  });

  const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
    return { status: r.statusCode, body: (r.body ? r.json() : null) as Json };
  };

  /** A criminal-record dossier submitted online and received at the desk. */
  async function dossier(): Promise<string> {
    const d = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: CODE });
    expect(d.status).toBe(201);
    const saved = await call(citizen, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
      version: d.body.version,
      forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } },
    });
    expect(saved.status).toBe(200);
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, {}, { 'idempotency-key': `k-${randomUUID()}` });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const rec = await call(desk, 'POST', `/api/dossiers/${sub.body.id}/actions/receive`, {}, { 'idempotency-key': `k-${randomUUID()}` });
    expect(rec.status).toBe(200);
    return sub.body.id;
  }

  it('shows the built-in definition adapted to the procedure until one is saved', async () => {
    const r = await call(admin, 'GET', URL);
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(0);
    expect(r.body.procedureName).toMatch(/^Cấp Phiếu lý lịch tư pháp/);
    expect(r.body.definition.type).toBe('services.dossier');
    expect(r.body.definition.sla.processing).toEqual({ days: 10, runsIn: ['reviewing', 'joint'], pausedIn: ['supplementing'] });
    expect((await call(admin, 'GET', '/api/admin/process-definitions/9.999999')).status).toBe(404);
  });

  it('an administrator saves a longer processing time: new dossiers pin it, older ones keep theirs', async () => {
    const older = await dossier();
    const before = (await env.k.workflow.get(older))!;
    expect(before.definitionVersion).toBe(0);
    expect((before.definition as Json).sla.processing.days).toBe(10);

    const def = (await call(admin, 'GET', URL)).body.definition;
    def.sla.processing.days = 15;
    def.actions.process.roles = ['specialist', 'division_head'];
    const saved = await call(admin, 'PUT', URL, def);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.version).toBe(1);
    expect((await call(admin, 'GET', URL)).body).toMatchObject({ version: 1, definition: { sla: { processing: { days: 15 } } } });

    const newer = await dossier();
    const pinned = (await env.k.workflow.get(newer))!;
    expect(pinned.definitionKey).toBe(CODE);
    expect(pinned.definitionVersion).toBe(1);
    expect((pinned.definition as Json).sla.processing.days).toBe(15);
    expect((pinned.definition as Json).actions.process.roles).toEqual(['specialist', 'division_head']);
    // The older dossier keeps the definition it pinned, and its due date.
    const after = (await env.k.workflow.get(older))!;
    expect(after.definitionVersion).toBe(0);
    expect((after.definition as Json).sla.processing.days).toBe(10);
    const [a, b] = await Promise.all([call(citizen, 'GET', `/api/dossiers/${older}`), call(citizen, 'GET', `/api/dossiers/${newer}`)]);
    expect(new Date(b.body.dueAt).getTime()).toBeGreaterThan(new Date(a.body.dueAt).getTime());
  });

  it('a department director may not read or save definitions', async () => {
    expect((await call(director, 'GET', URL)).status).toBe(403);
    const def = definitionFor({ days: 20 }, 'x');
    expect((await call(director, 'PUT', URL, def)).status).toBe(403);
    expect((await call(null, 'PUT', URL, def)).status).toBe(401);
  });

  it('an invalid definition is refused with 400 naming each problem, and nothing is saved', async () => {
    const def = (await call(admin, 'GET', URL)).body.definition;
    def.sla.processing.days = -3;
    const bad = await call(admin, 'PUT', URL, def);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.errors.some((e: Json) => e.field === 'body.sla.processing.days')).toBe(true);

    const removed = (await call(admin, 'GET', URL)).body.definition;
    delete removed.actions.stop;
    const r = await call(admin, 'PUT', URL, removed);
    expect(r.status).toBe(400);
    expect(r.body.errors).toContainEqual({ field: 'body.actions', rule: 'definition', message: 'actions: không được bỏ thao tác «stop» (mã nguồn hồ sơ dùng đến)' });

    const unreachable = (await call(admin, 'GET', URL)).body.definition;
    unreachable.actions.receive.to = 'nowhere';
    const u = await call(admin, 'PUT', URL, unreachable);
    expect(u.status).toBe(400);
    expect(u.body.errors.map((e: Json) => e.message).join('\n')).toContain('actions.receive.to: trạng thái «nowhere» không có trong states');

    expect((await call(admin, 'GET', URL)).body.version).toBe(1);
  });
});
