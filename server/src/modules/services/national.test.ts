import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { freePort } from '../../kernel/db/embedded.js';
import { createHash } from 'node:crypto';
import { fileLink } from './national.files.js';

/**
 * The national portal adapter against a real HTTP receiver standing in for
 * the National Public Service Portal: it checks the contract of each status it
 * receives, refuses the very first delivery (500) to prove retries, and keeps
 * what it accepted. Inbound: the portal delivering a dossier filed there.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SYNC_TOKEN = 'sync-token-0123456789abcdef';
const INBOUND_TOKEN = 'inbound-token-0123456789abcdef';

interface Delivery {
  body: Json;
  answered: number;
  problems: string[];
}

const DATE = /^[0-9]{14}$/;
const REQUIRED_STRINGS = ['MaHoSo', 'MaTTHC', 'TenTTHC', 'MaCoQuan', 'DonViXuLy', 'KenhThucHien', 'TrangThaiHoSo', 'NgayNopHoSo', 'DuocThanhToanTrucTuyen', 'HoSoCoThanhPhanSoHoa', 'TaiKhoanDuocXacThucVoiVNeID', 'ThoiDiemCapNhat', 'ChuHoSo'];
const DATES = ['NgayNopHoSo', 'NgayTiepNhan', 'NgayHenTra', 'NgayKetThucXuLy', 'NgayTuChoi', 'NgayTraKetQua', 'NgayTra', 'ThoiDiemCapNhat'];

/** What the national portal would refuse in a status sync. */
function contractProblems(headers: IncomingHttpHeaders, raw: string): { body: Json; problems: string[] } {
  const problems: string[] = [];
  if (headers.authorization !== `Bearer ${SYNC_TOKEN}`) problems.push('authorization');
  if (!String(headers['content-type']).startsWith('application/json')) problems.push('content-type');
  let body: Json = {};
  try {
    body = JSON.parse(raw) as Json;
  } catch {
    return { body, problems: [...problems, 'json'] };
  }
  for (const f of REQUIRED_STRINGS) if (typeof body[f] !== 'string' || !body[f]) problems.push(`${f} missing`);
  for (const f of DATES) if (body[f] !== undefined && !DATE.test(body[f])) problems.push(`${f} format`);
  if (!Number.isInteger(body.PhienBan) || body.PhienBan < 1) problems.push('PhienBan');
  if (!['1', '2', '3'].includes(body.KenhThucHien)) problems.push('KenhThucHien');
  if (!['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].includes(body.TrangThaiHoSo)) problems.push('TrangThaiHoSo');
  for (const f of ['DuocThanhToanTrucTuyen', 'HoSoCoThanhPhanSoHoa', 'TaiKhoanDuocXacThucVoiVNeID']) if (!['0', '1', '2'].includes(body[f])) problems.push(f);
  if ((body.MaKetQua === undefined) !== (body.DuongDanTepTinKetQua === undefined)) problems.push('MaKetQua/DuongDanTepTinKetQua');
  if (!Array.isArray(body.TepDinhKem)) problems.push('TepDinhKem');
  for (const [i, f] of ((body.TepDinhKem ?? []) as Json[]).entries()) {
    for (const k of ['MaThanhPhan', 'TenThanhPhan', 'TenTep', 'KieuTep']) if (typeof f[k] !== 'string' || !f[k]) problems.push(`TepDinhKem.${i}.${k}`);
    if (!['ThanhPhan', 'BoSung', 'KetQua'].includes(f.LoaiTep)) problems.push(`TepDinhKem.${i}.LoaiTep`);
    if (!Number.isInteger(f.KichThuoc) || f.KichThuoc <= 0) problems.push(`TepDinhKem.${i}.KichThuoc`);
    if (!/^[0-9a-f]{64}$/.test(f.MaBam)) problems.push(`TepDinhKem.${i}.MaBam`);
    if (!DATE.test(f.NgayDinhKem) || (f.HanDuongDan !== undefined && !DATE.test(f.HanDuongDan))) problems.push(`TepDinhKem.${i} dates`);
    if (f.DuongDan !== undefined && !/^https:\/\/[^\s]+\?exp=\d+&sig=[A-Za-z0-9_-]{43}$/.test(f.DuongDan)) problems.push(`TepDinhKem.${i}.DuongDan`);
  }
  return { body, problems };
}

let env: TestEnv;
let receiver: Server;
const deliveries: Delivery[] = [];
let citizen: TestSession;
let desk: TestSession;
let stpSpecialist: TestSession;
let stpDirector: TestSession;
let phuly: TestSession;

beforeAll(async () => {
  const port = await freePort();
  receiver = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const { body, problems } = contractProblems(req.headers, raw);
      // The first delivery ever fails: the outbox must retry it.
      const answered = problems.length ? 400 : deliveries.length === 0 ? 500 : 200;
      deliveries.push({ body, answered, problems });
      res.writeHead(answered, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answered === 200 ? { id: `nhan-${deliveries.length}` } : { error: problems.join(', ') || 'tạm thời không xử lý được' }));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
  env = await testEnv({
    demo: true,
    env: {
      NATIONAL_SYNC_URL: `http://127.0.0.1:${port}/dongbo/hoso`, NATIONAL_SYNC_TOKEN: SYNC_TOKEN, NATIONAL_SYNC_TIMEOUT_MS: '2000',
      NATIONAL_INBOUND_TOKEN: INBOUND_TOKEN, PUBLIC_URL: 'https://dichvucong.ninhbinh.gov.vn',
    },
  });
  [citizen, desk, stpSpecialist, stpDirector, phuly] = await Promise.all([
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'motcua@ninhbinh.gov.vn'),
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
  ]);
});
afterAll(async () => {
  await env?.close();
  await new Promise((r) => receiver?.close(r));
});

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const key = () => `k-${randomUUID()}`;
const act = async (s: TestSession, id: string, action: string, body: Json = {}) => {
  const r = await call(s, 'POST', `/api/dossiers/${id}/actions/${action}`, body, { 'idempotency-key': key() });
  expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body;
};
const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM dossier`.execute(env.k.db)).rows[0]!.n;

/** Runs the outbox until nothing is due, waiting out the (test-short) backoff of retried deliveries. */
async function drainAll(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await env.k.outbox.drain();
    const pending = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE status = 'pending' AND topic LIKE 'workflow.case.services.dossier.%'`.execute(env.k.db);
    if (!pending.rows[0]!.n) return;
    await new Promise((r) => setTimeout(r, 40));
  }
}

