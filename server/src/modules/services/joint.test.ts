import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, newOfficial, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';
import PDFDocument from 'pdfkit';
import { validatePdf } from '../../kernel/pki/index.js';
import { ensureDevPki, trustMaterial } from '../documents/pki.js';
import { jointAlerts } from './dossier.alerts.js';
import { seedServicesDemo } from './seed.js';

/**
 * Joint processing across agencies (liên thông): the demo trio of birth
 * registration, permanent residence and the health-insurance card for a child
 * under 6 (Joint Circular 05/2015, Decree 63/2024). The commune receives and
 * registers the birth, the police register the residence, social insurance
 * issues the card, the commune returns the results.
 */

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const agencyIds: Record<string, string> = {};
let citizen: TestSession;
let phuly: TestSession; // leader of Phủ Lý (receives, approves)
let phulyStaff: TestSession; // specialist of Phủ Lý (processes, hands over)
let admin: TestSession;
let stp: TestSession; // an agency that has nothing to do with it
let police: TestSession;
let insurance: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const key = () => `k-${randomUUID()}`;
/** A one-page PDF (a result an agency would upload). */
const pagePdf = (text: string) => new Promise<Buffer>((resolve) => {
  const doc = new PDFDocument();
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  doc.on('end', () => resolve(Buffer.concat(chunks)));
  doc.text(text);
  doc.end();
});
const upload = (s: TestSession | null, id: string, name: string, body: Buffer | object, type = 'application/pdf') =>
  env.app.inject({ method: 'POST', url: `/api/dossiers/${id}/joint-results?name=${encodeURIComponent(name)}`, payload: body, headers: { ...(s?.headers ?? {}), 'content-type': type } });
const counts = async (dossierId: string) => (await sql<{ r: number; f: number }>`
  SELECT (SELECT count(*)::int FROM dossier_joint_result WHERE dossier_id = ${dossierId}) AS r,
         (SELECT count(*)::int FROM dossier_file WHERE dossier_id = ${dossierId}) AS f`.execute(env.k.db)).rows[0]!;

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json };
};
const act = (s: TestSession, id: string, action: string, body: Json = {}) => call(s, 'POST', `/api/dossiers/${id}/actions/${action}`, body, { 'idempotency-key': key() });
const actions = (v: Json) => v.allowedActions.map((a: Json) => a.action);

/** An agency of the province, created as an administrator does, with one official holding `role` in it. */
async function agencyWithOfficial(code: string, name: string, email: string, role: string): Promise<TestSession> {
  const a = await call(admin, 'POST', '/api/admin/agencies', { code, name, kind: 'other', unitCode: '37' });
  expect(a.status).toBe(201);
  agencyIds[code] = a.body.id;
  return officialOf(code, email, role);
}

/** One more official of an agency made above, holding `role` in it. */
async function officialOf(code: string, email: string, role: string): Promise<TestSession> {
  const officialId = await newOfficial(env.k, code, email);
  const acc = await call(admin, 'POST', '/api/admin/accounts', { officialId, email, password: 'Matkhau2026' });
  expect(acc.status).toBe(201);
  const g = await call(admin, 'POST', `/api/admin/accounts/${acc.body.id}/roles`, { role, agencyId: agencyIds[code] });
  expect(g.status).toBe(201);
  return login(env.app, email, 'Matkhau2026');
}

const birthForm = {
  ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha',
  tre_ho_ten: 'Nguyễn Minh Khôi', tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình', me_ho_ten: 'Lê Thị Hoa',
};

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url } });
  [citizen, phuly, phulyStaff, admin, stp] = await Promise.all([
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
    login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
    login(env.app, 'admin@ninhbinh.gov.vn'),
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
  ]);
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

const recipients = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.parsed.subject ?? '')).flatMap((m) => m.to);
/** The joint step jobs of a dossier queued in the outbox (not yet run). */
const jointJobs = async (dossierId: string) =>
  (await sql<{ topic: string; run_at: Date; payload: { dossierId: string; seq: number } }>`
    SELECT topic, run_at, payload FROM outbox WHERE topic LIKE 'services.joint.%' AND payload->>'dossierId' = ${dossierId} ORDER BY run_at`.execute(env.k.db)).rows;
