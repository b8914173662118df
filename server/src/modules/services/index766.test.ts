import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { Procedure } from './catalogue.schema.js';
import { indicatorsFrom, scoreOf } from './index766.js';
import { demoCatalogue } from './seed.js';

/**
 * A small dossier history built by hand — early, on time, late, supplemented
 * once and twice, open past its appointment at the period's end, refused —
 * and every indicator checked against values worked out on paper.
 */

let env: TestEnv;
let citizen: TestSession;
let leader: TestSession;
let admin: TestSession;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const fixture: Procedure = {
  code: '9.766001', name: 'Thủ tục thử nghiệm chỉ số 766', sector: { code: 'thu-nghiem-766', name: 'Thử nghiệm' }, level: 'commune', agencyCode: null,
  agencyKind: 'commune_committee', steps: ['Nộp', 'Giải quyết', 'Trả'], methods: ['online', 'desk'],
  components: [
    { key: 'don', name: 'Đơn đề nghị', required: true, copies: { original: 1, copy: 0 }, form: { type: 'object', required: ['noi_dung'], properties: { noi_dung: { type: 'string', title: 'Nội dung' } } }, attachment: null },
    { key: 'giay_to', name: 'Giấy tờ kèm theo', required: false, copies: { original: 0, copy: 1 }, form: null, attachment: { types: ['application/pdf'], min: 0, max: 3 } },
  ],
  timeLimit: { days: 2 }, fees: [], applicants: ['citizen'], result: 'Văn bản trả lời', legalBasis: ['Thử nghiệm'], onlineLevel: 'full',
};

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [citizen, leader, admin] = await Promise.all([login(env.app, 'congdan@example.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'admin@ninhbinh.gov.vn')]);
  const put = await env.app.inject({ method: 'PUT', url: `/api/admin/procedures/${fixture.code}`, payload: fixture, headers: admin.headers });
  expect(put.statusCode).toBe(200);
});
afterAll(() => env.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const at = (iso: string) => (env.k.workflow.now = () => new Date(iso));
const post = async (s: TestSession, url: string, payload: unknown = {}, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method: 'POST', url, payload: payload as object, headers: { ...s.headers, ...headers } });
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json() as Json;
};
const act = (s: TestSession, id: string, action: string, body: Json = {}) => post(s, `/api/dossiers/${id}/actions/${action}`, body, { 'idempotency-key': `k-${randomUUID()}` });

