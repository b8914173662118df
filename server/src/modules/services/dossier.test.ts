import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let citizen: TestSession;
let citizen2: TestSession;
let desk: TestSession;
let phuly: TestSession;
let stpSpecialist: TestSession;
let stpHead: TestSession;
let stpDirector: TestSession;
let admin: TestSession;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://dichvucong.ninhbinh.gov.vn' } });
  [citizen, citizen2, desk, phuly, stpSpecialist, stpHead, stpDirector, admin] = await Promise.all([
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'congdan2@example.vn'),
    login(env.app, 'motcua@ninhbinh.gov.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(env.app, 'truongphong.stp@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'admin@ninhbinh.gov.vn'),
  ]);
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

// A minimal valid PDF: the file store checks the content, not the name.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const upload = (s: TestSession, draftId: string, component: string, name: string, data: Buffer, type = 'application/pdf') =>
  env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${draftId}/files?component=${component}&name=${encodeURIComponent(name)}`, payload: data, headers: { ...s.headers, 'content-type': type } });
const key = () => `k-${randomUUID()}`;
const act = (s: TestSession, id: string, action: string, body: Json = {}, k = key()) => call(s, 'POST', `/api/dossiers/${id}/actions/${action}`, body, { 'idempotency-key': k });
/** The text of a PDF as poppler's pdftotext reads it. */
function pdfText(buf: Buffer): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'congso-pdf-')), 'a.pdf');
  writeFileSync(f, buf);
  return execFileSync('/usr/bin/pdftotext', ['-layout', f, '-'], { encoding: 'utf8' });
}
const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM dossier`.execute(env.k.db)).rows[0]!.n;

const birthForm = {
  ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha',
  tre_ho_ten: 'Nguyễn Minh Khôi', tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình',
  me_ho_ten: 'Lê Thị Hoa',
};

async function birthDraft(s: TestSession): Promise<Json> {
  const d = await call(s, 'POST', '/api/dossier-drafts', { procedureCode: '1.001193', unitCode: '13285' });
  expect(d.status).toBe(201);
  return d.body;
}