/** Brings a queued joint step job forward to now and runs the outbox (the job, then the mail it queues). */
async function runJointJob(dossierId: string, seq: number, topic: 'services.joint.warning' | 'services.joint.breached') {
  await sql`UPDATE outbox SET run_at = now() WHERE topic = ${topic} AND payload->>'dossierId' = ${dossierId} AND (payload->>'seq')::int = ${seq}`.execute(env.k.db);
  await env.k.outbox.drain();
  await env.k.outbox.drain();
}

describe('joint processing (liên thông)', () => {
  const CODE = 'LT.001193';
  let id = '';
  let code = '';
  let dueAt = '';

  it('a plan names agencies that exist, one duration per step, and fits in the statutory time limit', async () => {
    const cur = await call(admin, 'GET', `/api/admin/process-definitions/${CODE}`);
    expect(cur.status).toBe(200);
    expect(cur.body).toMatchObject({ version: 0, joint: { steps: [] } });
    const def = cur.body.definition;
    const bad = await call(admin, 'PUT', `/api/admin/process-definitions/${CODE}`, {
      ...def, joint: { steps: [{ agencyCode: 'KHONGCO', label: 'Bước lạ', days: 2 }, { agencyCode: 'STP', label: 'Hai thời hạn', days: 2, hours: 4 }, { agencyCode: 'STP', label: 'Lặp', days: 1 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field)).toEqual(['body.joint.steps.0.agencyCode', 'body.joint.steps.1', 'body.joint.steps.2.agencyCode']);
    const tooLong = await call(admin, 'PUT', `/api/admin/process-definitions/${CODE}`, {
      ...def, joint: { steps: [{ agencyCode: 'STP', label: 'Dài', days: 15 }, { agencyCode: 'SKHCN', label: 'Dài nữa', days: 5 }] },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors[0]).toMatchObject({ field: 'body.joint.steps', rule: 'within' });
    // Only an administrator edits plans.
    expect((await call(phuly, 'PUT', `/api/admin/process-definitions/${CODE}`, { ...def, joint: { steps: [] } })).status).toBe(403);
    // Nothing was saved.
    expect((await call(admin, 'GET', `/api/admin/process-definitions/${CODE}`)).body.version).toBe(0);
  });

  it('the demo seed saves the trio’s plan once the police and social-insurance agencies exist', async () => {
    police = await agencyWithOfficial('CA', 'Công an tỉnh Ninh Bình', 'canbo.ca@ninhbinh.gov.vn', 'specialist');
    insurance = await agencyWithOfficial('BHXH', 'Bảo hiểm xã hội tỉnh Ninh Bình', 'canbo.bhxh@ninhbinh.gov.vn', 'specialist');
    await seedServicesDemo(env.k);
    // The police have an organisation key on this platform (their results are signed); social insurance has none.
    await ensureDevPki(env.k, { agencies: [{ code: 'CA', name: 'Công an tỉnh Ninh Bình' }], officials: [] });
    const saved = await call(admin, 'GET', `/api/admin/process-definitions/${CODE}`);
    expect(saved.body.version).toBe(1);
    expect(saved.body.joint.steps).toEqual([
      { agencyCode: 'CA', kind: 'process', label: 'Đăng ký thường trú cho trẻ', days: 7 },
      { agencyCode: 'BHXH', kind: 'process', label: 'Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi', days: 5 },
    ]);
    await seedServicesDemo(env.k); // idempotent
    expect((await call(admin, 'GET', `/api/admin/process-definitions/${CODE}`)).body.version).toBe(1);
  });

  it('the commune receives the dossier and hands it to the police; only the police may act on it now', async () => {
    const d = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: CODE, unitCode: '13285' });
    expect(d.status).toBe(201);
    await call(citizen, 'PUT', `/api/dossier-drafts/${d.body.id}`, { version: d.body.version, forms: { to_khai: birthForm } });
    const up = await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${d.body.id}/files?component=giay_chung_sinh&name=gcs.pdf`, payload: PDF, headers: { ...citizen.headers, 'content-type': 'application/pdf' } });
    expect(up.statusCode).toBe(201);
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, {}, { 'idempotency-key': key() });
    expect(sub.status).toBe(201);
    id = sub.body.id;
    code = sub.body.code;
    expect((await act(phuly, id, 'receive')).body.state).toBe('processing');

    const home = await call(phulyStaff, 'GET', `/api/dossiers/${id}`);
    expect(actions(home.body)).toContain('transfer');
    expect(actions(home.body)).not.toContain('joint_pass');
    expect(home.body.joint.plan.map((p: Json) => p.agencyCode)).toEqual(['CA', 'BHXH']);
    dueAt = home.body.dueAt;
    // Before the hand-off the police do not see it.
    expect((await call(police, 'GET', `/api/dossiers/${id}`)).status).toBe(403);
    expect((await call(police, 'GET', '/api/dossiers')).body.items.map((x: Json) => x.id)).not.toContain(id);

    const t = await act(phulyStaff, id, 'transfer', { note: 'Đã đăng ký khai sinh, số 123/2026' });
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ state: 'joint', stateLabel: 'Đang xử lý liên thông', currentAgency: { code: 'CA', name: 'Công an tỉnh Ninh Bình' } });
    // The step has its own time limit, from the calendar; the statutory appointment does not move.
    const step = t.body.joint.steps[0];
    const at = t.body.history.at(-1).at;
    const expected = await env.k.calendar.appointment(new Date(at), { days: 7 });
    expect(new Date(step.dueAt).toISOString()).toBe(expected.dueAt.toISOString());
    expect(step).toMatchObject({ stepNo: 1, agencyCode: 'CA', outcome: null, overdue: false });
    expect(t.body.dueAt).toBe(dueAt);
    const clock = (await env.k.workflow.clocks(id)).find((c) => c.step === 'processing')!;
    expect(clock.stoppedAt).toBeNull();
    // The case is the police's now: the commune reads it but may not act.
    expect((await env.k.workflow.get(id))!.agencyId).not.toBeNull();
    const homeNow = await call(phulyStaff, 'GET', `/api/dossiers/${id}`);
    expect(homeNow.status).toBe(200);
    expect(actions(homeNow.body)).toEqual([]);
    expect((await act(phulyStaff, id, 'joint_pass')).status).toBe(403);
    // The public tracking page says who has it, nothing personal.
    const tr = await call(null, 'GET', `/api/tracking/${encodeURIComponent(code)}`);
    expect(tr.body).toMatchObject({ state: 'joint', currentAgency: 'Công an tỉnh Ninh Bình' });
    expect(JSON.stringify(tr.body)).not.toContain('Nguyễn Văn An');
    const page = await env.app.inject({ method: 'GET', url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}` });
    expect(page.body).toContain('Công an tỉnh Ninh Bình');
  });

  it('the police step has its own clock: its officials are warned before it falls due, its lateness escalated to both agencies’ leaders', async () => {
    await officialOf('CA', 'lanhdao.ca@ninhbinh.gov.vn', 'leader');
    const v = (await call(police, 'GET', `/api/dossiers/${id}`)).body;
    const step = v.joint.steps[0];
    expect(step).toMatchObject({ warnedAt: null, escalatedAt: null });
    // Queued when the step started: the warning before its due time, the escalation at it.
    const jobs = await jointJobs(id);
    expect(jobs.map((j) => j.topic)).toEqual(['services.joint.warning', 'services.joint.breached']);
    expect(jobs.every((j) => j.payload.seq === 1)).toBe(true);
    expect(jobs[0]!.run_at.getTime()).toBeGreaterThan(new Date(step.startedAt).getTime());
    expect(jobs[0]!.run_at.getTime()).toBeLessThan(new Date(step.dueAt).getTime());
    expect(jobs[1]!.run_at.toISOString()).toBe(new Date(step.dueAt).toISOString());

    await runJointJob(id, 1, 'services.joint.warning');
    const warned = recipients(new RegExp(`^Hồ sơ ${code} sắp đến hạn bước liên thông`));
    expect(warned).toContain('canbo.ca@ninhbinh.gov.vn');
    for (const x of ['phuly@ninhbinh.gov.vn', 'canbo.bhxh@ninhbinh.gov.vn', 'chuyenvien.stp@ninhbinh.gov.vn', 'lanhdao@ninhbinh.gov.vn']) expect(warned).not.toContain(x);
    const afterWarn = (await call(phulyStaff, 'GET', `/api/dossiers/${id}`)).body.joint.steps[0];
    expect(afterWarn.warnedAt).not.toBeNull();
    expect(afterWarn.escalatedAt).toBeNull();

    await runJointJob(id, 1, 'services.joint.breached');
    const late = recipients(new RegExp(`^Hồ sơ ${code} quá hạn bước liên thông tại Công an tỉnh Ninh Bình`));
    // The police's leader and officials, and the receiving commune's leader; not the province's, not other agencies.
    expect(late).toEqual(expect.arrayContaining(['lanhdao.ca@ninhbinh.gov.vn', 'canbo.ca@ninhbinh.gov.vn', 'phuly@ninhbinh.gov.vn']));
    for (const x of ['lanhdao@ninhbinh.gov.vn', 'canbo.bhxh@ninhbinh.gov.vn', 'giamdoc.stp@ninhbinh.gov.vn']) expect(late).not.toContain(x);
    const shown = (await call(phuly, 'GET', `/api/dossiers/${id}`)).body.joint.steps[0];
    expect(shown.escalatedAt).not.toBeNull();
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = ${id} AND action = 'services.dossier.joint_step_breached'`.execute(env.k.db);
    expect(audit.rows[0]!.n).toBe(1);
    // Run again (a retried job): nothing more is sent or recorded.
    const before = smtp.received.length;
    await jointAlerts(env.k).breached({ dossierId: id, seq: 1 });
    await jointAlerts(env.k).warning({ dossierId: id, seq: 1 });
    await env.k.outbox.drain();
    expect(smtp.received.length).toBe(before);
  });

  it('each agency sees only what reached it', async () => {
    const q = await call(police, 'GET', '/api/dossiers');
    const mine = q.body.items.find((x: Json) => x.id === id);
    expect(mine).toMatchObject({ state: 'joint', currentAgency: { code: 'CA' } });
    const v = await call(police, 'GET', `/api/dossiers/${id}`);
    expect(v.status).toBe(200);
    // Not the last step: pass it on, or return it; completing it is not offered (and refused).
    expect(actions(v.body)).toEqual(['joint_pass', 'joint_return']);
    const early = await act(police, id, 'joint_complete');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('SERVICES_JOINT_NOT_POSSIBLE');
    expect((await call(police, 'GET', `/api/dossiers/${id}`)).body.joint.steps[0].outcome).toBeNull();
    // Social insurance has not received it yet; an unrelated department never.
    expect((await call(insurance, 'GET', `/api/dossiers/${id}`)).status).toBe(403);
    expect((await call(insurance, 'GET', '/api/dossiers')).body.items.map((x: Json) => x.id)).not.toContain(id);
    expect((await call(stp, 'GET', `/api/dossiers/${id}`)).status).toBe(403);
    expect((await act(stp, id, 'joint_pass')).status).toBe(403);
  });

  it('the police return it with a reason; the commune sends it again', async () => {
    expect((await act(police, id, 'joint_return', {})).status).toBe(409);
    const r = await act(police, id, 'joint_return', { reason: 'Thiếu xác nhận chỗ ở hợp pháp của cha mẹ' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'processing', currentAgency: null });
    expect(r.body.joint.steps[0]).toMatchObject({ outcome: 'returned', note: 'Thiếu xác nhận chỗ ở hợp pháp của cha mẹ' });
    // The police still read what they held, and may do nothing with it.
    expect(actions((await call(police, 'GET', `/api/dossiers/${id}`)).body)).toEqual([]);
    expect((await act(police, id, 'joint_pass')).status).toBe(409);
    // Public tracking: which agency holds it and each step's state and deadline, never the hand-off's note nor anything personal.
    const tr = await call(null, 'GET', `/api/tracking/${encodeURIComponent(code)}`);
    expect(Object.keys(tr.body).sort()).toEqual([
      'code', 'currentAgency', 'dueAt', 'finishedAt', 'handlerName', 'jointSteps', 'procedureName', 'receivedAt', 'returnedAt', 'state', 'stateLabel', 'submittedAt',
    ]);
    expect(tr.body.jointSteps).toEqual([{
      agencyName: 'Công an tỉnh Ninh Bình', label: 'Đăng ký thường trú cho trẻ', startedAt: expect.any(String), dueAt: expect.any(String),
      finishedAt: expect.any(String), outcome: 'returned', overdue: false,
    }]);
    expect(JSON.stringify(tr.body)).not.toMatch(/Thiếu xác nhận|Nguyễn|Lê Thị Hoa|037090000001/);
    const html = (await env.app.inject({ method: 'GET', url: `/tra-cuu-ho-so?ma=${encodeURIComponent(code)}` })).body;
    expect(html).toContain('Các bước liên thông');
    expect(html).toContain('Trả lại nơi tiếp nhận');
    expect(html).not.toMatch(/Thiếu xác nhận|Nguyễn|Lê Thị Hoa|037090000001/);
    // Back home: the commune may act again, and sends it to the same step.
    const again = await act(phulyStaff, id, 'transfer');
    expect(again.body.joint.steps).toHaveLength(2);
    expect(again.body.joint.steps[1]).toMatchObject({ stepNo: 1, agencyCode: 'CA', outcome: null });
  });

  it('the agency holding a step attaches its own result, signed with its organisation signature; no one else may', async () => {
    const pdf = await pagePdf('So dang ky thuong tru 0123/2026');
    const before = await counts(id);
    // Not the applicant, not the receiving body while the police hold it, not an agency it has not reached, not an unrelated one.
    expect((await upload(null, id, 'kq.pdf', pdf)).statusCode).toBe(401);
    for (const who of [citizen, phulyStaff, phuly, insurance, stp]) {
      const r = await upload(who, id, 'kq.pdf', pdf);
      expect(r.statusCode, r.body).toBe(403);
    }
    // Bad input: each refused with its field, nothing written.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea73581e40000000049454e44ae426082', 'hex');
    const wrongType = await upload(police, id, 'kq.png', png, 'image/png');
    expect(wrongType.statusCode).toBe(415);
    expect(wrongType.json().code).toBe('FILE_TYPE_NOT_ALLOWED');
    const noName = await upload(police, id, '', pdf);
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors[0].field).toMatch(/name/);
    const json = await upload(police, id, 'kq.pdf', { a: 1 }, 'application/json');
    expect(json.statusCode).toBe(400);
    expect(json.json().errors[0]).toMatchObject({ field: 'body' });
    const broken = await upload(police, id, 'hong.pdf', Buffer.from('%PDF-1.4\nkhong phai pdf that\n'));
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ errors: [{ field: 'body', rule: 'pdf' }] });
    expect(broken.json().errors[0].message).toMatch(/Không ký số được tệp PDF/);
    expect(await counts(id)).toEqual(before);

    const ok = await upload(police, id, 'dang-ky-thuong-tru.pdf', pdf);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ name: 'dang-ky-thuong-tru.pdf', mime: 'application/pdf', signed: true, stepNo: 1, agencyCode: 'CA' });
    expect(await counts(id)).toEqual({ r: before.r + 1, f: before.f + 1 });
    // The step lists it; the applicant finds it among the dossier's results and it verifies as the police's.
    const v = (await call(citizen, 'GET', `/api/dossiers/${id}`)).body;
    const step = v.joint.steps.find((x: Json) => x.outcome === null);
    expect(step.results).toEqual([expect.objectContaining({ fileId: ok.json().fileId, signed: true })]);
    expect(v.files.filter((f: Json) => f.kind === 'result').map((f: Json) => f.id)).toContain(ok.json().fileId);
    const file = await env.app.inject({ method: 'GET', url: `/api/dossiers/${id}/files/${ok.json().fileId}`, headers: citizen.headers });
    expect(file.statusCode).toBe(200);
    const report = await validatePdf(new Uint8Array(file.rawPayload), await trustMaterial(env.k));
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0]!.signer?.subject ?? '').toMatch(/Công an tỉnh Ninh Bình/);
    // The receiving body reads it too.
    expect((await env.app.inject({ method: 'GET', url: `/api/dossiers/${id}/files/${ok.json().fileId}`, headers: phuly.headers })).statusCode).toBe(200);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = ${id} AND action = 'services.dossier.joint_result'`.execute(env.k.db);
    expect(audit.rows[0]!.n).toBe(1);
  });

  it('the police pass it to social insurance, which completes the last step back to the commune', async () => {
    const p = await act(police, id, 'joint_pass', { note: 'Đã đăng ký thường trú' });
    expect(p.body.currentAgency).toMatchObject({ code: 'BHXH' });
    // The police's step finished in time: its queued warning and escalation do nothing when their time comes.
    const sent = smtp.received.length;
    await runJointJob(id, 2, 'services.joint.warning');
    await runJointJob(id, 2, 'services.joint.breached');
    expect(smtp.received.length).toBe(sent);
    expect(p.body.joint.steps[1]).toMatchObject({ outcome: 'passed', warnedAt: null, escalatedAt: null });
    expect((await jointJobs(id)).map((j) => j.payload.seq)).toEqual([3, 3]);
    expect(actions((await call(police, 'GET', `/api/dossiers/${id}`)).body)).toEqual([]);
    const v = await call(insurance, 'GET', `/api/dossiers/${id}`);
    expect(v.status).toBe(200);
    expect(actions(v.body)).toEqual(['joint_complete', 'joint_return']);
    const step = v.body.joint.steps[2];
    const expected = await env.k.calendar.appointment(new Date(step.startedAt), { days: 5 });
    expect(new Date(step.dueAt).toISOString()).toBe(expected.dueAt.toISOString());
    // A step past its own time limit shows as overdue, while the statutory appointment still holds.
    await sql`UPDATE dossier_joint_step SET due_at = now() - interval '1 hour' WHERE dossier_id = ${id} AND finished_at IS NULL`.execute(env.k.db);
    const late = (await call(insurance, 'GET', `/api/dossiers/${id}`)).body;
    expect(late.joint.steps[2].overdue).toBe(true);
    expect(late.overdue).toBe(false);

    expect((await act(insurance, id, 'joint_pass')).status).toBe(409);
    // The police passed it on: they may no longer attach; social insurance (no organisation key here) attaches unsigned.
    expect((await upload(police, id, 'muon.pdf', await pagePdf('late'))).statusCode).toBe(403);
    const card = await upload(insurance, id, 'the-bhyt.pdf', await pagePdf('The BHYT tre em duoi 6 tuoi'));
    expect(card.statusCode, card.body).toBe(201);
    expect(card.json()).toMatchObject({ signed: false, stepNo: 2, agencyCode: 'BHXH' });
    const c = await act(insurance, id, 'joint_complete', { note: 'Đã cấp thẻ BHYT' });
    expect(c.body).toMatchObject({ state: 'processing', currentAgency: null });
    expect((await env.k.workflow.get(id))!).toMatchObject({ agencyId: null, unitPath: expect.stringMatching(/\.13285$/) });
  });

  it('the commune approves and returns; the action log holds every hand-off', async () => {
    const home = await call(phulyStaff, 'GET', `/api/dossiers/${id}`);
    expect(actions(home.body)).not.toContain('transfer');
    expect((await act(phulyStaff, id, 'transfer')).status).toBe(409);
    expect((await act(phulyStaff, id, 'process')).body.state).toBe('reviewing');
    expect((await act(phuly, id, 'approve')).body.state).toBe('approved');
    const done = await act(phuly, id, 'deliver');
    expect(done.body.state).toBe('returned');
    const log = done.body.history.map((h: Json) => `${h.action}:${h.actor}`);
    expect(log.filter((l: string) => /transfer|joint_/.test(l))).toEqual([
      expect.stringMatching(/^transfer:/), expect.stringMatching(/^joint_return:Cán bộ canbo\.ca$/), expect.stringMatching(/^transfer:/),
      expect.stringMatching(/^joint_pass:Cán bộ canbo\.ca$/), expect.stringMatching(/^joint_complete:Cán bộ canbo\.bhxh$/),
    ]);
    expect(done.body.joint.steps.map((s: Json) => `${s.agencyCode}:${s.outcome}`)).toEqual(['CA:returned', 'CA:passed', 'BHXH:completed']);
    // Back home, no step is open: attaching is refused with the reason to those who read the dossier.
    const late = await upload(phulyStaff, id, 'kq.pdf', await pagePdf('x'));
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('SERVICES_JOINT_RESULT_NOT_POSSIBLE');
    // The applicant's results: the commune's own and each agency's.
    const mine = (await call(citizen, 'GET', `/api/dossiers/${id}`)).body;
    const results = mine.files.filter((f: Json) => f.kind === 'result');
    expect(results.map((f: Json) => f.name).sort()).toEqual(['dang-ky-thuong-tru.pdf', `ket-qua-${code}.pdf`, 'the-bhyt.pdf'].sort());
    expect(mine.joint.steps.map((s: Json) => s.results.map((r: Json) => r.name))).toEqual([[], ['dang-ky-thuong-tru.pdf'], ['the-bhyt.pdf']]);
    const tr = await call(null, 'GET', `/api/tracking/${encodeURIComponent(code)}`);
    expect(tr.body.currentAgency).toBe('Ủy ban nhân dân Phường Phủ Lý');
    expect(tr.body.jointSteps.map((s: Json) => s.agencyName)).toEqual(['Công an tỉnh Ninh Bình', 'Công an tỉnh Ninh Bình', 'Bảo hiểm xã hội tỉnh Ninh Bình']);
    // The audit chain holds the plan and every action.
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = ${id} AND action LIKE 'workflow.services.dossier.joint_%'`.execute(env.k.db);
    expect(audit.rows[0]!.n).toBe(3);
  });
});
