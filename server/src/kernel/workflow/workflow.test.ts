import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { Ctx } from '../context.js';
import { transaction, type Tx } from '../db/index.js';
import { type AppError, messageOf } from '../errors.js';
import type { Actor } from '../http/access.js';
import { AuditLog } from '../audit/index.js';
import { Notifier } from '../db/notify.js';
import { Outbox } from '../outbox/index.js';
import { BREACHED_TOPIC, CaseEngine, type CaseView, defineCaseType, definitionProblems, SWEEP_TOPIC, toProcessDefinition, WARNING_TOPIC } from './index.js';

/**
 * The case engine against the real database, with a small case type:
 * submitted → accepted ⇄ waiting_info → done, or rejected.
 */
const demo = defineCaseType({
  type: 'demo.request',
  title: 'Yêu cầu thử nghiệm',
  states: ['submitted', 'accepted', 'waiting_info', 'done', 'rejected'],
  initial: 'submitted',
  final: ['done', 'rejected'],
  labels: {
    submitted: 'Mới nộp', accepted: 'Đang xử lý', waiting_info: 'Chờ bổ sung', done: 'Hoàn thành', rejected: 'Từ chối',
    accept: 'Tiếp nhận', ask_info: 'Yêu cầu bổ sung', supply_info: 'Bổ sung hồ sơ', finish: 'Trả kết quả', reject: 'Từ chối tiếp nhận',
  },
  actions: {
    accept: { from: ['submitted'], to: 'accepted', roles: ['desk_officer'] },
    ask_info: {
      from: ['accepted'], to: 'waiting_info', roles: ['specialist'],
      condition: (_c, p) => (typeof p.reason === 'string' && p.reason.trim() ? null : 'cần nêu nội dung cần bổ sung'),
      apply: (d) => ({ ...d, asks: ((d.asks as number | undefined) ?? 0) + 1 }),
    },
    supply_info: { from: ['waiting_info'], to: 'accepted', roles: ['applicant'] },
    finish: { from: ['accepted'], to: 'done', roles: ['specialist'] },
    reject: { from: ['submitted', 'accepted'], to: 'rejected', roles: ['desk_officer', 'specialist'] },
  },
  sla: {
    submitted: { hours: 4 },
    accepted: { days: 3, warnAt: 0.8, pausedIn: ['waiting_info'] },
  },
});

const AGENCY = '3f1d7a52-0c6b-4b7e-9a51-2d4c1e0f7a10';
const OTHER_AGENCY = '9a0e2c11-5b7d-4f3a-8e62-7c1b0d9e4f21';
const actor = (a: Partial<Actor> & Pick<Actor, 'id' | 'grants'>): Ctx => ({
  actor: { kind: 'official', name: a.id, ...a }, lang: 'vi', requestId: `req-${a.id}`,
});
const citizen = actor({ kind: 'citizen', id: 'cd-001', grants: [] });
const otherCitizen = actor({ kind: 'citizen', id: 'cd-002', grants: [] });
const desk = actor({ id: 'motcua', grants: [{ role: 'desk_officer', actions: ['demo.*'], scope: { unitPath: '37' } }] });
const specialist = actor({ id: 'chuyenvien', grants: [{ role: 'specialist', actions: ['demo.request.*'], scope: { unitPath: '37', agencyId: AGENCY } }] });
const wrongAgency = actor({ id: 'chuyenvien2', grants: [{ role: 'specialist', actions: ['demo.request.*'], scope: { unitPath: '37', agencyId: OTHER_AGENCY } }] });
const wrongUnit = actor({ id: 'motcua2', grants: [{ role: 'desk_officer', actions: ['demo.*'], scope: { unitPath: '37.99999' } }] });
const anonymous: Ctx = { actor: null, lang: 'vi' };

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
  env.k.workflow.register(demo);
  // Case events are published to subscribers; this one keeps them for the assertions below.
  env.k.outbox.subscribe('workflow.case.demo.request.*', 'test.recorder', async () => undefined);
});
afterAll(() => env.close());