describe('dossiers', () => {
  let birthId = '';
  let birthCode = '';

  it('a citizen fills a draft prefilled from the profile, resumes it elsewhere, attaches a file and submits', async () => {
    const draft = await birthDraft(citizen);
    expect(draft.applicant).toMatchObject({ name: 'Nguyễn Văn An', idNumber: '037090000001', email: 'congdan@example.vn' });
    const saved = await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: draft.version, forms: { to_khai: birthForm } });
    expect(saved.status).toBe(200);
    // Another device saving an older version is told so, not silently overwritten.
    const stale = await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: draft.version, forms: {} });
    expect(stale.status).toBe(409);
    // Resume: the list and the draft as it was saved.
    const mine = await call(citizen, 'GET', '/api/dossier-drafts');
    expect(mine.body.items.map((i: Json) => i.id)).toContain(draft.id);
    expect((await call(citizen, 'GET', `/api/dossier-drafts/${draft.id}`)).body.forms.to_khai.tre_ho_ten).toBe('Nguyễn Minh Khôi');
    // Another citizen cannot see it.
    expect((await call(citizen2, 'GET', `/api/dossier-drafts/${draft.id}`)).status).toBe(404);

    const up = await upload(citizen, draft.id, 'giay_chung_sinh', 'giấy chứng sinh.pdf', PDF);
    expect(up.statusCode).toBe(201);
    expect(up.json()).toMatchObject({ component: 'giay_chung_sinh', mime: 'application/pdf', name: 'giấy chứng sinh.pdf' });

    const k = key();
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': k });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ state: 'submitted', stateLabel: 'Chờ tiếp nhận', channel: 'online', handlerName: 'Ủy ban nhân dân Phường Phủ Lý' });
    expect(sub.body.code).toMatch(/^13285-\d{6}-0001$/);
    expect(sub.body.files).toHaveLength(1);
    expect(sub.body.allowedActions.map((a: Json) => a.action)).toEqual(['withdraw']);
    birthId = sub.body.id;
    birthCode = sub.body.code;
    // The same key again: the same dossier, nothing new.
    const before = await count();
    const again = await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': k });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(birthId);
    expect(await count()).toBe(before);
    // A submitted draft is read-only.
    expect((await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: 2, forms: {} })).status).toBe(409);
    await env.k.outbox.drain();
    expect(smtp.received.some((m) => m.parsed.subject === `Hồ sơ ${birthCode} đã được gửi, chờ tiếp nhận`)).toBe(true);
  });

  it('refuses an incomplete dossier naming every missing item, and writes nothing', async () => {
    const draft = await birthDraft(citizen);
    await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: draft.version, forms: { to_khai: { ...birthForm, tre_ho_ten: '', tre_ngay_sinh: '20/11/2026', tre_gioi_tinh: 'Không rõ' } } });
    const before = await count();
    const r = await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': key() });
    expect(r.status).toBe(400);
    expect(r.raw.headers['content-type']).toContain('application/problem+json');
    const fields = r.body.errors.map((e: Json) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.forms.to_khai.tre_ho_ten', 'body.forms.to_khai.tre_ngay_sinh', 'body.forms.to_khai.tre_gioi_tinh', 'body.files.giay_chung_sinh']));
    expect(r.body.errors.find((e: Json) => e.field === 'body.forms.to_khai.tre_ho_ten').message).toBe('Chưa nhập «Họ, chữ đệm và tên của trẻ»');
    expect(await count()).toBe(before);
    expect((await call(citizen, 'GET', `/api/dossier-drafts/${draft.id}`)).body.dossierId).toBeNull();
    // A commune procedure needs its commune; an unknown commune is named.
    await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: draft.version + 1, unitCode: '99999' });
    const noUnit = await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': key() });
    expect(noUnit.body.errors.map((e: Json) => e.field)).toContain('body.unitCode');
  });

  it('checks uploads by content, type and count', async () => {
    const draft = await birthDraft(citizen);
    const text = await upload(citizen, draft.id, 'giay_chung_sinh', 'gia.pdf', Buffer.from('không phải PDF'));
    expect(text.statusCode).toBe(415);
    const unknown = await upload(citizen, draft.id, 'khong_co', 'a.pdf', PDF);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toBe('query.component');
    for (let i = 0; i < 2; i++) {
      const r = await upload(citizen, draft.id, 'giay_chung_sinh', `t${i}.pdf`, Buffer.concat([PDF, Buffer.from(`%${i}`)]));
      expect(r.statusCode, r.body).toBe(201);
    }
    const third = await upload(citizen, draft.id, 'giay_chung_sinh', 't2.pdf', Buffer.concat([PDF, Buffer.from('%2')]));
    expect(third.statusCode).toBe(400);
    expect(third.json().errors[0].message).toContain('tối đa 2 tệp');
    expect((await upload(citizen2, draft.id, 'giay_chung_sinh', 'x.pdf', PDF)).statusCode).toBe(404);
  });

  it('is processed on the case engine: receive, supplement (clock paused), resubmit, process, approve, deliver, rate', async () => {
    // Another citizen and an agency's specialist see nothing of it.
    expect((await call(citizen2, 'GET', `/api/dossiers/${birthId}`)).status).toBe(404);
    expect((await call(stpSpecialist, 'GET', `/api/dossiers/${birthId}`)).status).toBe(403);
    // Out of turn: nothing to approve yet.
    const early = await act(phuly, birthId, 'approve');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('WORKFLOW_ACTION_NOT_ALLOWED');
    // The citizen may not receive their own dossier.
    expect((await act(citizen, birthId, 'receive')).status).toBe(403);

    const received = await act(phuly, birthId, 'receive');
    expect(received.status).toBe(200);
    expect(received.body.state).toBe('processing');
    expect(received.body.dueAt).not.toBeNull();
    const due1 = new Date(received.body.dueAt).getTime();

    const noItems = await act(phuly, birthId, 'supplement', { items: [] });
    expect(noItems.status).toBe(409);
    const asked = await act(phuly, birthId, 'supplement', { items: ['Giấy chứng sinh bản chính (bản chụp bị mờ)', 'Chữ ký của người đi khai'], reason: 'Hồ sơ chưa đủ' });
    expect(asked.body).toMatchObject({ state: 'supplementing', supplementCount: 1 });
    expect(asked.body.clocks.find((c: Json) => c.step === 'processing').pausedAt).not.toBeNull();
    await env.k.outbox.drain();
    const mail = smtp.received.find((m) => m.parsed.subject === `Hồ sơ ${birthCode} cần bổ sung, hoàn thiện`);
    expect(mail?.parsed.text).toContain('- Giấy chứng sinh bản chính (bản chụp bị mờ)');
    expect(mail?.parsed.text).toContain('- Chữ ký của người đi khai');

    // The citizen adds the missing file while the dossier waits; nobody else can.
    const addFile = (s: TestSession) => env.app.inject({ method: 'POST', url: `/api/dossiers/${birthId}/files?component=giay_chung_sinh&name=ban-chinh.pdf`, payload: Buffer.concat([PDF, Buffer.from('%supp')]), headers: { ...s.headers, 'content-type': 'application/pdf' } });
    expect((await addFile(citizen2)).statusCode).toBe(404);
    const added = await addFile(citizen);
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().kind).toBe('supplement');
    // Let working time pass while the citizen supplements: the appointment moves by as much.
    await sql`UPDATE case_clock SET paused_at = paused_at - interval '1 day' WHERE case_id = ${birthId} AND step = 'processing'`.execute(env.k.db);
    const back = await act(citizen, birthId, 'resubmit');
    expect(back.body.state).toBe('processing');
    expect(new Date(back.body.dueAt).getTime()).toBeGreaterThan(due1);

    expect((await addFile(citizen)).statusCode).toBe(409);
    expect(back.body.files.filter((f: Json) => f.kind === 'supplement')).toHaveLength(1);
    expect((await act(phuly, birthId, 'process')).body.state).toBe('reviewing');
    const sentBack = await act(phuly, birthId, 'send_back', {});
    expect(sentBack.status).toBe(409);
    expect((await act(phuly, birthId, 'approve')).body.state).toBe('approved');
    // The citizen cannot rate before the result is returned.
    expect((await call(citizen, 'POST', `/api/dossiers/${birthId}/rating`, { rating: 'satisfied' })).status).toBe(409);
    const delivered = await act(phuly, birthId, 'deliver');
    expect(delivered.body).toMatchObject({ state: 'returned', stateLabel: 'Đã trả kết quả' });
    expect(delivered.body.finishedAt).not.toBeNull();
    expect(delivered.body.history.map((h: Json) => h.action)).toEqual(['start', 'receive', 'supplement', 'resubmit', 'process', 'approve', 'deliver']);

    const noReason = await call(citizen, 'POST', `/api/dossiers/${birthId}/rating`, { rating: 'unsatisfied' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('body.reason');
    const rated = await call(citizen, 'POST', `/api/dossiers/${birthId}/rating`, { rating: 'satisfied' });
    expect(rated.body.rating.value).toBe('satisfied');
    expect((await call(citizen, 'POST', `/api/dossiers/${birthId}/rating`, { rating: 'satisfied' })).status).toBe(409);
    // The log replays to the same state.
    expect((await env.k.workflow.replay(birthId)).state).toBe('returned');
  });

  it('is tracked publicly by code with no personal data; forged codes find nothing', async () => {
    const r = await call(null, 'GET', `/api/tracking/${encodeURIComponent(birthCode)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: birthCode, state: 'returned', procedureName: 'Đăng ký khai sinh' });
    expect(JSON.stringify(r.body)).not.toMatch(/Nguyễn|037090000001|congdan/);
    for (const forged of ['13285-261123-9999', "13285' OR '1'='1", '../../etc/passwd', 'x'.repeat(64)]) {
      expect([400, 404]).toContain((await call(null, 'GET', `/api/tracking/${encodeURIComponent(forged)}`)).status);
    }
  });

  it('the one-stop desk files on behalf of a person: received at once, the appointment known, the dossier in their account', async () => {
    // The province sets the Department of Justice's identifier and pattern.
    expect((await call(stpDirector, 'PUT', '/api/admin/dossier-code-patterns/STP', { ident: '000.00.04.H42', pattern: '{ma}-{yyMMdd}-{n:4}' })).status).toBe(403);
    const bad = await call(admin, 'PUT', '/api/admin/dossier-code-patterns/STP', { ident: '000.00.04.H42', pattern: 'HS-{ma}' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.rule)).toEqual(['counter', 'date']);
    expect((await call(admin, 'PUT', '/api/admin/dossier-code-patterns/STP', { ident: '000.00.04.H42', pattern: '{ma}-{yyMMdd}-{n:4}' })).status).toBe(204);

    const d = await call(desk, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
    expect(d.body.applicant).toEqual({});
    await call(desk, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
      version: d.body.version,
      applicant: { name: 'Nguyễn Văn An', idNumber: '037090000001', phone: '0912345678' },
      forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 2, muc_dich: 'Bổ sung hồ sơ xin việc' } },
    });
    const filed = await call(desk, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, { channel: 'desk' }, { 'idempotency-key': key() });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ state: 'processing', channel: 'desk', handlerName: 'Sở Tư pháp' });
    expect(filed.body.code).toMatch(/^000\.00\.04\.H42-\d{6}-0001$/);
    expect(filed.body.receivedAt).not.toBeNull();
    expect(filed.body.dueAt).not.toBeNull();
    // The receipt and appointment slip (form 01), in Vietnamese, for the person and the officials, no one else.
    const slip = await env.app.inject({ method: 'GET', url: `/api/dossiers/${filed.body.id}/receipt.pdf`, headers: desk.headers });
    expect(slip.statusCode).toBe(200);
    expect(slip.headers['content-type']).toBe('application/pdf');
    const slipText = pdfText(slip.rawPayload);
    for (const s of ['GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ', filed.body.code, 'Nguyễn Văn An', 'Cấp Phiếu lý lịch tư pháp', '10 ngày làm việc', 'Trực tiếp']) expect(slipText).toContain(s);
    expect((await env.app.inject({ method: 'GET', url: `/api/dossiers/${filed.body.id}/receipt.pdf`, headers: citizen.headers })).statusCode).toBe(200);
    expect((await env.app.inject({ method: 'GET', url: `/api/dossiers/${filed.body.id}/receipt.pdf`, headers: citizen2.headers })).statusCode).toBe(404);
    // The person's account sees it; the agency's people see it in their queue, the commune does not.
    const mine = await call(citizen, 'GET', '/api/dossiers');
    expect(mine.body.items.map((i: Json) => i.code)).toContain(filed.body.code);
    expect((await call(citizen, 'GET', `/api/dossiers/${filed.body.id}`)).status).toBe(200);
    const queue = await call(stpSpecialist, 'GET', '/api/dossiers?state=processing');
    expect(queue.body.items.map((i: Json) => i.id)).toContain(filed.body.id);
    expect(queue.body.items.map((i: Json) => i.id)).not.toContain(birthId);
    const communeQueue = await call(phuly, 'GET', '/api/dossiers');
    expect(communeQueue.body.items.map((i: Json) => i.id)).not.toContain(filed.body.id);
    // A citizen may not file at the desk's channel, nor list the desk's queue.
    expect((await call(citizen, 'GET', '/api/dossiers?state=processing')).body.items.every((i: Json) => i.applicantName === 'Nguyễn Văn An')).toBe(true);

    // Division head picks the assignee from the people of the dossier's scope; the specialist processes, the director approves.
    const people = await call(stpHead, 'GET', `/api/dossiers/${filed.body.id}/assignees`);
    expect(people.status).toBe(200);
    expect(people.body.items.map((p: Json) => p.email).sort()).toEqual(['chuyenvien.stp@ninhbinh.gov.vn', 'truongphong.stp@ninhbinh.gov.vn']);
    expect((await call(stpSpecialist, 'GET', `/api/dossiers/${filed.body.id}/assignees`)).status).toBe(403);
    expect((await call(citizen, 'GET', `/api/dossiers/${filed.body.id}/assignees`)).status).toBe(403);
    const assigned = await act(stpHead, filed.body.id, 'assign', { assigneeId: stpSpecialist.user.id, assigneeName: stpSpecialist.user.name });
    expect(assigned.body.assigneeId).toBe(stpSpecialist.user.id);
    const myQueue = await call(stpSpecialist, 'GET', '/api/dossiers?assignedToMe=true');
    expect(myQueue.body.items.map((i: Json) => i.id)).toEqual([filed.body.id]);
    // Public tracking is cached per instance; an action on the dossier drops it at commit.
    expect((await call(null, 'GET', `/api/tracking/${encodeURIComponent(filed.body.code)}`)).body.state).toBe('processing');
    expect((await act(stpSpecialist, filed.body.id, 'process')).body.state).toBe('reviewing');
    let tracked = '';
    for (let i = 0; i < 40 && tracked !== 'reviewing'; i++) {
      tracked = (await call(null, 'GET', `/api/tracking/${encodeURIComponent(filed.body.code)}`)).body.state;
      if (tracked !== 'reviewing') await new Promise((r) => setTimeout(r, 50));
    }
    expect(tracked).toBe('reviewing');
    expect((await act(stpSpecialist, filed.body.id, 'approve')).status).toBe(403);
    const approved = await act(stpDirector, filed.body.id, 'approve');
    expect(approved.body.state).toBe('approved');
    // The electronic result is generated and attached; the applicant downloads it.
    const result = approved.body.files.find((f: Json) => f.kind === 'result');
    expect(result).toMatchObject({ mime: 'application/pdf' });
    expect(approved.body.resultFileId).toBe(result.id);
    const dl = await env.app.inject({ method: 'GET', url: `/api/dossiers/${filed.body.id}/files/${result.id}`, headers: citizen.headers });
    expect(dl.statusCode).toBe(200);
    const resultText = pdfText(dl.rawPayload);
    for (const s of ['PHIẾU LÝ LỊCH TƯ PHÁP', filed.body.code, 'Nguyễn Văn An', 'Phiếu số 1']) expect(resultText).toContain(s);
  });

  it('a refusal needs its reason; a citizen may withdraw before the end', async () => {
    const draft = await birthDraft(citizen2);
    await call(citizen2, 'PUT', `/api/dossier-drafts/${draft.id}`, { version: draft.version, forms: { to_khai: { ...birthForm, ho_ten: 'Trần Thị Bình', so_dinh_danh: '037090000002', quan_he: 'Mẹ' } } });
    await upload(citizen2, draft.id, 'giay_chung_sinh', 'gcs.pdf', Buffer.concat([PDF, Buffer.from('%b')]));
    const sub = await call(citizen2, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': key() });
    expect(sub.status).toBe(201);
    expect(sub.body.code).toMatch(/^13285-\d{6}-0002$/);
    const noReason = await act(phuly, sub.body.id, 'refuse', {});
    expect(noReason.status).toBe(409);
    expect(noReason.body.detail).toContain('lý do');
    expect((await act(citizen, sub.body.id, 'withdraw')).status).toBe(404);
    const w = await act(citizen2, sub.body.id, 'withdraw');
    expect(w.body).toMatchObject({ state: 'withdrawn', allowedActions: [] });
    expect(w.body.finishedAt).not.toBeNull();
  });

  it('prints the papers of Circular 03/2025 (forms 02, 04, 06), refuses a late extension, and exports the register (form 07)', async () => {
    const d = await call(desk, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
    await call(desk, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
      version: d.body.version,
      applicant: { name: 'Lê Thị Hoa', idNumber: '037090000009' },
      forms: { to_khai: { ho_ten: 'Lê Thị Hoa', so_dinh_danh: '037090000009', loai_phieu: 'Phiếu số 2', so_ban: 1, muc_dich: 'Du học' } },
    });
    const filed = (await call(desk, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, { channel: 'post' }, { 'idempotency-key': key() })).body;
    expect(filed.channel).toBe('post');
    await act(stpSpecialist, filed.id, 'supplement', { items: ['Bản sao hộ chiếu còn hạn'], reason: 'Thiếu giấy tờ' });
    const resubmitted = await act(desk, filed.id, 'resubmit');
    // An apology and a later date, before the deadline; the statutory appointment stays.
    const early = await act(stpHead, filed.id, 'extend', { reason: 'Chờ kết quả xác minh của cơ quan công an', newDate: '2027-01-15' });
    expect(early.status, JSON.stringify(early.body)).toBe(200);
    expect(early.body.extendedTo).not.toBeNull();
    expect(early.body.dueAt).toBe(resubmitted.body.dueAt);
    expect(Date.parse(early.body.extendedTo)).toBeGreaterThan(Date.parse(early.body.dueAt));
    expect((await act(stpSpecialist, filed.id, 'extend', { reason: 'x', newDate: '2027-01-20' })).status).toBe(403);
    env.k.workflow.now = () => new Date(Date.parse(early.body.dueAt) + 3_600_000);
    try {
      const late = await act(stpHead, filed.id, 'extend', { reason: 'Quá hạn rồi mới xin lỗi', newDate: '2027-02-01' });
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('SERVICES_EXTENSION_TOO_LATE');
    } finally {
      env.k.workflow.now = () => new Date();
    }

    const pdf = async (s: TestSession, form: string) => env.app.inject({ method: 'GET', url: `/api/dossiers/${filed.id}/papers/${form}`, headers: s.headers });
    expect((await pdf(citizen, 'supplement')).statusCode).toBe(404);
    const supplement = pdfText((await pdf(stpSpecialist, 'supplement')).rawPayload);
    for (const t of ['PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ', 'Bản sao hộ chiếu còn hạn', filed.code]) expect(supplement).toContain(t);
    const ext = pdfText((await pdf(stpHead, 'extension')).rawPayload);
    for (const t of ['VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ', '15/01/2027', 'Chờ kết quả xác minh']) expect(ext).toContain(t);
    const control = pdfText((await pdf(desk, 'control')).rawPayload);
    for (const t of ['PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ', 'Tiếp nhận', 'Yêu cầu bổ sung', 'Nộp bổ sung']) expect(control.replace(/\s+/g, ' ')).toContain(t);
    expect((await pdf(desk, 'stop')).statusCode).toBe(404);
    expect((await pdf(citizen2, 'control')).statusCode).toBe(404);

    const reg = await env.app.inject({ method: 'GET', url: '/api/dossiers/register.xlsx?from=2026-01-01&to=2027-12-31', headers: stpSpecialist.headers });
    expect(reg.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(reg.rawPayload as unknown as ArrayBuffer);
    const codes = wb.worksheets[0]!.getColumn(2).values.map(String);
    expect(codes).toContain(filed.code);
    expect(codes).not.toContain(birthCode);
    expect((await env.app.inject({ method: 'GET', url: '/api/dossiers/register.xlsx?from=2026-01-01&to=2027-12-31', headers: citizen.headers })).statusCode).toBe(403);
    const reversed = await env.app.inject({ method: 'GET', url: '/api/dossiers/register.xlsx?from=2027-12-31&to=2026-01-01', headers: stpSpecialist.headers });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().errors[0].field).toBe('query.from');
  });

  it('assigns many dossiers at once, each checked against its own state and scope', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const d = await call(desk, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
      await call(desk, 'PUT', `/api/dossier-drafts/${d.body.id}`, {
        version: d.body.version, applicant: { name: `Người nộp ${i}` },
        forms: { to_khai: { ho_ten: `Người nộp ${i}`, so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } },
      });
      ids.push((await call(desk, 'POST', `/api/dossier-drafts/${d.body.id}/submit`, {}, { 'idempotency-key': key() })).body.id);
    }
    const body = { ids: [...ids, birthId], assigneeId: stpSpecialist.user.id, assigneeName: stpSpecialist.user.name };
    expect((await call(citizen, 'POST', '/api/dossiers/bulk-assign', body, { 'idempotency-key': key() })).status).toBe(403);
    const r = await call(stpHead, 'POST', '/api/dossiers/bulk-assign', body, { 'idempotency-key': key() });
    expect(r.status).toBe(200);
    expect(r.body.assigned.sort()).toEqual([...ids].sort());
    expect(r.body.refused).toEqual([expect.objectContaining({ id: birthId, code: 'FORBIDDEN' })]);
    const mine = await call(stpSpecialist, 'GET', '/api/dossiers?assignedToMe=true');
    expect(mine.body.items.map((i: Json) => i.id)).toEqual(expect.arrayContaining(ids));
  });
});
