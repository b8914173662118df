import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

let env: TestEnv;
let citizen: TestSession;
let citizen2: TestSession;
let operator: TestSession;
let handler: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true, env: { FEEDBACK_REPORTS_PER_HOUR: '1000' } });
  [citizen, citizen2, operator, handler] = await Promise.all([
    login(env.app, 'congdan@example.vn'), login(env.app, 'congdan2@example.vn'), login(env.app, 'tiepnhan@ninhbinh.gov.vn'), login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
  ]);
}, 60_000);
afterAll(() => env.close());

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });

/** Standard deviation of a region's pixels: noise is high, a blurred region is low. */
async function spread(img: Buffer, left: number, top: number, width: number, height: number) {
  // stats() reads the input image, so the region is cut out first.
  const region = await sharp(img).extract({ left, top, width, height }).png().toBuffer();
  const s = await sharp(region).stats();
  return s.channels[0]!.stdev;
}

describe('moderation', () => {
  it('edits text, blurs part of a photo, hides a photo and blocks an abusive account, all audited; others may not', async () => {
    const noise = await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const r = (await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'trat_tu_do_thi', title: 'Xe đỗ chắn lối đi', body: 'Xe biển số 18A-123.45 đỗ chắn lối đi, gọi 0912345678 để biết thêm.', unitCode: '13285', address: 'Ngõ 5 Lê Lợi',
      photos: [{ name: 'xe.jpg', data: noise.toString('base64') }, { name: 'xe2.jpg', data: noise.toString('base64') }],
    }, key())).body;
    await call(operator, 'POST', `/api/feedback/reports/${r.id}/actions/classify`, {}, key());

    // Text: the desk removes the phone number; a citizen or a handler may not moderate.
    const body = 'Xe đỗ chắn lối đi trong ngõ, đề nghị xử lý.';
    expect((await call(citizen, 'PATCH', `/api/feedback/reports/${r.id}/moderation`, { body, reason: 'Xóa số điện thoại' })).status).toBe(403);
    expect((await call(handler, 'PATCH', `/api/feedback/reports/${r.id}/moderation`, { body, reason: 'Xóa số điện thoại' })).status).toBe(403);
    expect((await call(operator, 'PATCH', `/api/feedback/reports/${r.id}/moderation`, { body, reason: 'Xóa số điện thoại' })).status).toBe(204);
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).body.body).toBe(body);
    const audit = await sql<{ before: Json; after: Json }>`SELECT before, after FROM audit_log WHERE action = 'feedback.report.moderate' AND entity_id = ${r.id}`.execute(env.k.db);
    expect(audit.rows[0]!.before.body).toMatch(/0912345678/);
    expect(audit.rows[0]!.after.reason).toBe('Xóa số điện thoại');

    // Photo: the plate's region is blurred in the public copy; the rest is untouched.
    const url = `/api/feedback/public/${r.code}/photos/1`;
    const before = (await env.app.inject({ method: 'GET', url })).rawPayload;
    const bad = await call(operator, 'POST', `/api/feedback/reports/${r.id}/photos/1/moderation`, { blur: [{ x: 1.5, y: 0, width: 0.1, height: 0.1 }], reason: 'Biển số' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.blur.0.x');
    expect((await call(operator, 'POST', `/api/feedback/reports/${r.id}/photos/1/moderation`, { blur: [{ x: 0.25, y: 0.25, width: 0.5, height: 0.5 }], reason: 'Che biển số xe' })).status).toBe(204);
    const after = (await env.app.inject({ method: 'GET', url })).rawPayload;
    expect(await spread(after, 150, 110, 100, 80)).toBeLessThan((await spread(before, 150, 110, 100, 80)) / 3);
    expect(await spread(after, 0, 0, 60, 60)).toBeGreaterThan((await spread(before, 0, 0, 60, 60)) * 0.7);

    // The second photo is hidden from the public, still visible to officials.
    expect((await call(operator, 'POST', `/api/feedback/reports/${r.id}/photos/2/moderation`, { hidden: true, reason: 'Ảnh có khuôn mặt trẻ em' })).status).toBe(204);
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).body.photos).toHaveLength(1);
    expect((await env.app.inject({ method: 'GET', url: `/api/feedback/public/${r.code}/photos/2` })).statusCode).toBe(404);
    expect((await call(operator, 'GET', `/api/feedback/reports/${r.id}`)).body.photos).toHaveLength(2);

    // Hiding the whole report takes it off the public pages.
    expect((await call(operator, 'PATCH', `/api/feedback/reports/${r.id}/moderation`, { hidden: true, reason: 'Trùng lặp, lời lẽ không phù hợp' })).status).toBe(204);
    expect((await call(null, 'GET', `/api/feedback/public/${r.code}`)).status).toBe(404);

    // Blocking: a citizen cannot block; the desk can; the blocked account can no longer report, nothing stored.
    expect((await call(citizen, 'POST', '/api/feedback/blocks', { accountId: citizen2.user.id, reason: 'Gửi nội dung xúc phạm' })).status).toBe(403);
    expect((await call(operator, 'POST', '/api/feedback/blocks', { accountId: handler.user.id, reason: 'Thử khóa cán bộ' })).status).toBe(400);
    expect((await call(operator, 'POST', '/api/feedback/blocks', { accountId: citizen2.user.id, reason: 'Gửi nội dung xúc phạm nhiều lần' })).status).toBe(204);
    const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n;
    const blocked = await call(citizen2, 'POST', '/api/feedback/reports', { categoryCode: 'moi_truong', title: 'Nội dung bị chặn', body: 'Tài khoản này đã bị khóa gửi phản ánh.', unitCode: '13285' }, key());
    expect(blocked.status).toBe(403);
    expect(blocked.body.code).toBe('FEEDBACK_BLOCKED');
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n).toBe(n);
  });
});