const at = (local: string) => new Date(`${local}+07:00`);
const H = 3_600_000;
let n = 0;
const key = () => `k-${++n}-${Math.random().toString(36).slice(2, 10)}`;
const tx = <T>(fn: (tx: Tx) => Promise<T>) => transaction(env.k.db, fn);

async function open(when: string, data: Record<string, unknown> = { title: 'Xin xác nhận' }): Promise<CaseView> {
  env.k.workflow.now = () => at(when);
  const r = await tx((t) => env.k.workflow.start(t, citizen, { type: 'demo.request', unitPath: '37.13285', agencyId: AGENCY, data, idempotencyKey: key() }));
  return r.case;
}
async function act(c: CaseView, ctx: Ctx, action: string, when: string, payload: Record<string, unknown> = {}, opts: { idempotencyKey?: string; expectedVersion?: number } = {}) {
  env.k.workflow.now = () => at(when);
  return tx((t) => env.k.workflow.act(t, ctx, c.id, action, payload, { idempotencyKey: opts.idempotencyKey ?? key(), expectedVersion: opts.expectedVersion }));
}
async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('expected a refusal');
}
/** Events of a case on a topic, pending or already handled (the engine's SLA handlers consume them). */
async function outboxOf(topic: string, caseId: string) {
  const pending = await env.k.db.selectFrom('outbox').select(['topic', 'payload']).where('topic', '=', topic).orderBy('id').execute();
  const handled = await env.k.db.selectFrom('outbox_done').select(['topic', 'payload']).where('topic', '=', topic).orderBy('id').execute();
  const rows = [...pending, ...handled];
  return rows.map((r) => r.payload as Record<string, unknown>).filter((p) => p.caseId === caseId);
}

describe('case types as data', () => {
  it('refuses invalid declarations at registration', () => {
    const base = toProcessDefinition(demo);
    expect(() => defineCaseType({ ...base, actions: { ...base.actions, lost: { from: ['nowhere'], to: 'done', roles: ['x'] } } })).toThrow(/nowhere/);
    expect(() => defineCaseType({ ...base, states: [...base.states, 'island'] })).toThrow(/island/);
    expect(() => defineCaseType({ ...base, initial: 'draft' })).toThrow(/draft/);
    expect(() => defineCaseType({ ...base, sla: { accepted: { days: 3, hours: 2 } } })).toThrow(/days hoặc hours/);
    expect(() => defineCaseType({ ...base, actions: { ...base.actions, reopen: { from: ['done'], to: 'accepted', roles: ['x'] } } })).toThrow(/kết thúc/);
    // The pinned form is plain JSON: no functions travel with it.
    expect(JSON.parse(JSON.stringify(base))).toEqual(base);
    expect(base.actions.ask_info).toEqual({ from: ['accepted'], to: 'waiting_info', roles: ['specialist'] });
  });
});

