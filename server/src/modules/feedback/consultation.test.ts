import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

let env: TestEnv;
let citizen: TestSession;
let citizen2: TestSession;
let director: TestSession;
let phuly: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [citizen, citizen2, director, phuly] = await Promise.all([
    login(env.app, 'congdan@example.vn'), login(env.app, 'congdan2@example.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'),
  ]);
}, 60_000);
afterAll(() => env.close());

const call = async (s: TestSession | null, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  return { status: r.statusCode, body: (r.body ? (() => { try { return r.json(); } catch { return r.body; } })() : null) as Json, raw: r };
};
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

describe('consultations on draft policies', () => {
  it('publishes a draft, takes comments, support and a survey while open, then answers and concludes in public', async () => {
    const draft = {
      agencyCode: 'STP', title: 'Dự thảo Quyết định quy định về hòa giải ở cơ sở trên địa bàn tỉnh', summary: 'Lấy ý kiến nhân dân về dự thảo quy định hòa giải ở cơ sở.',
      opensAt: new Date(Date.now() - 60_000).toISOString(), closesAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      sections: [{ heading: 'Điều 1. Phạm vi điều chỉnh', body: 'Quy định này quy định về ...' }, { heading: 'Điều 2. Hòa giải viên', body: 'Hòa giải viên phải ...' }],
      questions: [
        { kind: 'single', prompt: 'Bạn có đồng ý với dự thảo?', options: ['Đồng ý', 'Không đồng ý'] },
        { kind: 'multiple', prompt: 'Nội dung nào cần sửa?', options: ['Điều 1', 'Điều 2'] },
        { kind: 'scale', prompt: 'Mức độ rõ ràng của dự thảo (1–5)' },
        { kind: 'text', prompt: 'Ý kiến khác' },
      ],
    };
    expect((await call(citizen, 'POST', '/api/consultations', draft)).status).toBe(403);
    // A commune leader holds feedback.* but not on the Department of Justice.
    expect((await call(phuly, 'POST', '/api/consultations', draft)).status).toBe(403);
    const bad = await call(director, 'POST', '/api/consultations', { ...draft, closesAt: draft.opensAt, questions: [{ kind: 'single', prompt: 'Một phương án?', options: ['Có'] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field)).toEqual(['body.closesAt', 'body.questions.0.options']);
    const created = await call(director, 'POST', '/api/consultations', draft);
    expect(created.status).toBe(201);
    const id = created.body.id;
    const att = await env.app.inject({ method: 'POST', url: `/api/consultations/${id}/attachments?name=du-thao.pdf`, headers: { ...director.headers, 'content-type': 'application/pdf' }, payload: PDF });
    expect(att.statusCode).toBe(201);
    expect((await env.app.inject({ method: 'GET', url: att.json().url })).rawPayload.equals(PDF)).toBe(true);

    const listed = await call(null, 'GET', '/api/consultations?phase=open');
    expect(listed.body.map((c: Json) => c.id)).toContain(id);

    // Comments on a section and on the whole; officials do not comment as citizens; a missing section is refused.
    const c1 = await call(citizen, 'POST', `/api/consultations/${id}/comments`, { section: 2, body: 'Đề nghị bổ sung tiêu chuẩn về độ tuổi của hòa giải viên.' });
    expect(c1.status).toBe(201);
    expect((await call(citizen2, 'POST', `/api/consultations/${id}/comments`, { body: 'Dự thảo cần quy định rõ kinh phí hỗ trợ.' })).status).toBe(201);
    expect((await call(director, 'POST', `/api/consultations/${id}/comments`, { body: 'Cán bộ không góp ý ở đây.' })).status).toBe(403);
    expect((await call(citizen, 'POST', `/api/consultations/${id}/comments`, { section: 9, body: 'Mục không tồn tại trong dự thảo.' })).body.errors[0].field).toBe('body.section');
    // Support: another's comment, once; never one's own.
    expect((await call(citizen2, 'PUT', `/api/consultations/comments/${c1.body.id}/support`)).body).toEqual({ supports: 1 });
    expect((await call(citizen2, 'PUT', `/api/consultations/comments/${c1.body.id}/support`)).body).toEqual({ supports: 1 });
    expect((await call(citizen, 'PUT', `/api/consultations/comments/${c1.body.id}/support`)).status).toBe(409);

    // Survey: once per person, answers checked against the options.
    expect((await call(citizen, 'POST', `/api/consultations/${id}/responses`, { answers: { 1: 'Có lẽ' } })).body.errors[0].field).toBe('body.answers.1');
    expect((await call(citizen, 'POST', `/api/consultations/${id}/responses`, { answers: { 1: 'Đồng ý', 2: ['Điều 2'], 3: '4', 4: 'Cần thêm ví dụ.' } })).status).toBe(204);
    expect((await call(citizen, 'POST', `/api/consultations/${id}/responses`, { answers: { 1: 'Không đồng ý' } })).status).toBe(409);
    expect((await call(citizen2, 'POST', `/api/consultations/${id}/responses`, { answers: { 1: 'Không đồng ý', 3: '2' } })).status).toBe(204);
    // While open, the public does not see the survey's results; the agency does.
    expect((await call(null, 'GET', `/api/consultations/${id}`)).body.results).toBeNull();
    expect((await call(director, 'GET', `/api/consultations/${id}`)).body.results[0].counts).toEqual({ 'Đồng ý': 1, 'Không đồng ý': 1 });

    // The agency answers a comment; a conclusion must wait for the close.
    expect((await call(citizen, 'POST', `/api/consultations/comments/${c1.body.id}/answer`, { answer: 'Tự trả lời', accepted: true })).status).toBe(403);
    expect((await call(director, 'POST', `/api/consultations/comments/${c1.body.id}/answer`, { answer: 'Tiếp thu: bổ sung độ tuổi từ đủ 18 tuổi tại Điều 2.', accepted: true })).status).toBe(204);
    expect((await call(director, 'POST', `/api/consultations/${id}/conclusion`, { conclusion: 'Tiếp thu 1 ý kiến, giải trình 1 ý kiến.' })).status).toBe(409);

    // Time passes: the consultation closes; no more comments; the conclusion is published; everything stays public.
    await sql`UPDATE consultation SET closes_at = now() - interval '1 minute' WHERE id = ${id}`.execute(env.k.db);
    expect((await call(citizen, 'POST', `/api/consultations/${id}/comments`, { body: 'Góp ý muộn sau khi đã kết thúc.' })).status).toBe(409);
    expect((await call(director, 'POST', `/api/consultations/${id}/conclusion`, { conclusion: 'Tiếp thu ý kiến về độ tuổi hòa giải viên; giải trình về kinh phí (đã có Nghị quyết của HĐND tỉnh).' })).status).toBe(204);
    const pub = (await call(null, 'GET', `/api/consultations/${id}`)).body;
    expect(pub.phase).toBe('closed');
    expect(pub.conclusion).toMatch(/Tiếp thu ý kiến về độ tuổi/);
    expect(pub.comments.find((c: Json) => c.id === c1.body.id)).toMatchObject({ section: 2, supports: 1, accepted: true, answer: expect.stringMatching(/^Tiếp thu/) });
    expect(pub.results[2].counts).toEqual({ 1: 0, 2: 1, 3: 0, 4: 1, 5: 0 });
    expect(pub.results[3].texts).toEqual(['Cần thêm ví dụ.']);
    expect(pub.attachments).toHaveLength(1);
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE action LIKE 'feedback.consultation.%' ORDER BY seq`.execute(env.k.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['feedback.consultation.create', 'feedback.consultation.attach', 'feedback.consultation.answer', 'feedback.consultation.conclude']);
  });
});