const form = { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Bổ sung hồ sơ xin việc' };

describe('national portal: status sync out', () => {
  it('posts every status of a dossier in order, in the national field names, retrying a failed delivery', async () => {
    const draft = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
    expect(draft.status).toBe(201);
    await call(citizen, 'PUT', `/api/dossier-drafts/${draft.body.id}`, { version: draft.body.version, forms: { to_khai: form } });
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${draft.body.id}/submit`, {}, { 'idempotency-key': key() });
    expect(sub.status, JSON.stringify(sub.body)).toBe(201);
    const id = sub.body.id as string;
    const code = sub.body.code as string;

    await act(desk, id, 'receive');
    await act(stpSpecialist, id, 'supplement', { items: ['Bản sao căn cước rõ nét'] });
    await act(citizen, id, 'resubmit');
    await act(stpSpecialist, id, 'process');
    const approved = await act(stpDirector, id, 'approve');
    await act(desk, id, 'deliver');

    await drainAll();
    const mine = deliveries.filter((d) => d.body.MaHoSo === code);
    expect(mine.flatMap((d) => d.problems)).toEqual([]);
    // The first delivery was refused, then sent again before anything later: every version, in order.
    expect(mine[0]).toMatchObject({ answered: 500, body: { PhienBan: 1 } });
    const ok = mine.filter((d) => d.answered === 200);
    expect(ok.map((d) => d.body.PhienBan)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ok.map((d) => d.body.TrangThaiHoSo)).toEqual(['1', '2', '5', '4', '4', '9', '10']);
    expect(mine.map((d) => d.body.PhienBan)).toEqual([1, 1, 2, 3, 4, 5, 6, 7]);

    const [submitted, received, , , , done, returned] = ok.map((d) => d.body);
    expect(submitted).toMatchObject({
      MaHoSo: code, MaTTHC: '2.000488', TenTTHC: sub.body.procedure.name, DonViXuLy: 'Sở Tư pháp', MaCoQuan: 'STP', KenhThucHien: '2',
      DuocThanhToanTrucTuyen: '0', HoSoCoThanhPhanSoHoa: '0', TaiKhoanDuocXacThucVoiVNeID: '0', ChuHoSo: 'Nguyễn Văn An',
    });
    // Dates appear once they happened, in the national format (Vietnamese local time).
    expect(submitted!.NgayTiepNhan).toBeUndefined();
    expect(submitted!.MaKetQua).toBeUndefined();
    const view = (await call(desk, 'GET', `/api/dossiers/${id}`)).body;
    const vn = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 19).replace(/[-T:]/g, '');
    expect(submitted!.NgayNopHoSo).toBe(vn(view.submittedAt));
    expect(received).toMatchObject({ NgayTiepNhan: vn(view.receivedAt), NgayHenTra: vn(view.dueAt) });
    expect(received!.NgayKetThucXuLy).toBeUndefined();
    expect(done).toMatchObject({ NgayKetThucXuLy: vn(view.finishedAt), MaKetQua: approved.resultFileId });
    // The result as a signed, expiring link (no session needed) with its hash.
    expect(done!.DuongDanTepTinKetQua).toMatch(new RegExp(`^https://dichvucong\\.ninhbinh\\.gov\\.vn/api/national/files/${id}/${approved.resultFileId}\\?exp=\\d+&sig=`));
    expect(done!.MaBamTepTinKetQua).toMatch(/^[0-9a-f]{64}$/);
    expect(done!.TepDinhKem.map((f: Json) => f.LoaiTep)).toEqual(['KetQua']);
    expect(done!.NgayTraKetQua).toBeUndefined();
    expect(returned).toMatchObject({ NgayTraKetQua: vn(view.returnedAt), MaKetQua: approved.resultFileId });

    // Operators see what the portal acknowledged; nothing is left to retry, nothing dead.
    const acks = await sql<Json>`SELECT version, status_code, http_status, response_id FROM national_sync WHERE dossier_id = ${id} ORDER BY version`.execute(env.k.db);
    expect(acks.rows.map((r) => [r.version, r.status_code, r.http_status])).toEqual([[1, '1', 200], [2, '2', 200], [3, '5', 200], [4, '4', 200], [5, '4', 200], [6, '9', 200], [7, '10', 200]]);
    expect(acks.rows.every((r) => /^nhan-\d+$/.test(r.response_id))).toBe(true);
    const left = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic LIKE 'workflow.case.services.dossier.%'`.execute(env.k.db);
    expect(left.rows[0]!.n).toBe(0);
    // One event's handler met the refusal and was retried (the outbox may run a batch in any order:
    // whichever handler runs first sends the oldest missing version first).
    const events = await sql<{ attempts: number }>`SELECT attempts FROM outbox_done WHERE topic LIKE 'workflow.case.services.dossier.%' AND subscriber = 'services.national' AND payload->>'caseId' = ${id}`.execute(env.k.db);
    expect(events.rows.map((r) => r.attempts).sort()).toEqual([1, 1, 1, 1, 1, 1, 2]);
  });

  it('an unreachable portal leaves the event pending with its error, to be retried', async () => {
    const url = env.k.config.NATIONAL_SYNC_URL;
    (env.k.config as { NATIONAL_SYNC_URL?: string }).NATIONAL_SYNC_URL = `http://127.0.0.1:${await freePort()}/khong-co`;
    try {
      const draft = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
      await call(citizen, 'PUT', `/api/dossier-drafts/${draft.body.id}`, { version: draft.body.version, forms: { to_khai: form } });
      const sub = await call(citizen, 'POST', `/api/dossier-drafts/${draft.body.id}/submit`, {}, { 'idempotency-key': key() });
      // One pass (drain would keep retrying once the short test backoff runs out).
      await env.k.outbox.runOnce();
      const row = await sql<{ status: string; attempts: number; last_error: string }>`
        SELECT status, attempts, last_error FROM outbox WHERE topic = 'workflow.case.services.dossier.start' AND payload->>'caseId' = ${sub.body.id}`.execute(env.k.db);
      expect(row.rows[0]).toMatchObject({ status: 'pending', attempts: 1 });
      expect(row.rows[0]!.last_error).toContain(`national sync of ${sub.body.code} v1`);
    } finally {
      (env.k.config as { NATIONAL_SYNC_URL?: string }).NATIONAL_SYNC_URL = url;
    }
    // Back online: the retry goes through.
    await drainAll();
    const acked = await sql<{ n: number }>`SELECT count(*)::int AS n FROM national_sync s JOIN dossier d ON d.id = s.dossier_id WHERE d.procedure_code = '2.000488'`.execute(env.k.db);
    expect(acked.rows[0]!.n).toBe(8);
  });
});

describe('national portal: dossiers in', () => {
  const post = (body: unknown, token: string | null = INBOUND_TOKEN) =>
    call(null, 'POST', '/api/national/dossiers', body, token ? { authorization: `Bearer ${token}` } : {});
  const valid = (code: string) => ({
    MaHoSoQuocGia: code, MaTTHC: '2.000488', ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '037090000001', SoDienThoai: '0912345678',
    Email: 'congdan@example.vn', NgayNopHoSo: '20260105093000', KenhThucHien: '2', BieuMau: { to_khai: form },
    // A field of the national payload this adapter does not use.
    LoaiDoiTuong: '1',
  });

  it('refuses a missing or wrong token, and answers 404 while inbound is not configured', async () => {
    const before = await count();
    const none = await post(valid('G22.99-260105-0001'), null);
    expect(none.status).toBe(401);
    expect(none.raw.headers['content-type']).toContain('application/problem+json');
    expect((await post(valid('G22.99-260105-0001'), 'inbound-token-0123456789abcdeX')).status).toBe(401);
    // The token is checked before the body: a bad body with a bad token says nothing about the body.
    expect((await post({ MaTTHC: 1 }, 'wrong')).status).toBe(401);
    const saved = env.k.config.NATIONAL_INBOUND_TOKEN;
    (env.k.config as { NATIONAL_INBOUND_TOKEN?: string }).NATIONAL_INBOUND_TOKEN = undefined;
    try {
      expect((await post(valid('G22.99-260105-0001'))).status).toBe(404);
    } finally {
      (env.k.config as { NATIONAL_INBOUND_TOKEN?: string }).NATIONAL_INBOUND_TOKEN = saved;
    }
    expect(await count()).toBe(before);
  });

  it('bad input is a 400 naming each field, and writes nothing', async () => {
    const before = await count();
    const r = await post({ ...valid('G22.99-260105-0002'), ChuHoSo: '', NgayNopHoSo: '2026-01-05', SoGiayToChuHoSo: '123' });
    expect(r.status).toBe(400);
    expect(r.raw.headers['content-type']).toContain('application/problem+json');
    expect(r.body.errors.map((e: Json) => e.field)).toEqual(expect.arrayContaining(['body.ChuHoSo', 'body.NgayNopHoSo', 'body.SoGiayToChuHoSo']));
    const unknown = await post({ ...valid('G22.99-260105-0002'), MaTTHC: '9.999999' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.MaTTHC');
    const badForm = await post({ ...valid('G22.99-260105-0002'), BieuMau: { to_khai: { ...form, so_ban: 99 } } });
    expect(badForm.status).toBe(400);
    expect(badForm.body.errors.map((e: Json) => e.field)).toContain('body.BieuMau.to_khai.so_ban');
    // A commune procedure needs its commune, named in the national field.
    const noCommune = await post({ ...valid('G22.99-260105-0002'), MaTTHC: '1.001193', BieuMau: undefined });
    expect(noCommune.status).toBe(400);
    expect(noCommune.body.errors.map((e: Json) => e.field)).toContain('body.MaCoQuan');
    const badDay = await post({ ...valid('G22.99-260105-0002'), NgayNopHoSo: '20260231093000' });
    expect(badDay.body.errors.map((e: Json) => e.field)).toContain('body.NgayNopHoSo');
    expect(await count()).toBe(before);
  });

  it('creates the dossier once per national code, waiting at the agency, in the applicant\'s account, and syncs it back', async () => {
    const before = await count();
    const first = await post(valid('G22.99-260105-0003'));
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ MaHoSoQuocGia: 'G22.99-260105-0003', TrangThaiHoSo: '1', state: 'submitted', NgayNopHoSo: '20260105093000' });
    expect(first.body.MaHoSo).toMatch(/^STP-\d{6}-\d{4}$/);
    // A retried delivery: the same dossier, nothing new.
    const again = await post(valid('G22.99-260105-0003'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    // Two deliveries at once of another code: still one dossier.
    const [a, b] = await Promise.all([post(valid('G22.99-260105-0004')), post(valid('G22.99-260105-0004'))]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect(await count()).toBe(before + 2);

    const id = first.body.id as string;
    const queue = await call(stpSpecialist, 'GET', '/api/dossiers?state=submitted');
    expect(queue.body.items.map((i: Json) => i.id)).toContain(id);
    expect((await call(phuly, 'GET', '/api/dossiers')).body.items.map((i: Json) => i.id)).not.toContain(id);
    expect((await call(citizen, 'GET', '/api/dossiers')).body.items.map((i: Json) => i.id)).toContain(id);
    const view = (await call(stpSpecialist, 'GET', `/api/dossiers/${id}`)).body;
    expect(view).toMatchObject({ channel: 'online', state: 'submitted', handlerName: 'Sở Tư pháp', forms: { to_khai: form }, applicant: { name: 'Nguyễn Văn An', idNumber: '037090000001' } });
    expect(view.submittedAt).toBe('2026-01-05T02:30:00.000Z');
    // The desk receives it as any online dossier; the portal hears both statuses under its own code too.
    await act(desk, id, 'receive');
    await drainAll();
    const back = deliveries.filter((d) => d.body.MaHoSoQuocGia === 'G22.99-260105-0003' && d.answered === 200).map((d) => d.body);
    expect(back.map((d) => [d.PhienBan, d.TrangThaiHoSo, d.KenhThucHien])).toEqual([[1, '1', '2'], [2, '2', '2']]);
    expect(back[0]).toMatchObject({ MaHoSo: first.body.MaHoSo, NgayNopHoSo: '20260105093000' });
  });
});

describe('national portal: files', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const birthForm = {
    ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha',
    tre_ho_ten: 'Nguyễn Minh Khôi', tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình', me_ho_ten: 'Lê Thị Hoa',
  };
  const local = (url: string) => url.replace('https://dichvucong.ninhbinh.gov.vn', '');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  it('each status lists the files filed so far with their hash and a signed, expiring link the portal downloads without a session', async () => {
    const draft = await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '1.001193', unitCode: '13285' });
    await call(citizen, 'PUT', `/api/dossier-drafts/${draft.body.id}`, { version: draft.body.version, forms: { to_khai: birthForm } });
    const up = await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${draft.body.id}/files?component=giay_chung_sinh&name=${encodeURIComponent('giấy chứng sinh.pdf')}`, payload: PDF, headers: { ...citizen.headers, 'content-type': 'application/pdf' } });
    expect(up.statusCode).toBe(201);
    const sub = await call(citizen, 'POST', `/api/dossier-drafts/${draft.body.id}/submit`, {}, { 'idempotency-key': key() });
    const id = sub.body.id as string;
    await act(phuly, id, 'receive');
    await act(phuly, id, 'process');
    const approved = await act(phuly, id, 'approve');
    await drainAll();
    const mine = deliveries.filter((d) => d.body.MaHoSo === sub.body.code && d.answered === 200).map((d) => d.body);
    expect(deliveries.filter((d) => d.body.MaHoSo === sub.body.code).flatMap((d) => d.problems)).toEqual([]);
    expect(mine.map((b) => b.PhienBan)).toEqual([1, 2, 3, 4]);
    expect(mine[0]!.HoSoCoThanhPhanSoHoa).toBe('1');
    // Filed with the dossier: in every version; the result: from the approval on.
    expect(mine.map((b) => b.TepDinhKem.map((f: Json) => f.LoaiTep).join())).toEqual(['ThanhPhan', 'ThanhPhan', 'ThanhPhan', 'ThanhPhan,KetQua']);
    const filed = mine[0]!.TepDinhKem[0];
    expect(filed).toMatchObject({
      MaThanhPhan: 'giay_chung_sinh', TenTep: 'giấy chứng sinh.pdf', KieuTep: 'application/pdf', KichThuoc: PDF.length, MaBam: sha(PDF),
    });
    expect(filed.TenThanhPhan).toMatch(/^Giấy chứng sinh/);
    // The link works without a session and gives the bytes the hash names.
    const got = await env.app.inject({ method: 'GET', url: local(filed.DuongDan) });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(sha(got.rawPayload)).toBe(filed.MaBam);
    const result = mine[3]!.TepDinhKem.find((f: Json) => f.LoaiTep === 'KetQua');
    expect(result).toMatchObject({ MaBam: mine[3]!.MaBamTepTinKetQua, DuongDan: mine[3]!.DuongDanTepTinKetQua });
    const res = await env.app.inject({ method: 'GET', url: local(result.DuongDan) });
    expect(res.statusCode).toBe(200);
    expect(sha(res.rawPayload)).toBe(result.MaBam);
    expect(approved.resultFileId).toBe(mine[3]!.MaKetQua);
    // A forged signature, another file under the same signature, an expired link: refused.
    const u = new URL(filed.DuongDan);
    const forged = `${u.pathname}?exp=${u.searchParams.get('exp')}&sig=${'A'.repeat(43)}`;
    expect((await env.app.inject({ method: 'GET', url: forged })).statusCode).toBe(403);
    const swapped = `${u.pathname.replace(filed.DuongDan.split('/').at(-1).split('?')[0], approved.resultFileId)}?${u.searchParams}`;
    expect((await env.app.inject({ method: 'GET', url: swapped })).statusCode).toBe(403);
    const longer = `${u.pathname}?exp=${Number(u.searchParams.get('exp')) + 3600}&sig=${u.searchParams.get('sig')}`;
    expect((await env.app.inject({ method: 'GET', url: longer })).statusCode).toBe(403);
    const old = fileLink(env.k, id, filed.DuongDan.split('/').at(-1).split('?')[0], Date.now() - 100 * 3_600_000)!;
    const expired = await env.app.inject({ method: 'GET', url: local(old.url) });
    expect(expired.statusCode).toBe(410);
    expect(expired.headers['content-type']).toContain('application/problem+json');
  });
});

describe('national portal: files of a dossier delivered in', () => {
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let portal: Server;
  let origin = '';
  const hits: string[] = [];
  const post = (body: unknown) => call(null, 'POST', '/api/national/dossiers', body, { authorization: `Bearer ${INBOUND_TOKEN}` });
  const valid = (code: string, files: Json[]) => ({
    MaHoSoQuocGia: code, MaTTHC: '2.000488', ChuHoSo: 'Trần Thị Bình', SoGiayToChuHoSo: '037090000002', NgayNopHoSo: '20260105093000',
    BieuMau: { to_khai: form }, TepDinhKem: files,
  });
  const file = (name: string, path: string, extra: Json = {}) => ({ MaThanhPhan: 'giay_to_tuy_than', TenTep: name, DuongDan: `${origin}${path}`, ...extra });
  const rows = async () => (await sql<{ d: number; f: number }>`
    SELECT (SELECT count(*)::int FROM dossier) AS d, (SELECT count(*)::int FROM file_ref) AS f`.execute(env.k.db)).rows[0]!;

  beforeAll(async () => {
    // The national portal's file store: what it answers for each link.
    const port = await freePort();
    portal = createServer((req, res) => {
      hits.push(req.url ?? '');
      const send = (status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': type, ...headers });
        res.end(body);
      };
      switch (req.url) {
        case '/tep/cccd.pdf': return send(200, 'application/pdf', PDF);
        case '/tep/anh.png': return send(200, 'image/png', PNG);
        case '/tep/trang.pdf': return send(200, 'application/pdf', '<html><script>alert(1)</script></html>');
        case '/tep/lon.pdf': return send(200, 'application/pdf', Buffer.concat([PDF, Buffer.alloc(8000, 32)]));
        case '/tep/chuyen': return send(302, 'text/plain', '', { location: `${origin}/tep/cccd.pdf` });
        default: return send(404, 'text/plain', 'khong co');
      }
    });
    await new Promise<void>((resolve) => portal.listen(port, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${port}`;
    process.env.NATIONAL_INBOUND_FILE_ORIGINS = `https://dichvucong.gov.vn, ${origin}`;
  });
  afterAll(async () => {
    delete process.env.NATIONAL_INBOUND_FILE_ORIGINS;
    await new Promise((r) => portal?.close(r));
  });

  it('downloads the files the portal links, checks them as any upload and stores them as the dossier\'s components', async () => {
    const before = await rows();
    const r = await post(valid('G22.99-260105-0101', [file('cccd.pdf', '/tep/cccd.pdf', { MaBam: sha(PDF) }), file('ảnh chân dung.png', '/tep/anh.png')]));
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.SoTepDinhKem).toBe(2);
    expect(await rows()).toEqual({ d: before.d + 1, f: before.f + 2 });
    const view = (await call(stpSpecialist, 'GET', `/api/dossiers/${r.body.id}`)).body;
    expect(view.files.map((f: Json) => [f.component, f.name, f.mime, f.kind])).toEqual([
      ['giay_to_tuy_than', 'cccd.pdf', 'application/pdf', 'component'], ['giay_to_tuy_than', 'ảnh chân dung.png', 'image/png', 'component'],
    ]);
    const got = await env.app.inject({ method: 'GET', url: `/api/dossiers/${r.body.id}/files/${view.files[0].id}`, headers: stpSpecialist.headers });
    expect(sha(got.rawPayload)).toBe(sha(PDF));
    // A retried delivery fetches nothing again and answers with the same dossier.
    const seen = hits.length;
    const again = await post(valid('G22.99-260105-0101', [file('cccd.pdf', '/tep/cccd.pdf'), file('ảnh chân dung.png', '/tep/anh.png')]));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: r.body.id, SoTepDinhKem: 2 });
    expect(hits.length).toBe(seen);
  });

  it('refuses each bad file with a 400 naming its field, and writes nothing (no dossier, no file)', async () => {
    const before = await rows();
    const fields = async (files: Json[]) => {
      const r = await post(valid('G22.99-260105-0102', files));
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.raw.headers['content-type']).toContain('application/problem+json');
      return r.body.errors.map((e: Json) => `${e.field}:${e.rule ?? ''}`);
    };
    const ok = file('cccd.pdf', '/tep/cccd.pdf');
    // Checked before anything is fetched: the component, the count, where the link points.
    const seen = hits.length;
    expect(await fields([{ ...ok, MaThanhPhan: 'khong_co' }])).toEqual(['body.TepDinhKem.0.MaThanhPhan:enum']);
    expect(await fields([ok, ok, ok])).toEqual(['body.TepDinhKem.2.MaThanhPhan:max']);
    expect(await fields([ok, { ...ok, DuongDan: 'http://169.254.169.254/latest/meta-data/' }])).toEqual(['body.TepDinhKem.1.DuongDan:origin']);
    expect(hits.length).toBe(seen);
    // Then fetched: a missing file, a redirect (not followed), a hash that does not match, a file too large.
    expect(await fields([ok, file('mat.pdf', '/tep/khong-co.pdf')])).toEqual(['body.TepDinhKem.1.DuongDan:download']);
    expect(await fields([file('chuyen.pdf', '/tep/chuyen')])).toEqual(['body.TepDinhKem.0.DuongDan:download']);
    expect(await fields([file('cccd.pdf', '/tep/cccd.pdf', { MaBam: sha(PNG) })])).toEqual(['body.TepDinhKem.0.MaBam:hash']);
    const limit = env.k.config.UPLOAD_LIMIT_BYTES;
    (env.k.config as { UPLOAD_LIMIT_BYTES: number }).UPLOAD_LIMIT_BYTES = 4096;
    try {
      expect(await fields([file('lon.pdf', '/tep/lon.pdf')])).toEqual(['body.TepDinhKem.0.DuongDan:size']);
    } finally {
      (env.k.config as { UPLOAD_LIMIT_BYTES: number }).UPLOAD_LIMIT_BYTES = limit;
    }
    // Stored as any upload: the type comes from the content (an HTML page named .pdf is not a PDF).
    const typed = await post(valid('G22.99-260105-0102', [ok, file('trang.pdf', '/tep/trang.pdf')]));
    expect(typed.status).toBe(400);
    expect(typed.body.errors).toEqual([expect.objectContaining({ field: 'body.TepDinhKem.1', rule: 'type', message: expect.stringContaining('không đúng loại cho phép') })]);
    // The body's own shape.
    const shape = await post(valid('G22.99-260105-0102', [{ ...ok, DuongDan: 'ftp://127.0.0.1/x.pdf', TenTep: '' }]));
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e: Json) => e.field)).toEqual(expect.arrayContaining(['body.TepDinhKem.0.DuongDan', 'body.TepDinhKem.0.TenTep']));
    // No origin configured: files are refused rather than fetched from anywhere.
    const origins = process.env.NATIONAL_INBOUND_FILE_ORIGINS;
    delete process.env.NATIONAL_INBOUND_FILE_ORIGINS;
    try {
      expect(await fields([ok])).toEqual(['body.TepDinhKem.0.DuongDan:origin']);
    } finally {
      process.env.NATIONAL_INBOUND_FILE_ORIGINS = origins;
    }
    expect(await rows()).toEqual(before);
    // The same code, once right, goes through.
    expect((await post(valid('G22.99-260105-0102', [ok]))).status).toBe(201);
  });
});