describe('case engine', () => {
  it('happy path: log, derived state, clocks, audit and outbox in one transaction', async () => {
    const c = await open('2026-03-16T08:00:00');
    expect(c).toMatchObject({ state: 'submitted', version: 1, definitionVersion: 0, createdBy: { kind: 'citizen', id: 'cd-001' } });
    expect(env.k.workflow.allowedActions(c, desk.actor)).toEqual(['accept', 'reject']);
    expect(env.k.workflow.allowedActions(c, specialist.actor)).toEqual(['reject']);
    expect(env.k.workflow.allowedActions(c, citizen.actor)).toEqual([]);

    const accepted = (await act(c, desk, 'accept', '2026-03-16T09:00:00')).case;
    expect(accepted).toMatchObject({ state: 'accepted', version: 2 });
    const asked = (await act(c, specialist, 'ask_info', '2026-03-17T10:00:00', { reason: 'Thiếu bản sao CCCD' })).case;
    expect(asked).toMatchObject({ state: 'waiting_info', version: 3, data: { title: 'Xin xác nhận', asks: 1 } });
    expect(env.k.workflow.allowedActions(asked, citizen.actor)).toEqual(['supply_info']);
    expect(env.k.workflow.allowedActions(asked, otherCitizen.actor)).toEqual([]);
    await act(c, citizen, 'supply_info', '2026-03-18T10:00:00', { files: ['cccd.pdf'] });
    const done = (await act(c, specialist, 'finish', '2026-03-19T11:00:00')).case;
    expect(done).toMatchObject({ state: 'done', version: 5 });
    expect(env.k.workflow.allowedActions(done, specialist.actor)).toEqual([]);

    const log = await env.k.workflow.history(c.id);
    expect(log.map((a) => [a.seq, a.action, a.fromState, a.toState, a.actor.id])).toEqual([
      [1, 'start', null, 'submitted', 'cd-001'],
      [2, 'accept', 'submitted', 'accepted', 'motcua'],
      [3, 'ask_info', 'accepted', 'waiting_info', 'chuyenvien'],
      [4, 'supply_info', 'waiting_info', 'accepted', 'cd-001'],
      [5, 'finish', 'accepted', 'done', 'chuyenvien'],
    ]);
    expect(log[2]!.at).toEqual(at('2026-03-17T10:00:00'));
    expect(log[1]!.requestId).toBe('req-motcua');

    // The state derived from the log agrees with the stored one.
    const replayed = await env.k.workflow.replay(c.id);
    const stored = (await env.k.workflow.get(c.id))!;
    expect(replayed).toEqual({ state: stored.state, data: stored.data, version: stored.version });
    expect(replayed).toEqual({ state: 'done', data: { title: 'Xin xác nhận', asks: 1 }, version: 5 });

    const clocks = await env.k.workflow.clocks(c.id);
    expect(clocks.map((k) => [k.step, k.stoppedAt])).toEqual([
      ['submitted', at('2026-03-16T09:00:00')],
      ['accepted', at('2026-03-19T11:00:00')],
    ]);
    // "4 giờ làm việc" from 08:00.
    expect(clocks[0]!.dueAt).toEqual(at('2026-03-16T13:30:00'));

    for (const a of ['start', 'accept', 'ask_info', 'supply_info', 'finish']) {
      const events = await outboxOf(`workflow.case.demo.request.${a}`, c.id);
      expect(events, a).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'demo.request', action: a, unitPath: '37.13285', agencyId: AGENCY });
    }
    const audit = await env.k.db.selectFrom('audit_log').select(['action', 'actor_id', 'after']).where('entity', '=', 'case_file').where('entity_id', '=', c.id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual([
      'workflow.demo.request.start', 'workflow.demo.request.accept', 'workflow.demo.request.ask_info',
      'workflow.demo.request.supply_info', 'workflow.demo.request.finish',
    ]);
    expect(audit[4]).toMatchObject({ actor_id: 'chuyenvien', after: { state: 'done', version: 5 } });
    expect((await env.k.audit.verify(env.k.db)).ok).toBe(true);
  });

  it('refuses a disallowed action with 409 naming the state and the action in Vietnamese', async () => {
    const c = await open('2026-03-16T08:00:00');
    await act(c, desk, 'reject', '2026-03-16T08:30:00');
    const e = await rejection(act(c, desk, 'accept', '2026-03-16T08:40:00'));
    expect(e.code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
    expect(e.status).toBe(409);
    expect(messageOf(e.code, e.params, 'vi')).toBe('Không thể thực hiện thao tác «Tiếp nhận» khi hồ sơ đang ở trạng thái «Từ chối»');
    expect((await rejection(act(c, desk, 'no_such', '2026-03-16T08:40:00'))).code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
    // A failed condition gives its reason.
    const d = await open('2026-03-16T08:00:00');
    await act(d, desk, 'accept', '2026-03-16T09:00:00');
    const cond = await rejection(act(d, specialist, 'ask_info', '2026-03-16T10:00:00', { reason: ' ' }));
    expect(messageOf(cond.code, cond.params, 'vi')).toBe(
      'Không thể thực hiện thao tác «Yêu cầu bổ sung» khi hồ sơ đang ở trạng thái «Đang xử lý» (cần nêu nội dung cần bổ sung)',
    );
    // Nothing was written by the refusals.
    expect((await env.k.workflow.history(c.id)).map((a) => a.action)).toEqual(['start', 'reject']);
    expect((await env.k.workflow.get(d.id))!.version).toBe(2);
  });

  it('checks roles and scope through the actor’s grants: 401 anonymous, 403 wrong role, unit or agency', async () => {
    const c = await open('2026-03-16T08:00:00');
    expect((await rejection(act(c, anonymous, 'accept', '2026-03-16T09:00:00'))).code).toBe('UNAUTHENTICATED');
    const cases: [Ctx, string][] = [[citizen, 'accept'], [specialist, 'accept'], [wrongUnit, 'accept'], [wrongAgency, 'reject']];
    for (const [who, action] of cases) {
      const e = await rejection(act(c, who, action, '2026-03-16T09:00:00'));
      expect([who.actor!.id, e.code, e.status]).toEqual([who.actor!.id, 'FORBIDDEN', 403]);
    }
    expect(env.k.workflow.allowedActions(c, wrongUnit.actor)).toEqual([]);
    await act(c, desk, 'accept', '2026-03-16T09:00:00');
    await act(c, specialist, 'ask_info', '2026-03-16T10:00:00', { reason: 'Thiếu giấy tờ' });
    // Only the applicant may supply what was asked.
    expect((await rejection(act(c, otherCitizen, 'supply_info', '2026-03-16T11:00:00'))).code).toBe('FORBIDDEN');
    expect((await act(c, citizen, 'supply_info', '2026-03-16T11:00:00')).case.state).toBe('accepted');
  });

  it('a retry with the same idempotency key returns the first result and writes nothing', async () => {
    const k1 = key();
    env.k.workflow.now = () => at('2026-03-16T08:00:00');
    const input = { type: 'demo.request', unitPath: '37.13285', agencyId: AGENCY, data: { title: 'Một lần' }, idempotencyKey: k1 };
    const first = await tx((t) => env.k.workflow.start(t, citizen, input));
    const again = await tx((t) => env.k.workflow.start(t, citizen, input));
    expect(again.replayed).toBe(true);
    expect(again.case.id).toBe(first.case.id);
    expect((await rejection(tx((t) => env.k.workflow.start(t, citizen, { ...input, data: { title: 'Khác' } })))).code).toBe('IDEMPOTENCY_MISMATCH');

    const c = first.case;
    const k2 = key();
    const a1 = await act(c, desk, 'accept', '2026-03-16T09:00:00', { note: 'đủ' }, { idempotencyKey: k2 });
    const a2 = await act(c, desk, 'accept', '2026-03-16T09:05:00', { note: 'đủ' }, { idempotencyKey: k2 });
    expect(a2.replayed).toBe(true);
    expect(a2.action).toEqual(a1.action);
    expect(a2.case.version).toBe(2);
    const mismatch = await rejection(act(c, desk, 'accept', '2026-03-16T09:05:00', { note: 'khác' }, { idempotencyKey: k2 }));
    expect([mismatch.code, mismatch.status]).toEqual(['IDEMPOTENCY_MISMATCH', 422]);
    expect(await env.k.workflow.history(c.id)).toHaveLength(2);
    expect(await outboxOf('workflow.case.demo.request.accept', c.id)).toHaveLength(1);
    expect((await rejection(act(c, desk, 'finish', '2026-03-16T09:05:00', {}, { idempotencyKey: 'short' }))).code).toBe('VALIDATION_FAILED');
  });

  it('concurrent actions on one case: the optimistic version lets one win, the other gets STALE_VERSION', async () => {
    const c = await open('2026-03-16T08:00:00');
    env.k.workflow.now = () => at('2026-03-16T09:00:00');
    const race = await Promise.allSettled([
      tx((t) => env.k.workflow.act(t, desk, c.id, 'accept', {}, { idempotencyKey: key(), expectedVersion: 1 })),
      tx((t) => env.k.workflow.act(t, desk, c.id, 'reject', {}, { idempotencyKey: key(), expectedVersion: 1 })),
    ]);
    const won = race.filter((r) => r.status === 'fulfilled');
    const lost = race.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason.code).toBe('STALE_VERSION');
    expect(await env.k.workflow.history(c.id)).toHaveLength(2);
    // A stale version seen before acting is refused too.
    expect((await rejection(act(c, specialist, 'reject', '2026-03-16T10:00:00', {}, { expectedVersion: 1 }))).code).toBe('STALE_VERSION');
    // Without an expected version, concurrent actions queue: one moves the case, the other finds the state changed.
    const d = await open('2026-03-16T08:00:00');
    const queued = await Promise.allSettled([act(d, desk, 'accept', '2026-03-16T09:00:00'), act(d, desk, 'accept', '2026-03-16T09:00:00')]);
    expect(queued.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((queued.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
  });

  it('an action, its audit entry and its event roll back together', async () => {
    const c = await open('2026-03-16T08:00:00');
    await expect(
      tx(async (t) => {
        await env.k.workflow.act(t, desk, c.id, 'accept', {}, { idempotencyKey: key() });
        throw new Error('the module failed after acting');
      }),
    ).rejects.toThrow(/module failed/);
    expect((await env.k.workflow.get(c.id))!.state).toBe('submitted');
    expect(await env.k.workflow.history(c.id)).toHaveLength(1);
    expect(await outboxOf('workflow.case.demo.request.accept', c.id)).toHaveLength(0);
    expect((await env.k.workflow.clocks(c.id)).filter((k) => k.step === 'accepted')).toHaveLength(0);
  });
});

describe('SLA clocks', () => {
  it('pause and resume move the due time by the paused working time; warning and breach go through the outbox', async () => {
    const c = await open('2026-03-16T08:00:00');
    await act(c, desk, 'accept', '2026-03-16T09:00:00');
    let [clock] = (await env.k.workflow.clocks(c.id)).filter((k) => k.step === 'accepted');
    // Counting from Monday 09:00 (before the cut-off): 3 working days → Thursday 17:00.
    expect(clock!.dueAt).toEqual(at('2026-03-19T17:00:00'));
    // 80% of 30.5 working hours = 24.4 h → Thursday 09:24.
    expect(clock!.warnAt).toEqual(at('2026-03-19T09:24:00'));

    await act(c, specialist, 'ask_info', '2026-03-17T10:00:00', { reason: 'Thiếu bản vẽ' });
    [clock] = (await env.k.workflow.clocks(c.id)).filter((k) => k.step === 'accepted');
    expect(clock!.pausedAt).toEqual(at('2026-03-17T10:00:00'));
    expect(clock!.stoppedAt).toBeNull();
    // A paused clock is never warned or breached.
    await env.k.workflow.sweep(at('2026-03-25T10:00:00'));
    expect(await outboxOf(WARNING_TOPIC, c.id)).toHaveLength(0);
    expect(await outboxOf(BREACHED_TOPIC, c.id)).toHaveLength(0);

    await act(c, citizen, 'supply_info', '2026-03-18T10:00:00');
    [clock] = (await env.k.workflow.clocks(c.id)).filter((k) => k.step === 'accepted');
    // Paused Tuesday 10:00 → Wednesday 10:00 = 1.5 + 4 + 2.5 = 8 working hours.
    expect(clock!.pausedMs).toBe(8 * H);
    expect(clock!.pausedAt).toBeNull();
    expect(clock!.dueAt).toEqual(at('2026-03-20T17:00:00'));
    expect(clock!.warnAt).toEqual(at('2026-03-20T09:24:00'));
    const cal = await env.k.calendar.load();
    expect(cal.elapsedMs(clock!.countingFrom, at('2026-03-18T10:00:00'), clock!.pausedMs)).toBe(6.5 * H + 2.5 * H);

    await env.k.workflow.sweep(at('2026-03-20T09:00:00'));
    expect(await outboxOf(WARNING_TOPIC, c.id)).toHaveLength(0);
    await env.k.workflow.sweep(at('2026-03-20T10:00:00'));
    await env.k.workflow.sweep(at('2026-03-20T10:05:00'));
    const warnings = await outboxOf(WARNING_TOPIC, c.id);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ step: 'accepted', state: 'accepted', unitPath: '37.13285' });
    expect(await outboxOf(BREACHED_TOPIC, c.id)).toHaveLength(0);

    await env.k.workflow.sweep(at('2026-03-20T17:30:00'));
    await env.k.workflow.sweep(at('2026-03-21T08:00:00'));
    const breaches = await outboxOf(BREACHED_TOPIC, c.id);
    expect(breaches).toHaveLength(1);
    expect(breaches[0]).toMatchObject({ step: 'accepted', escalationLevel: 1 });
    const after = (await env.k.workflow.get(c.id))!;
    expect(after.escalationLevel).toBe(1);
    // Escalation is not an action: the version users act on does not move.
    expect(after.version).toBe(4);
    const audit = await env.k.db.selectFrom('audit_log').select(['action', 'actor_kind']).where('entity_id', '=', c.id).where('action', '=', 'workflow.sla.breached').execute();
    expect(audit).toEqual([{ action: 'workflow.sla.breached', actor_kind: 'system' }]);
  });

  it('a deadline spanning several steps keeps running through them and pauses while waiting', async () => {
    env.k.workflow.register(defineCaseType({
      type: 'demo.spanning',
      states: ['submitted', 'received', 'processing', 'waiting', 'done'],
      initial: 'submitted',
      actions: {
        receive: { from: ['submitted'], to: 'received', roles: ['desk_officer'] },
        assign: { from: ['received'], to: 'processing', roles: ['desk_officer'] },
        ask: { from: ['processing'], to: 'waiting', roles: ['desk_officer'] },
        supply: { from: ['waiting'], to: 'processing', roles: ['applicant'] },
        finish: { from: ['processing'], to: 'done', roles: ['desk_officer'] },
      },
      sla: { received: { days: 3, runsIn: ['processing'], pausedIn: ['waiting'] } },
    }));
    const spanDesk = actor({ id: 'motcua-span', grants: [{ role: 'desk_officer', actions: ['demo.*'], scope: { unitPath: '37' } }] });
    env.k.workflow.now = () => at('2026-03-16T08:00:00');
    const c = (await tx((t) => env.k.workflow.start(t, citizen, { type: 'demo.spanning', unitPath: '37.13285', agencyId: AGENCY, data: {}, idempotencyKey: key() }))).case;
    await act(c, spanDesk, 'receive', '2026-03-16T09:00:00');
    await act(c, spanDesk, 'assign', '2026-03-16T10:00:00');
    let clocks = await env.k.workflow.clocks(c.id);
    expect(clocks).toHaveLength(1);
    expect(clocks[0]).toMatchObject({ step: 'received', stoppedAt: null, pausedAt: null, dueAt: at('2026-03-19T17:00:00') });
    await act(c, spanDesk, 'ask', '2026-03-17T10:00:00');
    await act(c, citizen, 'supply', '2026-03-18T10:00:00');
    clocks = await env.k.workflow.clocks(c.id);
    expect(clocks[0]).toMatchObject({ stoppedAt: null, pausedAt: null, pausedMs: 8 * H, dueAt: at('2026-03-20T17:00:00') });
    await act(c, spanDesk, 'finish', '2026-03-19T10:00:00');
    expect((await env.k.workflow.clocks(c.id))[0]!.stoppedAt).toEqual(at('2026-03-19T10:00:00'));
    // A state cannot both keep a clock running and pause it.
    expect(definitionProblems({ type: 'x.y', states: ['a', 'b'], initial: 'a', actions: { go: { from: ['a'], to: 'b', roles: ['*'] } }, sla: { a: { days: 1, runsIn: ['b'], pausedIn: ['b'] } } }))
      .toContain('sla.a.runsIn: «b» không thể vừa chạy vừa tạm dừng');
  });

  it('the sweep is a self-scheduling outbox job, deduplicated so any number of instances can run it', async () => {
    const before = await env.k.db.selectFrom('outbox').select('id').where('topic', '=', SWEEP_TOPIC).execute();
    // A clock started long before today's date (2026-11-23) is overdue when the job runs.
    const c = await open('2026-01-05T08:00:00');
    const queued = await env.k.db.selectFrom('outbox').select(['dedupe_key', 'run_at']).where('topic', '=', SWEEP_TOPIC).execute();
    expect(queued.length).toBeGreaterThan(before.length);
    expect(queued.every((q) => q.dedupe_key?.startsWith(`${SWEEP_TOPIC}:`))).toBe(true);
    // Asking twice for the same minute queues one job.
    const count = async () => (await env.k.db.selectFrom('outbox').select('id').where('topic', '=', SWEEP_TOPIC).execute()).length;
    const n0 = await count();
    await env.k.workflow.scheduleSweep(env.k.db, at('2027-01-04T08:00:10'));
    await env.k.workflow.scheduleSweep(env.k.db, at('2027-01-04T08:00:50'));
    expect(await count()).toBe(n0 + 1);

    await env.k.outbox.drain();
    const [clock] = await env.k.workflow.clocks(c.id);
    expect(clock!.breachedAt).not.toBeNull();
    expect(await outboxOf(BREACHED_TOPIC, c.id)).toHaveLength(1);
    expect(await outboxOf(WARNING_TOPIC, c.id)).toHaveLength(1);
    expect((await env.k.workflow.get(c.id))!.escalationLevel).toBe(1);
    const dead = await env.k.db.selectFrom('outbox').select('last_error').where('topic', '=', SWEEP_TOPIC).where('status', '=', 'dead').execute();
    expect(dead).toEqual([]);
  });

  it('sweeps running at once on several instances send each event once', async () => {
    const cases = [await open('2026-04-06T08:00:00'), await open('2026-04-06T08:00:00'), await open('2026-04-06T08:00:00')];
    // The 'submitted' clocks (4 working hours from 08:00) are due at 13:30.
    const results = await Promise.all([1, 2, 3, 4].map(() => env.k.workflow.sweep(at('2026-04-06T14:00:00'))));
    for (const c of cases) {
      expect(await outboxOf(WARNING_TOPIC, c.id)).toHaveLength(1);
      expect(await outboxOf(BREACHED_TOPIC, c.id)).toHaveLength(1);
      expect((await env.k.workflow.get(c.id))!.escalationLevel).toBe(1);
    }
    expect(results.reduce((s, r) => s + r.breached, 0)).toBeGreaterThanOrEqual(3);
  });
});

describe('process definitions', () => {
  it('a running case keeps the definition it started with; new cases take the new version', async () => {
    const a = await open('2026-03-16T08:00:00');
    const base = toProcessDefinition(demo);
    // The edit: 5 days instead of 3, and no refusal once a case is accepted.
    const edited = { ...base, actions: { ...base.actions, reject: { ...base.actions.reject!, from: ['submitted'] } }, sla: { ...base.sla, accepted: { days: 5, pausedIn: ['waiting_info'] } } };
    const saved = await tx((t) => env.k.workflow.saveDefinition(t, desk, { type: 'demo.request', definition: edited }));
    expect(saved).toEqual({ type: 'demo.request', key: 'default', version: 1 });
    const b = await open('2026-03-16T08:00:00');
    expect([a.definitionVersion, b.definitionVersion]).toEqual([0, 1]);

    await act(a, desk, 'accept', '2026-03-16T09:00:00');
    await act(b, desk, 'accept', '2026-03-16T09:00:00');
    const due = async (c: CaseView) => (await env.k.workflow.clocks(c.id)).find((k) => k.step === 'accepted')!.dueAt;
    expect(await due(a)).toEqual(at('2026-03-19T17:00:00'));
    expect(await due(b)).toEqual(at('2026-03-23T17:00:00'));
    expect(env.k.workflow.allowedActions((await env.k.workflow.get(b.id))!, specialist.actor)).toEqual(['ask_info', 'finish']);
    expect((await rejection(act(b, specialist, 'reject', '2026-03-16T10:00:00'))).code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
    expect((await act(a, specialist, 'reject', '2026-03-16T10:00:00')).case.state).toBe('rejected');
    // The code's conditions still apply under an edited definition.
    expect((await rejection(act(b, specialist, 'ask_info', '2026-03-16T10:00:00'))).params.reason).toContain('cần nêu');

    // Per key (e.g. a procedure code): its own versions.
    const k = await tx((t) => env.k.workflow.saveDefinition(t, desk, { type: 'demo.request', key: '1.001234', definition: base }));
    expect(k.version).toBe(1);
    expect((await env.k.workflow.currentDefinition(env.k.db, 'demo.request')).version).toBe(1);
    const audit = await env.k.db.selectFrom('audit_log').select('entity_id').where('action', '=', 'workflow.definition.save').execute();
    expect(audit.map((r) => r.entity_id)).toEqual(['demo.request:default:1', 'demo.request:1.001234:1']);
  });

  it('another instance caches the latest definitions and drops them when one is saved anywhere (congso_cache)', async () => {
    const notify = new Notifier(env.k.dbHandle.url);
    const other = new CaseEngine({ db: env.k.db, calendar: env.k.calendar, outbox: new Outbox(env.k.db), audit: new AuditLog(), notify });
    try {
      other.register(demo);
      const key = '9.999001';
      expect((await other.currentDefinition(env.k.db, 'demo.request', key)).version).toBe(0);
      expect(await notify.ready()).toBe(true);
      expect((await other.currentDefinition(env.k.db, 'demo.request', key)).version).toBe(0); // now cached
      const base = toProcessDefinition(demo);
      await tx((t) => env.k.workflow.saveDefinition(t, desk, { type: 'demo.request', key, definition: base }));
      // The save is announced at commit; the other instance drops its cache when it hears it.
      for (let i = 0; i < 200 && (await other.currentDefinition(env.k.db, 'demo.request', key)).version !== 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect((await other.currentDefinition(env.k.db, 'demo.request', key)).version).toBe(1);
      // The saving instance reads its own save at once (it dropped its cache while saving).
      expect((await env.k.workflow.currentDefinition(env.k.db, 'demo.request', key)).version).toBe(1);
    } finally {
      await notify.stop();
    }
  });

  it('validates an administrator’s definition against the engine schema', async () => {
    const base = toProcessDefinition(demo);
    const bad = async (definition: unknown) => rejection(tx((t) => env.k.workflow.saveDefinition(t, desk, { type: 'demo.request', definition })));
    const e1 = await bad({ ...base, actions: { ...base.actions, accept: { from: ['submited'], to: 'accepted', roles: ['desk_officer'] } } });
    expect([e1.code, e1.status]).toEqual(['WORKFLOW_DEFINITION_INVALID', 422]);
    expect(e1.params.reason).toContain('submited');
    expect((await bad({ ...base, sla: { accepted: { days: -1 } } })).params.reason).toContain('sla.accepted.days');
    expect((await bad({ ...base, extra: true })).code).toBe('WORKFLOW_DEFINITION_INVALID');
    expect((await bad({ ...base, type: 'demo.other' })).params.reason).toContain('demo.request');
    expect((await rejection(tx((t) => env.k.workflow.saveDefinition(t, desk, { type: 'demo.unknown', definition: base })))).code).toBe('WORKFLOW_UNKNOWN_TYPE');
  });
});