async function file(when: string, withFile = false): Promise<Json> {
  at(when);
  const d = await post(citizen, '/api/dossier-drafts', { procedureCode: fixture.code, unitCode: '13285' });
  await env.app.inject({ method: 'PUT', url: `/api/dossier-drafts/${d.id}`, payload: { version: d.version, forms: { don: { noi_dung: 'Đề nghị' } } }, headers: citizen.headers });
  if (withFile) {
    await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${d.id}/files?component=giay_to&name=a.pdf`, payload: Buffer.concat([PDF, Buffer.from(`%${randomUUID()}`)]), headers: { ...citizen.headers, 'content-type': 'application/pdf' } });
  }
  return post(citizen, `/api/dossier-drafts/${d.id}/submit`, {}, { 'idempotency-key': `k-${randomUUID()}` });
}

async function received(when: string, withFile = false): Promise<Json> {
  const d = await file(when, withFile);
  return act(leader, d.id, 'receive');
}

const shift = (iso: string | Date, hours: number) => new Date(new Date(iso).getTime() + hours * 3_600_000).toISOString();

async function finish(d: Json, when: string) {
  at(when);
  await act(leader, d.id, 'process');
  return act(leader, d.id, 'approve');
}

describe('Decision 766 index', () => {
  it('scores a hand-built history exactly as worked out on paper', async () => {
    const MON = '2026-03-02T09:00:00+07:00';
    // A: early (a day before the appointment), with a file: digitised.
    const a = await received(MON, true);
    await finish(a, shift(a.dueAt, -24));
    // B: exactly at the appointment, with a file.
    const b = await received(MON, true);
    await finish(b, b.dueAt);
    // C: a day late.
    const c = await received(MON);
    await finish(c, shift(c.dueAt, 24));
    // D: supplemented once; the citizen took a working day, so the appointment moved by one and D is on time.
    const d = await received(MON);
    at('2026-03-02T10:00:00+07:00');
    await act(leader, d.id, 'supplement', { items: ['Bản sao giấy tờ'] });
    at('2026-03-03T10:00:00+07:00');
    const dBack = await act(citizen, d.id, 'resubmit');
    expect(new Date(dBack.dueAt).getTime()).toBeGreaterThan(new Date(d.dueAt).getTime());
    await finish(d, shift(d.dueAt, 2));
    // E: supplemented twice, finished early: late all the same.
    const e = await received(MON);
    for (const day of ['02', '03']) {
      at(`2026-03-${day}T10:30:00+07:00`);
      await act(leader, e.id, 'supplement', { items: ['Thiếu chữ ký'] });
      at(`2026-03-${day}T11:00:00+07:00`);
      await act(citizen, e.id, 'resubmit');
    }
    await finish(e, '2026-03-03T14:00:00+07:00');
    // F: received, never finished: judged late at the end of the period.
    await received(MON);
    // G: refused at the desk before it was received.
    const g = await file(MON);
    at('2026-03-02T09:30:00+07:00');
    await act(leader, g.id, 'refuse', { reason: 'Không thuộc thẩm quyền' });
    // Ratings after the results are returned: A satisfied, C not.
    for (const [x, rating] of [[a, 'satisfied'], [c, 'unsatisfied']] as const) {
      at('2026-03-10T09:00:00+07:00');
      await act(leader, x.id, 'deliver');
      await post(citizen, `/api/dossiers/${x.id}/rating`, { rating, reason: rating === 'unsatisfied' ? 'Chậm' : undefined });
    }
    env.k.workflow.now = () => new Date();

    const r = await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-01&to=2026-03-31' });
    expect(r.statusCode, r.body).toBe(200);
    const idx = r.json() as Json;
    const ind = (code: string) => idx.indicators.find((i: Json) => i.code === code);
    expect(idx.counts).toEqual({ received: 6, finished: 6, onTime: 4, late: 3, openOverdue: 1, rated: 2, unsatisfied: 1 });

    // 2.1: on time (A, B, D, G) ÷ (finished 6 + open overdue 1).
    expect(ind('2.1')).toMatchObject({ status: 'computed', numerator: 4, denominator: 7, rate: 0.5714, score: 11.43 });
    // 3.2 and 3.3: every dossier was filed online, for a fully online procedure.
    expect(ind('3.2')).toMatchObject({ numerator: 6, denominator: 6, rate: 1, score: 4 });
    expect(ind('3.3')).toMatchObject({ numerator: 6, denominator: 6, rate: 1, score: 4 });
    // 3.1 from the catalogue: the demo's fully online procedures and ours.
    const demo = demoCatalogue() as Procedure[];
    const full = demo.filter((p) => p.onlineLevel === 'full').length + 1;
    const rate31 = Math.round((full / (demo.length + 1)) * 10_000) / 10_000;
    expect(ind('3.1')).toMatchObject({ numerator: full, denominator: demo.length + 1, rate: rate31, score: scoreOf(rate31, 4, 0.8) });
    // 4.1: five approvals carry an electronic result, of six finished; 4.2: A and B also have their components digitised.
    expect(ind('4.1')).toMatchObject({ numerator: 5, denominator: 6, rate: 0.8333, score: 5 });
    expect(ind('4.2')).toMatchObject({ numerator: 2, denominator: 6, rate: 0.3333, score: scoreOf(0.3333, 4, 0.8) });
    // 5.4: 100% − (late 3/7 + unsatisfied 1/6) = 40.48%, full marks at 90%.
    expect(ind('5.4')).toMatchObject({ numerator: 0.4048, rate: 0.4048, score: 2.7 });
    // No fee-bearing dossier paid online; with the (development) gateway on, every fee-bearing procedure is payable online.
    expect(ind('TT.2')).toMatchObject({ numerator: 0, denominator: 0, score: 0 });
    const feeBearing = demo.filter((p) => p.fees.some((f) => f.amount > 0)).length;
    expect(ind('TT.1')).toMatchObject({ numerator: feeBearing, denominator: feeBearing, rate: 1, score: 4 });
    // What the province's data cannot say is said so, with no score.
    for (const code of ['1', '4.4', '5.1']) expect(ind(code)).toMatchObject({ status: 'needs_national_data', score: null });
    // No feedback in this test: 5.2 and 5.3 are computed and, with nothing to judge, score nothing.
    for (const code of ['5.2', '5.3']) expect(ind(code)).toMatchObject({ status: 'computed', numerator: 0, denominator: 0, score: 0 });
    expect(ind('4.3')).toMatchObject({ status: 'not_tracked', score: null });
    // 2.2: monitoring only.
    expect(ind('2.2')).toMatchObject({ status: 'monitoring', score: null });
    const progress = idx.groups.find((g: Json) => g.code === 'progress');
    expect(progress).toMatchObject({ score: 11.43, points: 20, computable: 20 });
    expect(idx.total).toBeCloseTo(idx.indicators.reduce((s: number, i: Json) => s + (i.score ?? 0), 0), 2);

    // Scopes: the commune has it all; an agency and another period have nothing.
    const commune = (await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-01&to=2026-03-31&unit=13285' })).json() as Json;
    expect(commune.counts).toEqual(idx.counts);
    expect(commune.byHandler).toHaveLength(1);
    expect(commune.byHandler[0]).toMatchObject({ unitPath: expect.stringMatching(/13285$/), agencyId: null, received: 6, finished: 6, onTime: 4, late: 3 });
    const stp = (await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-01&to=2026-03-31&agency=STP' })).json() as Json;
    expect(stp.counts.finished).toBe(0);
    // Whole months come from the monthly rollup, partial ones from the daily one: any cut gives the same sums.
    for (const [from, to] of [['2026-03-02', '2026-03-31'], ['2026-02-15', '2026-04-10'], ['2026-01-01', '2026-12-31']]) {
      const cut = (await env.app.inject({ method: 'GET', url: `/api/index-766?from=${from}&to=${to}` })).json() as Json;
      expect(cut.counts, `${from}..${to}`).toEqual(idx.counts);
    }
    const sector = (await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-01&to=2026-03-31&sector=thu-nghiem-766' })).json() as Json;
    expect(sector.counts).toEqual(idx.counts);
    const feb = (await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-02-01&to=2026-02-28' })).json() as Json;
    expect(feb.counts).toMatchObject({ received: 0, finished: 0, openOverdue: 0 });
  });

  it('lists the dossiers behind each operations figure: received, finished, early, on time, late, within the reader\'s scope', async () => {
    const list = async (s: TestSession, query: string) => {
      const r = await env.app.inject({ method: 'GET', url: `/api/dossiers?${query}&limit=200`, headers: s.headers });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: Json[]; total: number };
    };
    const period = 'from=2026-03-01&to=2026-03-31&unit=13285';
    // The history above: A..F received (G was refused before it was received); A..E finished.
    expect((await list(leader, `outcome=received&${period}`)).total).toBe(6);
    expect((await list(leader, `outcome=finished&${period}`)).total).toBe(5);
    // Late: finished after the appointment — C alone (E was late for the 766 index by its two
    // supplement requests, but the figure counts the clock).
    const late = await list(leader, `outcome=late&${period}`);
    expect(late.total).toBe(1);
    const early = await list(leader, `outcome=early&${period}`);
    const onTime = await list(leader, `outcome=on_time&${period}`);
    expect(early.total + onTime.total + late.total).toBe(5);
    expect(onTime.total).toBeGreaterThanOrEqual(1);
    expect(new Set([...early.items, ...onTime.items, ...late.items].map((d) => d.id)).size).toBe(5);
    // Another period, another commune: nothing. The citizen sees only their own, filtered the same way.
    expect((await list(leader, 'outcome=received&from=2026-04-01&to=2026-04-30&unit=13285')).total).toBe(0);
    expect((await list(leader, 'outcome=received&from=2026-03-01&to=2026-03-31&unit=13291')).total).toBe(0);
    expect((await list(citizen, `outcome=late&${period}`)).items.map((d) => d.id)).toEqual(late.items.map((d) => d.id));
    // Bad input names its field.
    for (const [query, field] of [['outcome=late&to=2026-03-31', 'query.from'], ['outcome=late&from=2026-03-31&to=2026-03-01', 'query.to'], ['outcome=late&from=2026-03-01&to=2026-03-31&unit=99999', 'query.unit'], ['outcome=soon', 'querystring.outcome']] as const) {
      const r = await env.app.inject({ method: 'GET', url: `/api/dossiers?${query}`, headers: leader.headers });
      expect(r.statusCode, query).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, query).toBeLessThan(500);
      expect(JSON.stringify(r.json()), query).toContain(field.split('.').pop()!);
    }
  });

  it('refuses a bad period or scope with the field named', async () => {
    const bad = await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-31&to=2026-03-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('query.from');
    const unit = await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-03-01&to=2026-03-31&unit=99999' });
    expect(unit.statusCode).toBe(400);
    expect(unit.json().errors[0].field).toBe('query.unit');
    expect((await env.app.inject({ method: 'GET', url: '/api/index-766?from=2026-02-30&to=2026-03-01' })).statusCode).toBe(400);
  });

  it('applies the scoring rule: rate × points ÷ threshold, capped at the points; nothing to judge scores nothing', () => {
    expect(scoreOf(0.4, 4, 0.8)).toBe(2);
    expect(scoreOf(0.9, 4, 0.8)).toBe(4);
    const none = { received: 0, received_online: 0, full_online_total: 0, full_online_online: 0, finished: 0, finished_on_time: 0, processing_seconds: 0, e_result: 0, digitised: 0, fee_bearing: 0, paid_online: 0, rated: 0, rated_unsatisfied: 0 };
    const empty = indicatorsFrom(none, 0, { total: 0, full_online: 0, fee_bearing: 0 });
    for (const code of ['2.1', '3.2', '4.1', '5.4', 'TT.1']) expect(empty.find((i) => i.code === code), code).toMatchObject({ rate: 0, score: 0 });
    // TT.1 counts the fee-bearing procedures as payable online only while a payment gateway is on.
    const cat = { total: 10, full_online: 5, fee_bearing: 4 };
    expect(indicatorsFrom(none, 0, cat, { onlinePayment: true }).find((i) => i.code === 'TT.1')).toMatchObject({ numerator: 4, denominator: 4, score: 4 });
    expect(indicatorsFrom(none, 0, cat).find((i) => i.code === 'TT.1')).toMatchObject({ numerator: 0, denominator: 4, score: 0 });
  });
});
