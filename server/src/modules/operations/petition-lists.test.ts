import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * The list behind each petition figure (issue 6: "a leader clicks late: 37 and
 * sees the 37 items they may see"): on real PostgreSQL with the demo province,
 * petitions are filed, answered and refused through the real routes, the
 * outbox is drained, and every petition figure's link, asked of the feedback
 * module's list, gives a total equal to the figure; a commune leader lists
 * nothing of another commune.
 */

let env: TestEnv;
let citizen: TestSession;
let operator: TestSession;
let handler: TestSession;
let phuly: TestSession;
let province: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [citizen, operator, handler, phuly, province] = await Promise.all([
    login(env.app, 'congdan@example.vn'), login(env.app, 'tiepnhan@ninhbinh.gov.vn'), login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'),
    login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'),
  ]);
  await env.k.outbox.drain();
});
afterAll(() => env.close());

const post = async (s: TestSession, url: string, payload: unknown = {}) => {
  const r = await env.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, 'idempotency-key': `k-${randomUUID()}` } });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json() as Json;
};
const get = (s: TestSession, url: string) => env.app.inject({ method: 'GET', url, headers: s.headers });
const year = new Date().getFullYear();
const fig = (d: Json, key: string) => d.figures.find((f: Json) => f.key === key);
async function dash(s: TestSession, q = ''): Promise<Json> {
  const r = await get(s, `/api/operations/dashboard?from=${year - 1}-01-01&to=${year}-12-31${q}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

/** The feedback module's list behind a link of the work space (/lam-viec/phan-anh?…). */
function apiOf(link: string): string {
  const u = new URL(link, 'http://x');
  expect(u.pathname).toBe('/lam-viec/phan-anh');
  const q = new URLSearchParams();
  for (const [k, v] of u.searchParams) {
    if (k === 'loc') q.set(v === 'qua-han' ? 'overdue' : 'open', 'true');
    else q.set(k, v);
  }
  q.set('limit', '500');
  return `/api/feedback/reports?${q}`;
}

const KEYS = ['petitions.received', 'petitions.answered', 'petitions.answeredOnTime', 'petitions.open', 'petitions.overdue'];

async function expectListsMatch(s: TestSession, level: string) {
  const d = await dash(s, level);
  for (const key of KEYS) {
    const f = fig(d, key);
    expect(f.link, key).toBeTruthy();
    const r = await get(s, apiOf(f.link));
    expect(r.statusCode, `${key}: ${r.body}`).toBe(200);
    expect(r.json().total, `${key} ${f.link}`).toBe(f.value);
  }
  return d;
}

describe('the lists behind the petition figures', () => {
  it('gives, for every petition figure of a commune and of the province, a list of the same size', async () => {
    const file = (unitCode: string, title: string) => post(citizen, '/api/feedback/reports', { categoryCode: 'moi_truong', title, body: `${title}: đề nghị chính quyền kiểm tra, xử lý sớm.`, unitCode });
    const answered = await file('13285', 'Rác thải tồn đọng ở ngõ 12');
    const refused = await file('13285', 'Nội dung không thuộc thẩm quyền');
    await file('13285', 'Cống thoát nước bị tắc');
    await file('14329', 'Cây đổ chắn đường liên xã');
    await post(operator, `/api/feedback/reports/${answered.id}/actions/classify`, { note: 'Đúng địa bàn' });
    await post(operator, `/api/feedback/reports/${answered.id}/actions/assign`, { assigneeId: handler.user.id });
    await post(handler, `/api/feedback/reports/${answered.id}/actions/take`);
    await post(handler, `/api/feedback/reports/${answered.id}/actions/answer`, { answer: 'UBND phường đã bố trí xe thu gom rác ngõ 12 từ ngày hôm nay.' });
    await post(operator, `/api/feedback/reports/${refused.id}/actions/refuse`, { reason: 'Không thuộc phạm vi phản ánh, kiến nghị' });
    await env.k.outbox.drain();

    const commune = await expectListsMatch(phuly, '&unit=13285');
    expect(fig(commune, 'petitions.received').value).toBeGreaterThanOrEqual(3);
    // Answered and refused both count as handled, on the day they were handled.
    expect(fig(commune, 'petitions.answered').value).toBeGreaterThanOrEqual(2);
    expect(fig(commune, 'petitions.answered').link).toMatch(/^\/lam-viec\/phan-anh\?outcome=answered&from=\d{4}-01-01&to=\d{4}-12-31&unit=13285$/);
    expect(fig(commune, 'petitions.open').link).toBe('/lam-viec/phan-anh?loc=dang-mo&unit=13285');
    await expectListsMatch(province, '&unit=13285');
    await expectListsMatch(province, '');
    await expectListsMatch(province, '&unit=14329');
    // An agency's level: the reports routed to it.
    await expectListsMatch(province, '&agency=STP');
  });

  it('lists nothing of another commune to a commune leader, and refuses bad filters with the field named', async () => {
    const other = `outcome=received&from=${year - 1}-01-01&to=${year}-12-31&unit=14329&limit=500`;
    const seen = await get(province, `/api/feedback/reports?${other}`);
    expect(seen.json().total).toBeGreaterThanOrEqual(1);
    const hidden = await get(phuly, `/api/feedback/reports?${other}`);
    expect(hidden.statusCode).toBe(200);
    expect(hidden.json().total).toBe(0);
    expect((await get(phuly, '/api/feedback/reports?open=true&unit=14329')).json().total).toBe(0);
    // The citizen sees only their own reports, filtered the same way.
    const own = await get(citizen, `/api/feedback/reports?outcome=received&from=${year - 1}-01-01&to=${year}-12-31&unit=13285&limit=500`);
    expect(own.statusCode).toBe(200);
    expect(own.json().items.length).toBeGreaterThanOrEqual(3);
    for (const [query, field] of [['outcome=answered&to=2026-03-31', 'from'], ['outcome=answered&from=2026-03-31&to=2026-03-01', 'to'], ['unit=99999', 'unit'], ['agency=KHONGCO', 'agency'], ['outcome=soon', 'outcome']] as const) {
      const r = await get(province, `/api/feedback/reports?${query}`);
      expect(r.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, query).toBeLessThan(500);
      expect(JSON.stringify(r.json()), query).toContain(field);
    }
  });
});
