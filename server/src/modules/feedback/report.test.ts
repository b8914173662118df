import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import exifr from 'exifr';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';
import { systemCtx } from '../../kernel/context.js';
import { autoClose, digest } from './report.alerts.js';
import { act as actOn } from './report.service.js';

/**
 * Reports end to end on real PostgreSQL, real boundaries of Ninh Bình
 * (../shared/data), real images through sharp and a real SMTP server.
 */

const GEO = path.resolve(__dirname, '../../../../../shared/data/admin-units/geojson/37_ninh_binh');
const haveGeo = existsSync(GEO);

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let citizen: TestSession;
let citizen2: TestSession;
let operator: TestSession;
let handler: TestSession;
let phuly: TestSession;
let admin: TestSession;
let stp: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://pakn.ninhbinh.gov.vn', FEEDBACK_REPORTS_PER_HOUR: '1000' } });
  [citizen, citizen2, operator, handler, phuly, admin, stp] = await Promise.all([
    login(env.app, 'congdan@example.vn'),
    login(env.app, 'congdan2@example.vn'),
    login(env.app, 'tiepnhan@ninhbinh.gov.vn'),
    login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'),
    login(env.app, 'admin@ninhbinh.gov.vn'),
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
  ]);
}, 60_000);
afterAll(async () => {
  await env.close();
  await smtp.close();
});

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });
const act = (s: TestSession, id: string, action: string, body: Json = {}) => call(s, 'POST', `/api/feedback/reports/${id}/actions/${action}`, body, key());
const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n;
const recipients = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.parsed.subject ?? '')).flatMap((m) => m.to);

/** A point well inside a boundary: the centre of the bounding box if inside, else a grid search. */
function interiorPoint(geometry: Json): { lat: number; lon: number } {
  const ring = (geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]) as [number, number][];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let n = 2; n < 40; n++) {
    for (let i = 1; i < n; i++) {
      for (let j = 1; j < n; j++) {
        const p: [number, number] = [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n];
        if (booleanPointInPolygon(p, geometry as never)) return { lon: p[0], lat: p[1] };
      }
    }
  }
  throw new Error('no interior point');
}

const wardFile = (code: string) => readdirSync(path.join(GEO, 'wards')).find((f) => f.startsWith(code))!;
const ward = (code: string) => JSON.parse(readFileSync(path.join(GEO, 'wards', wardFile(code)), 'utf8'));

async function photo(exif = true): Promise<Buffer> {
  const img = sharp({ create: { width: 2400, height: 1600, channels: 3, background: { r: 40, g: 120, b: 60 } } });
  return (exif ? img.withExif({ IFD0: { Artist: 'Nguoi chup', Copyright: 'congso-test' } }) : img).jpeg().toBuffer();
}

let phulyPoint: { lat: number; lon: number };

