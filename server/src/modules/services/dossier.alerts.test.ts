import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';
import { dossierAlerts } from './dossier.alerts.js';

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let desk: TestSession;
let head: TestSession;
let specialist: TestSession;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url } });
  [desk, head, specialist] = await Promise.all([
    login(env.app, 'motcua@ninhbinh.gov.vn'), login(env.app, 'truongphong.stp@ninhbinh.gov.vn'), login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
  ]);
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const post = async (s: TestSession, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  (await env.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, ...headers } })).json() as Json;
const recipients = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.parsed.subject ?? '')).flatMap((m) => m.to);

describe('dossier deadline alerts', () => {
  it('warns the assignee before the deadline, then escalates a breach to the agency leader, then to the province', async () => {
    const d = await post(desk, '/api/dossier-drafts', { procedureCode: '2.000488' });
    await env.app.inject({
      method: 'PUT', url: `/api/dossier-drafts/${d.id}`, headers: desk.headers,
      payload: { version: d.version, applicant: { name: 'Phạm Văn Nam' }, forms: { to_khai: { ho_ten: 'Phạm Văn Nam', so_dinh_danh: '037090000005', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } } },
    });
    const filed = await post(desk, `/api/dossier-drafts/${d.id}/submit`, {}, { 'idempotency-key': `k-${randomUUID()}` });
    await post(head, `/api/dossiers/${filed.id}/actions/assign`, { assigneeId: specialist.user.id, assigneeName: specialist.user.name }, { 'idempotency-key': `k-${randomUUID()}` });

    // Past the warning threshold but before the deadline: the assignee is warned.
    const due = new Date(filed.dueAt).getTime();
    await env.k.workflow.sweep(new Date(due - 60_000));
    await env.k.outbox.drain();
    await env.k.outbox.drain();
    expect(recipients(new RegExp(`^Hồ sơ ${filed.code} sắp đến hạn`))).toEqual(['chuyenvien.stp@ninhbinh.gov.vn']);

    // Past the deadline: the department's leader (not yet the province's) and the assignee.
    await env.k.workflow.sweep(new Date(due + 60_000));
    await env.k.outbox.drain();
    await env.k.outbox.drain();
    const first = recipients(new RegExp(`^Hồ sơ ${filed.code} đã quá hạn \\(cảnh báo lần 1\\)`));
    expect(first).toContain('giamdoc.stp@ninhbinh.gov.vn');
    expect(first).toContain('chuyenvien.stp@ninhbinh.gov.vn');
    expect(first).not.toContain('lanhdao@ninhbinh.gov.vn');

    // A second level of escalation reaches the province's leaders.
    await dossierAlerts(env.k).breached({ caseId: filed.id, type: 'services.dossier', state: 'processing', step: 'processing', dueAt: filed.dueAt, escalationLevel: 2, unitPath: null, agencyId: null });
    await env.k.outbox.drain();
    const second = recipients(new RegExp(`^Hồ sơ ${filed.code} đã quá hạn \\(cảnh báo lần 2\\)`));
    expect(second).toEqual(expect.arrayContaining(['giamdoc.stp@ninhbinh.gov.vn', 'lanhdao@ninhbinh.gov.vn']));
    // A commune's leader is never told of a department's dossier.
    expect(second).not.toContain('phuly@ninhbinh.gov.vn');
  });
});