describe.skipIf(!haveGeo)('feedback and petitions', () => {
  it('imports the boundaries of Ninh Bình (administrators only; a broken file writes nothing)', async () => {
    const province = JSON.parse(readFileSync(path.join(GEO, '37_ninh_binh.geojson'), 'utf8'));
    const features = [...province.features.map((f: Json) => ({ ...f, id: '37' }))];
    for (const f of readdirSync(path.join(GEO, 'wards'))) features.push(...JSON.parse(readFileSync(path.join(GEO, 'wards', f), 'utf8')).features);
    const doc = { type: 'FeatureCollection', features };

    const broken = { type: 'FeatureCollection', features: [features[1], { type: 'Feature', id: '13999', geometry: { type: 'Point', coordinates: [105, 20] } }] };
    const bad = await call(admin, 'POST', '/api/feedback/boundaries', broken);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/Polygon hoặc MultiPolygon/);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_boundary`.execute(env.k.db)).rows[0]!.n).toBe(0);

    expect((await call(operator, 'POST', '/api/feedback/boundaries', doc)).status).toBe(403);
    expect((await call(null, 'POST', '/api/feedback/boundaries', doc)).status).toBe(401);
    phulyPoint = interiorPoint(ward('13285').features[0].geometry);
    const ok = await call(admin, 'POST', '/api/feedback/boundaries', doc);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ imported: 130, communes: 129 });

    // The map gets a lighter copy; no external tile server is needed to draw it.
    const map = await call(null, 'GET', '/api/feedback/boundaries');
    expect(map.raw.headers['content-type']).toMatch(/geo\+json/);
    expect(map.body.features).toHaveLength(130);
    expect(map.raw.body.length).toBeLessThan(JSON.stringify(doc).length / 2);
  });

  it('routes a citizen report with a photo at a point to the commune holding it, and strips the photo metadata', async () => {
    const before = smtp.received.length;
    const r = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'moi_truong', title: 'Rác thải đổ trộm <script>alert(1)</script>', body: 'Bãi rác tự phát ven đường gây ô nhiễm, đề nghị xử lý.',
      ...phulyPoint, showName: false, photos: [{ name: 'rac.jpg', data: (await photo()).toString('base64') }],
    }, key());
    expect(r.status).toBe(201);
    expect(r.body.code).toMatch(/^PA-\d{4}-\d{6}$/);
    expect(r.body.unitCode).toBe('13285');
    expect(r.body.state).toBe('received');
    // Stored as typed; whoever renders it escapes it.
    expect(r.body.title).toBe('Rác thải đổ trộm <script>alert(1)</script>');
    // Triage within 2 working days, from the calendar.
    expect(new Date(r.body.dueAt).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    const img = await env.app.inject({ method: 'GET', url: r.body.photos[0].url, headers: citizen.headers });
    expect(img.statusCode).toBe(200);
    const meta = await sharp(img.rawPayload).metadata();
    expect(meta.width).toBe(1920);
    expect(meta.exif).toBeUndefined();
    expect(await exifr.parse(img.rawPayload).catch(() => undefined)).toBeFalsy();
    // Received: the reporter gets a mail with the code.
    await env.k.outbox.drain();
    expect(smtp.received.slice(before).some((m) => m.to.includes('congdan@example.vn') && (m.parsed.subject ?? '').includes(r.body.code))).toBe(true);

    // The same spot, a neighbour: the open report nearby is suggested first.
    const near = await call(null, 'GET', `/api/feedback/nearby?lat=${phulyPoint.lat + 0.0001}&lon=${phulyPoint.lon}&category=moi_truong`);
    expect(near.body.map((x: Json) => x.code)).toContain(r.body.code);
    expect(near.body[0].distance).toBeLessThanOrEqual(50);
    const otherCategory = await call(null, 'GET', `/api/feedback/nearby?lat=${phulyPoint.lat}&lon=${phulyPoint.lon}&category=dat_dai`);
    expect(otherCategory.body).toEqual([]);
  });

  it('keeps the photo metadata only when the reporter chooses to', async () => {
    const r = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'ha_tang_giao_thong', title: 'Đèn đường hỏng', body: 'Cột đèn số 12 không sáng đã một tuần.', ...phulyPoint,
      keepPhotoLocation: true, photos: [{ name: 'den.jpg', data: (await photo()).toString('base64') }],
    }, key());
    expect(r.status).toBe(201);
    const img = await env.app.inject({ method: 'GET', url: r.body.photos[0].url, headers: citizen.headers });
    expect((await exifr.parse(img.rawPayload))?.Copyright).toBe('congso-test');
  });

  it('refuses bad input with the field named, storing nothing', async () => {
    const n = await count();
    const outside = await call(citizen, 'POST', '/api/feedback/reports', { categoryCode: 'moi_truong', title: 'Ở Hà Nội', body: 'Điểm này nằm ngoài tỉnh Ninh Bình.', lat: 21.0285, lon: 105.8542 }, key());
    expect(outside.status).toBe(400);
    expect(outside.body.code).toBe('FEEDBACK_OUTSIDE_PROVINCE');
    const badLat = await call(citizen, 'POST', '/api/feedback/reports', { categoryCode: 'moi_truong', title: 'Sai tọa độ', body: 'Vĩ độ không hợp lệ chút nào.', lat: 95, lon: 105.9 }, key());
    expect(badLat.status).toBe(400);
    expect(badLat.body.errors[0].field).toBe('body.lat');
    const script = Buffer.from('#!/bin/sh\nrm -rf /\n');
    const fake = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'moi_truong', title: 'Ảnh giả', body: 'Tệp này là một đoạn mã đổi tên thành .jpg.', ...phulyPoint, photos: [{ name: 'anh.jpg', data: script.toString('base64') }],
    }, key());
    expect(fake.status).toBe(400);
    expect(fake.body.errors[0]).toMatchObject({ field: 'photos.0', message: expect.stringMatching(/không phải ảnh/) });
    // A decompression bomb: a small file that would decode to 50 million pixels.
    const bomb = await sharp({ create: { width: 10_000, height: 5_000, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png({ compressionLevel: 9 }).toBuffer();
    expect(bomb.length).toBeLessThan(1_048_576);
    const exploded = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'moi_truong', title: 'Ảnh quá lớn', body: 'Ảnh này có quá nhiều điểm ảnh để giải nén.', ...phulyPoint, photos: [{ name: 'bom.png', data: bomb.toString('base64') }],
    }, key());
    expect(exploded.status).toBe(400);
    expect(exploded.body.errors[0].field).toBe('photos.0');
    const unknown = await call(citizen, 'POST', '/api/feedback/reports', { categoryCode: 'khong_co', title: 'Lĩnh vực lạ', body: 'Lĩnh vực này không tồn tại.', ...phulyPoint }, key());
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('FEEDBACK_CATEGORY_NOT_FOUND');
    const noKey = await call(citizen, 'POST', '/api/feedback/reports', { categoryCode: 'moi_truong', title: 'Không khóa', body: 'Thiếu khóa chống lặp trong yêu cầu.', ...phulyPoint });
    expect(noKey.status).toBe(400);
    expect(await count()).toBe(n);
  });

  it('goes from triage to a published answer and a rating; the public page shows no personal data', async () => {
    const r = (await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'trat_tu_do_thi', title: 'Lấn chiếm vỉa hè', body: 'Quán ăn lấn chiếm toàn bộ vỉa hè đường Lê Lợi.', ...phulyPoint,
    }, key())).body;
    // Not public before triage; a citizen cannot triage; a commune official outside the province desk cannot classify.
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).status).toBe(404);
    expect((await act(citizen, r.id, 'classify')).status).toBe(403);
    expect((await call(stp, 'GET', `/api/feedback/reports/${r.id}`)).status).toBe(404);
    expect((await call(citizen2, 'GET', `/api/feedback/reports/${r.id}`)).status).toBe(404);

    const classified = await act(operator, r.id, 'classify', { note: 'Đúng địa bàn' });
    expect(classified.status).toBe(200);
    expect(classified.body.state).toBe('triaged');
    // Assigning someone who does not handle this commune's reports is refused.
    expect((await act(operator, r.id, 'assign', { assigneeId: stp.user.id })).body.errors?.[0]?.field).toBe('body.assigneeId');
    expect((await act(operator, r.id, 'assign', { assigneeId: handler.user.id })).body.state).toBe('assigned');
    expect((await act(handler, r.id, 'take')).body.state).toBe('in_progress');
    const short = await act(handler, r.id, 'answer', { answer: 'Đã xử lý' });
    expect(short.status).toBe(409);
    // The answer carries the ward's letter; only someone answering may attach, and only PDF or images.
    const letter = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    const upload = (s: typeof handler, data: Buffer, type: string) =>
      env.app.inject({ method: 'POST', url: `/api/feedback/reports/${r.id}/answer-files?name=cong-van.pdf`, payload: data, headers: { ...s.headers, 'content-type': type } });
    expect((await upload(citizen, letter, 'application/pdf')).statusCode).toBe(403);
    expect((await upload(handler, Buffer.from('<html>not a pdf</html>'), 'application/pdf')).statusCode).toBe(415);
    const attached = await upload(handler, letter, 'application/pdf');
    expect(attached.statusCode).toBe(201);
    const answered = await act(handler, r.id, 'answer', { answer: 'UBND phường đã lập biên bản, yêu cầu hộ kinh doanh trả lại vỉa hè từ ngày 20/11.' });
    expect(answered.body.answerFiles).toHaveLength(1);
    // Not public before publication.
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).body.answerFiles).toEqual([]);
    expect(answered.body.state).toBe('answered');
    expect((await act(citizen, r.id, 'publish')).status).toBe(403);
    // Another citizen follows it and will hear of the answer.
    expect((await call(citizen2, 'PUT', `/api/feedback/public/${r.code}/follow`)).body).toEqual({ followers: 2, following: true });
    const published = await act(operator, r.id, 'publish');
    expect(published.body.state).toBe('published');

    const pub = await call(null, 'GET', `/api/feedback/public/${r.code}`);
    expect(pub.status).toBe(200);
    expect(pub.body.answer).toMatch(/biên bản/);
    expect(pub.body.reporterName).toBeNull();
    expect(pub.body.answerFiles).toHaveLength(1);
    const downloaded = await env.app.inject({ method: 'GET', url: pub.body.answerFiles[0].url });
    expect(downloaded.statusCode).toBe(200);
    expect(downloaded.rawPayload.equals(letter)).toBe(true);
    expect(JSON.stringify(pub.body)).not.toMatch(/congdan@example\.vn|Nguyễn Văn An/);
    expect((await call(null, 'GET', '/api/feedback/public?q=vỉa hè')).body.items.map((x: Json) => x.code)).toContain(r.code);

    // The reporter rates; the report closes and takes no more actions.
    expect((await act(citizen, r.id, 'rate', { rating: 'unsatisfied' })).status).toBe(409);
    const rated = await act(citizen, r.id, 'rate', { rating: 'satisfied' });
    expect(rated.body.state).toBe('closed');
    expect(rated.body.allowedActions).toEqual([]);
    expect((await act(operator, r.id, 'close')).status).toBe(409);
    await env.k.outbox.drain();
    expect(recipients(new RegExp(`^Phản ánh ${r.code} đã có trả lời`))).toEqual(expect.arrayContaining(['congdan@example.vn', 'congdan2@example.vn']));

    // Leaders see it in their figures; a citizen does not get them.
    const s = await call(phuly, 'GET', '/api/feedback/stats');
    expect(s.body.totals.answered).toBeGreaterThanOrEqual(1);
    expect(s.body.totals.satisfied).toBeGreaterThanOrEqual(1);
    expect((await call(citizen, 'GET', '/api/feedback/stats')).status).toBe(403);
  });

  it('keeps complaints confidential: no public page, no map, no Open311, no one else reads them', async () => {
    const r = (await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'khieu_nai', title: 'Khiếu nại quyết định xử phạt', body: 'Tôi khiếu nại quyết định xử phạt số 12/QĐ-XPHC vì không đúng người vi phạm.', ...phulyPoint, showName: true,
    }, key())).body;
    expect(r.code).toMatch(/^KN-/);
    expect(r.showName).toBe(false);
    await act(operator, r.id, 'classify');
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).status).toBe(404);
    expect((await call(citizen2, 'GET', `/api/feedback/reports/${r.id}`)).status).toBe(404);
    const map = await call(null, 'GET', `/api/feedback/map?bbox=${phulyPoint.lon - 0.01},${phulyPoint.lat - 0.01},${phulyPoint.lon + 0.01},${phulyPoint.lat + 0.01}`);
    expect(map.body.map((x: Json) => x.code)).not.toContain(r.code);
    expect(map.body.length).toBeGreaterThan(0);
    const o311 = await call(null, 'GET', '/open311/v2/requests.json');
    expect(o311.body.map((x: Json) => x.service_request_id)).not.toContain(r.code);
  });

  it('escalates an overdue report: first the commune leader, a working day later the province', async () => {
    const r = (await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'moi_truong', title: 'Cống thoát nước tắc', body: 'Cống thoát nước trước nhà số 5 tắc gây ngập khi mưa.', ...phulyPoint,
    }, key())).body;
    // Time passes: the triage clock's due time is now in the past.
    const past = new Date(Date.now() - 3_600_000);
    await sql`UPDATE case_clock SET due_at = ${past}, warn_at = ${new Date(past.getTime() - 3_600_000)} WHERE case_id = ${r.id}`.execute(env.k.db);
    await sql`UPDATE feedback_report SET due_at = ${past} WHERE id = ${r.id}`.execute(env.k.db);
    await env.k.workflow.sweep(new Date());
    await env.k.outbox.drain();
    await env.k.outbox.drain();
    const v1 = (await call(operator, 'GET', `/api/feedback/reports/${r.id}`)).body;
    expect(v1.overdue).toBe(true);
    expect(v1.escalationLevel).toBe(1);
    const first = recipients(new RegExp(`^Phản ánh ${r.code} đã quá hạn \\(báo cáo cấp 1\\)`));
    expect(first).toContain('phuly@ninhbinh.gov.vn');
    expect(first).not.toContain('lanhdao@ninhbinh.gov.vn');
    // The next level is queued for the next working day; let that day come.
    await sql`UPDATE outbox SET run_at = now() WHERE topic = 'feedback.escalate'`.execute(env.k.db);
    await env.k.outbox.drain();
    await env.k.outbox.drain();
    expect((await call(operator, 'GET', `/api/feedback/reports/${r.id}`)).body.escalationLevel).toBe(2);
    expect(recipients(new RegExp(`^Phản ánh ${r.code} đã quá hạn \\(báo cáo cấp 2\\)`))).toEqual(expect.arrayContaining(['lanhdao@ninhbinh.gov.vn', 'phuly@ninhbinh.gov.vn']));
    // Depth 2 is the default: nothing more is queued.
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = 'feedback.escalate'`.execute(env.k.db)).rows[0]!.n).toBe(0);
    const overdue = await call(phuly, 'GET', '/api/feedback/reports?overdue=true');
    expect(overdue.body.items.map((x: Json) => x.code)).toContain(r.code);
  });

  it('lets a hotline operator file for a caller, and refuses citizens that channel', async () => {
    const body = { categoryCode: 'su_co_khan_cap', title: 'Cây đổ chắn đường', body: 'Cây xà cừ đổ chắn ngang đường sau bão, cần xử lý gấp.', ...phulyPoint, channel: 'hotline', reporter: { name: 'Lê Văn Cường', phone: '0912345678' } };
    const r = await call(operator, 'POST', '/api/feedback/reports', body, key());
    expect(r.status).toBe(201);
    expect(r.body.channel).toBe('hotline');
    expect(r.body.reporterContact.phone).toBe('0912345678');
    // Urgent: triage within 8 working hours.
    const triage = r.body.clocks.find((c: Json) => c.step === 'received');
    expect(new Date(triage.dueAt).getTime() - Date.now()).toBeLessThan(4 * 86_400_000);
    const missing = await call(operator, 'POST', '/api/feedback/reports', { ...body, reporter: undefined }, key());
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('body.reporter.name');
    const asCitizen = await call(citizen, 'POST', '/api/feedback/reports', body, key());
    expect(asCitizen.status).toBe(201);
    expect(asCitizen.body.channel).toBe('web');
  });

  it('feeds the 766 index: 5.2 petitions handled on time, 5.3 satisfaction', async () => {
    // In this file: one PAKN answered on time and rated satisfied, one still open and already late
    // (the escalation test), the others open and within their deadlines; the complaint does not count.
    const year = new Date().getFullYear();
    for (const unit of ['', '&unit=13285']) {
      const idx = (await call(null, 'GET', `/api/index-766?from=${year}-01-01&to=${year}-12-31${unit}`)).body;
      const ind = (code: string) => idx.indicators.find((i: Json) => i.code === code);
      expect(ind('5.2')).toMatchObject({ status: 'computed', numerator: 1, denominator: 2, rate: 0.5, score: 3 });
      expect(ind('5.3')).toMatchObject({ status: 'computed', numerator: 1, denominator: 1, rate: 1, score: 6 });
    }
    const other = (await call(null, 'GET', `/api/index-766?from=${year}-01-01&to=${year}-12-31&unit=14329`)).body;
    expect(other.indicators.find((i: Json) => i.code === '5.2')).toMatchObject({ numerator: 0, denominator: 0 });
  });

  it('lets the desk configure a category: a shorter triage limit applies to reports filed afterwards', async () => {
    const file = async () => (await call(operator, 'POST', '/api/feedback/reports', {
      categoryCode: 'chuyen_doi_so', title: 'Mất sóng di động', body: 'Khu dân cư mất sóng di động từ hôm qua.', unitCode: '13285', channel: 'hotline', reporter: { name: 'Phạm Thu' },
    }, key())).body;
    const triageDue = (r: Json) => new Date(r.clocks.find((c: Json) => c.step === 'received').dueAt).getTime();
    const before = await file();
    const body = { name: 'Dịch vụ số, hạ tầng viễn thông', kind: 'pakn', agencyCode: 'SKHCN', urgent: false, limits: { triage: { hours: 4 } } };
    expect((await call(citizen, 'PUT', '/api/feedback/categories/chuyen_doi_so', body)).status).toBe(403);
    const bad = await call(operator, 'PUT', '/api/feedback/categories/chuyen_doi_so', { ...body, limits: { triage: { days: 0 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toMatch(/^body\.limits\.triage/);
    expect((await call(operator, 'PUT', '/api/feedback/categories/chuyen_doi_so', { ...body, agencyCode: 'KHONG_CO' })).body.errors[0].field).toBe('body.agencyCode');
    expect((await call(operator, 'PUT', '/api/feedback/categories/chuyen_doi_so', body)).status).toBe(204);
    const after = await file();
    expect(triageDue(after)).toBeLessThan(triageDue(before));
    const cat = (await call(null, 'GET', '/api/feedback/categories')).body.find((c: Json) => c.code === 'chuyen_doi_so');
    expect(cat.limits).toMatchObject({ triage: { hours: 4 }, answer: { days: 15 }, publish: { days: 2 } });
    // The earlier report keeps the limits it was filed under.
    expect(triageDue((await call(operator, 'GET', `/api/feedback/reports/${before.id}`)).body)).toBe(triageDue(before));
  });

  it('sends each handler a daily digest of what is due, and closes answers left unrated past the reopen window', async () => {
    const r = (await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'moi_truong', title: 'Nước thải chảy ra đường', body: 'Nước thải sinh hoạt chảy tràn ra đường Trần Phú.', ...phulyPoint,
    }, key())).body;
    await act(operator, r.id, 'classify');
    await act(operator, r.id, 'assign', { assigneeId: handler.user.id });
    // Due within two days: in the digest of its handler.
    await sql`UPDATE feedback_report SET due_at = now() + interval '1 day' WHERE id = ${r.id}`.execute(env.k.db);
    const before = smtp.received.length;
    expect(await digest(env.k)).toBeGreaterThanOrEqual(1);
    await env.k.outbox.drain();
    const mail = smtp.received.slice(before).find((m) => m.to.includes('congchuc.phuly@ninhbinh.gov.vn'));
    expect(mail?.parsed.text).toContain(r.code);

    await act(handler, r.id, 'take');
    await act(handler, r.id, 'answer', { answer: 'Đã yêu cầu hộ dân khắc phục đường ống thoát nước.' });
    await act(operator, r.id, 'publish');
    // Nobody rated or reopened it for longer than the window: the platform closes it.
    await sql`UPDATE feedback_report SET published_at = now() - interval '8 days' WHERE id = ${r.id}`.execute(env.k.db);
    const system = systemCtx('feedback.autoclose');
    expect(await autoClose(env.k, (id) => actOn(env.k, system, id, 'close', { note: 'Hết thời hạn' }, `autoclose:${id}`).then(() => undefined))).toBe(1);
    expect((await call(citizen, 'GET', `/api/feedback/reports/${r.id}`)).body.state).toBe('closed');
    expect((await act(citizen, r.id, 'reopen', { reason: 'Chưa khắc phục' })).status).toBe(409);
  });
});
