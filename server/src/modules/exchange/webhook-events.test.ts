import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { base64url, compactVerify, createLocalJWKSet, decodeProtectedHeader, flattenedVerify, type JSONWebKeySet } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { documentsModule } from '../documents/index.js';
import { appendLog } from './exchange-log.js';
import { exchangeModule } from './index.js';

/**
 * Webhooks beyond dossiers: a partner subscribed to petition answers,
 * petition publications and issued documents receives each, from the real
 * feedback and documents flows (a citizen's report answered and published by
 * the commune; a decision drafted, approved, signed and issued by the
 * Department of Justice), only for owners that granted it the scope. JWS
 * deliveries verify with `jose` against the published JWKS, as
 * docs/exchange.md tells partners to; a changed byte does not.
 */

let env: TestEnv;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let admin: TestSession, citizen: TestSession, operator: TestSession, handler: TestSession, phuly: TestSession;
let specialist: TestSession, director: TestSession, clerk: TestSession, stpLeader: TestSession;

interface Received { headers: IncomingHttpHeaders; body: string; path: string }
const received: Received[] = [];
/** The receiver's next answers (then 204): its acknowledgement, or not. */
const answers: number[] = [];
let receiver: Server;
let base: string;

const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });
const call = async (s: TestSession | null, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...(s?.headers ?? {}), ...headers } });
  let body: Json = {};
  try { body = r.json(); } catch { /* not JSON */ }
  return { status: r.statusCode, body, raw: r };
};
const asPartner = (t: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  env.app.inject({ method, url, headers: { authorization: `Bearer ${t}` }, ...(payload ? { payload } : {}) });

async function drainUntil(cond: () => boolean | Promise<boolean>, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    await env.k.outbox.drain();
    if (await cond()) return;
    if (Date.now() > end) {
      const jobs = await sql`SELECT topic, payload, attempts, status, run_at, last_error FROM outbox WHERE topic = 'exchange.webhook.deliver'`.execute(env.k.db);
      const done = await sql`SELECT payload, attempts FROM outbox_done WHERE topic = 'exchange.webhook.deliver' ORDER BY id DESC LIMIT 3`.execute(env.k.db);
      const log = await sql`SELECT status, detail FROM exchange_log WHERE kind = 'delivery' ORDER BY seq DESC LIMIT 3`.execute(env.k.db);
      throw new Error(`condition not met; delivery jobs waiting: ${JSON.stringify(jobs.rows)}; done: ${JSON.stringify(done.rows)}; log: ${JSON.stringify(log.rows)}; received: ${JSON.stringify(received.slice(-3).map((x) => [x.path, x.headers['x-congso-delivery']]))}`);
    }
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** The JWS verification a partner writes, as docs/exchange.md describes it: detached payload, key from the JWKS, time checked. */
async function verifyJws(jwks: JSONWebKeySet, header: string, rawBody: string, toleranceS = 300): Promise<boolean> {
  const [protectedHeader, empty, signature] = header.split('.');
  if (empty !== '' || !protectedHeader || !signature) return false;
  try {
    const { protectedHeader: h } = await flattenedVerify({ protected: protectedHeader, payload: base64url.encode(rawBody), signature }, createLocalJWKSet(jwks), { algorithms: ['ES256'] });
    const iat = h?.iat;
    return typeof iat === 'number' && Math.abs(Date.now() / 1000 - iat) <= toleranceS;
  } catch {
    return false;
  }
}

let accessToken: string;
let reportCode: string;
let firstAnswered: Received;
let jwks: JSONWebKeySet;
const subs: Record<string, Json> = {};

beforeAll(async () => {
  env = await testEnv({ demo: true, env: { EXCHANGE_WEBHOOK_PRIVATE: 'true', FEEDBACK_REPORTS_PER_HOUR: '1000' } });
  // The demo leaders' PKCS#12 files and the agencies' organisation signatures (the documents module's demo seed).
  await documentsModule.seedDemo!(env.k);
  [admin, citizen, operator, handler, phuly, specialist, director, clerk] = await Promise.all([
    login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn'), login(env.app, 'tiepnhan@ninhbinh.gov.vn'),
    login(env.app, 'congchuc.phuly@ninhbinh.gov.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'),
    login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'vanthu.stp@ninhbinh.gov.vn'),
  ]);
  stpLeader = director;
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body, path: req.url ?? '' });
      const status = answers.shift() ?? 204;
      res.writeHead(status, status === 302 ? { location: 'http://example.vn/' } : {}).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  const p = (await call(admin, 'POST', '/api/admin/exchange/partners', {
    memberClass: 'GOV', memberCode: '000.00.00.H40', subsystem: 'LGSP-PAKN', agencyName: 'Văn phòng UBND tỉnh', systemName: 'Nền tảng tích hợp, chia sẻ dữ liệu tỉnh', contactName: 'Trung tâm CNTT', contactEmail: 'lgsp@ninhbinh.gov.vn',
  })).body;
  const t = await env.app.inject({
    method: 'POST', url: '/api/exchange/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: 'petition.read document.read' }).toString(),
  });
  expect(t.statusCode, t.body).toBe(200);
  accessToken = t.json().access_token;
  // The commune grants its petitions; the Department of Justice grants its documents.
  for (const [scope, owner, leader] of [['petition.read', 'UBND-13285', phuly], ['document.read', 'STP', stpLeader]] as const) {
    const g = await asPartner(accessToken, 'POST', '/api/exchange/v1/grants', { scope, ownerAgency: owner, purpose: 'Hiển thị kết quả trả lời và văn bản trên cổng tích hợp của tỉnh' });
    expect(g.statusCode, g.body).toBe(201);
    const d = await call(leader, 'POST', `/api/exchange/grants/${g.json().id}/decision`, { decision: 'grant' });
    expect(d.status, JSON.stringify(d.body)).toBe(200);
  }
  for (const [type, signature] of [['petition.answered', 'jws'], ['petition.published', 'hmac'], ['document.issued', 'jws']] as const) {
    const s = await asPartner(accessToken, 'POST', '/api/exchange/v1/subscriptions', { eventType: type, url: `${base}/${type}`, signature });
    expect(s.statusCode, s.body).toBe(201);
    subs[type] = s.json();
  }
  const k = await env.app.inject({ method: 'GET', url: '/api/exchange/jwks.json' });
  expect(k.statusCode).toBe(200);
  jwks = k.json();
}, 120_000);

afterAll(async () => {
  await env.close();
  await new Promise((r) => receiver.close(r));
});

describe('petition and document webhooks', () => {
  it('a JWS subscription gets no secret, and the JWKS holds public keys only', () => {
    expect(subs['petition.answered']).toMatchObject({ signature: 'jws', jwksUrl: expect.stringMatching(/\/api\/exchange\/jwks\.json$/) });
    expect(subs['petition.answered']!.secret).toBeUndefined();
    expect(subs['petition.published']).toMatchObject({ signature: 'hmac', secret: expect.any(String) });
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(k.d).toBeUndefined();
    }
  });

  it('delivers petition.answered (JWS) and petition.published (HMAC) from the real answer and publication, with no personal data', async () => {
    const r = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'trat_tu_do_thi', title: 'Lấn chiếm lòng đường', body: 'Vật liệu xây dựng đổ tràn lòng đường Trần Hưng Đạo nhiều ngày.', unitCode: '13285',
    }, key());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = r.body.id;
    const act = async (s: TestSession, action: string, body: Json = {}) => {
      const x = await call(s, 'POST', `/api/feedback/reports/${id}/actions/${action}`, body, key());
      expect(x.status, `${action}: ${JSON.stringify(x.body)}`).toBe(200);
    };
    await act(operator, 'classify', { note: 'Đúng địa bàn' });
    await act(operator, 'assign', { assigneeId: handler.user.id });
    await act(handler, 'take');
    await act(handler, 'answer', { answer: 'UBND phường đã yêu cầu chủ công trình thu dọn vật liệu trong ngày 21/11.' });
    await act(operator, 'publish');
    await drainUntil(() => received.some((x) => x.path === '/petition.answered') && received.some((x) => x.path === '/petition.published'));

    const answered = received.filter((x) => x.path === '/petition.answered');
    expect(answered).toHaveLength(1);
    const a = answered[0]!;
    expect(a.headers['x-congso-signature']).toBeUndefined();
    const jws = String(a.headers['x-congso-jws']);
    expect(await verifyJws(jwks, jws, a.body)).toBe(true);
    expect(await verifyJws(jwks, jws, a.body.replace('"answered"', '"published"'))).toBe(false);
    const h = decodeProtectedHeader(`${jws.split('.')[0]}..`);
    expect(h).toMatchObject({ alg: 'ES256', kid: jwks.keys[0]!.kid, 'congso-delivery': a.headers['x-congso-delivery'] });
    // The same check written as a compact JWS with the payload put back.
    const [p, , sig] = jws.split('.');
    await expect(compactVerify(`${p}.${base64url.encode(a.body)}.${sig}`, createLocalJWKSet(jwks))).resolves.toBeTruthy();
    // The public code citizens see (PA-YYYY-NNNNNN), and the internal id kept for compatibility.
    expect(r.body.code).toMatch(/^PA-\d{4}-\d{6}$/);
    expect(JSON.parse(a.body)).toMatchObject({ type: 'petition.answered', data: { reportId: id, code: r.body.code, kind: 'pakn', state: 'answered' } });
    reportCode = r.body.code;
    firstAnswered = a;

    const published = received.filter((x) => x.path === '/petition.published');
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.body)).toMatchObject({ type: 'petition.published', data: { reportId: id, code: r.body.code, state: 'published' } });
    expect(String(published[0]!.headers['x-congso-signature'])).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    for (const x of [...answered, ...published]) {
      for (const secret of ['congdan@example.vn', 'Trần Hưng Đạo', 'Lấn chiếm', citizen.user.name]) expect(x.body).not.toContain(secret);
    }
    const history = (await asPartner(accessToken, 'GET', `/api/exchange/v1/subscriptions/${subs['petition.answered']!.id}/deliveries`)).json().items;
    expect(history).toMatchObject([{ eventType: 'petition.answered', status: 'delivered', lastStatus: 204 }]);
  });

  it('delivers nothing about petitions of an owner that granted nothing', async () => {
    const before = received.length;
    const r = await call(citizen, 'POST', '/api/feedback/reports', {
      categoryCode: 'trat_tu_do_thi', title: 'Đèn đường hỏng', body: 'Đèn đường ngõ 5 hỏng đã một tuần.', unitCode: '13291',
    }, key());
    expect(r.status).toBe(201);
    await env.k.outbox.drain();
    expect(received.length).toBe(before);
  });

  it('delivers document.issued (JWS) when the Department of Justice issues a decision', async () => {
    const pdf = await renderPdf({
      meta: { title: 'Quyết định thử nghiệm', createdAt: new Date('2026-11-20T02:00:00Z') },
      header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số:      /QĐ-STP', placeDate: 'Ninh Bình, ngày      tháng      năm 2026' },
      blocks: [{ kind: 'title', text: 'Quyết định', subtitle: 'Ban hành quy chế trao đổi dữ liệu' }, { kind: 'text', text: 'Nội dung thử nghiệm.' }, { kind: 'signatures', blocks: [{ title: 'GIÁM ĐỐC', name: 'Lê Quang Huy' }] }],
    });
    const d = await call(specialist, 'POST', '/api/documents/outgoing', {
      docType: 'quyet_dinh', summary: 'Ban hành quy chế trao đổi dữ liệu với hệ thống đối tác', recipients: [{ name: 'Lưu: VT' }],
      file: { name: 'du-thao.pdf', data: Buffer.from(pdf).toString('base64') },
    }, key());
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const id = d.body.id;
    expect((await call(specialist, 'POST', `/api/documents/${id}/actions/submit`, {}, key())).status).toBe(200);
    expect((await call(director, 'POST', `/api/documents/${id}/actions/approve`, {}, key())).status).toBe(200);
    const p12 = readFileSync(path.join(env.k.config.dataDir, 'pki', 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12')).toString('base64');
    const signed = await call(director, 'POST', `/api/documents/${id}/sign`, { p12, password: 'congso-dev' }, key());
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const issued = await call(clerk, 'POST', `/api/documents/${id}/issue`, {}, key());
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    await drainUntil(() => received.some((x) => x.path === '/document.issued'));
    const got = received.filter((x) => x.path === '/document.issued');
    expect(got).toHaveLength(1);
    expect(await verifyJws(jwks, String(got[0]!.headers['x-congso-jws']), got[0]!.body)).toBe(true);
    expect(JSON.parse(got[0]!.body)).toMatchObject({
      type: 'document.issued', data: { documentId: id, numberSymbol: issued.body.numberSymbol, issuer: { code: 'STP' } },
    });
  });

  it('the administrator follows subscriptions and deliveries and replays one; nobody else may', async () => {
    const partners = await call(admin, 'GET', '/api/admin/exchange/partners');
    expect(partners.status).toBe(200);
    const p = partners.body.items.find((x: Json) => x.identifier === 'GOV/000.00.00.H40/LGSP-PAKN');
    const subsList = await call(admin, 'GET', `/api/admin/exchange/partners/${p.id}/subscriptions`);
    expect(subsList.body.items.map((x: Json) => x.eventType).sort()).toEqual(['document.issued', 'petition.answered', 'petition.published']);
    expect(JSON.stringify(subsList.body)).not.toContain(subs['petition.published']!.secret);
    const answered = subsList.body.items.find((x: Json) => x.eventType === 'petition.answered');
    expect(answered).toMatchObject({ signature: 'jws', delivered: 1, failing: 0 });
    const history = await call(admin, 'GET', `/api/admin/exchange/subscriptions/${answered.id}/deliveries`);
    expect(history.body.items).toHaveLength(1);
    const before = received.filter((x) => x.path === '/petition.answered').length;
    for (const s of [phuly, citizen, director]) {
      expect((await call(s, 'GET', '/api/admin/exchange/partners')).status).toBe(403);
      expect((await call(s, 'POST', `/api/admin/exchange/deliveries/${history.body.items[0].id}/replay`, {})).status).toBe(403);
    }
    expect((await call(null, 'GET', `/api/admin/exchange/subscriptions/${answered.id}/deliveries`)).status).toBe(401);
    expect((await call(admin, 'POST', `/api/admin/exchange/deliveries/${randomUUID()}/replay`, {})).status).toBe(404);
    const replay = await call(admin, 'POST', `/api/admin/exchange/deliveries/${history.body.items[0].id}/replay`, {});
    expect(replay.status).toBe(202);
    await drainUntil(() => received.filter((x) => x.path === '/petition.answered').length === before + 1);
    const again = received.filter((x) => x.path === '/petition.answered').at(-1)!;
    expect(again.headers['x-congso-delivery']).toBe(history.body.items[0].id);
    expect(await verifyJws(jwks, String(again.headers['x-congso-jws']), again.body)).toBe(true);
  });

  it('a token without the scope cannot subscribe to these events', async () => {
    const p = (await call(admin, 'POST', '/api/admin/exchange/partners', {
      memberClass: 'GOV', memberCode: '000.00.00.H41', subsystem: 'KHAC', agencyName: 'Sở khác', systemName: 'Hệ thống khác', contactName: 'CNTT', contactEmail: 'khac@ninhbinh.gov.vn',
    })).body;
    const t = (await env.app.inject({
      method: 'POST', url: '/api/exchange/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: 'dossier.status.read' }).toString(),
    })).json().access_token;
    const s = await asPartner(t, 'POST', '/api/exchange/v1/subscriptions', { eventType: 'document.issued', url: `${base}/x`, signature: 'jws' });
    expect(s.statusCode).toBe(403);
    const bad = await asPartner(t, 'POST', '/api/exchange/v1/subscriptions', { eventType: 'dossier.state_changed', url: `${base}/x`, signature: 'rsa' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.signature');
  });
});

describe('acknowledgements and replays: one effect each', () => {
  // Our protocol's acknowledgement is the receiver's 2xx answer to a POST carrying X-Congso-Delivery; there is no
  // acknowledgement endpoint. What a partner can repeat is the replay request (POST /api/exchange/v1/deliveries/{id}/replay).
  let answeredId: string;
  let publishedId: string;
  let usedKey: string;
  const sentTo = (id: string) => received.filter((x) => x.headers['x-congso-delivery'] === id).length;
  const history = async (type: string) => (await asPartner(accessToken, 'GET', `/api/exchange/v1/subscriptions/${subs[type]!.id}/deliveries`)).json().items as Json[];
  const replayAs = (t: string, id: string, idemKey?: string) =>
    env.app.inject({ method: 'POST', url: `/api/exchange/v1/deliveries/${id}/replay`, payload: {}, headers: { authorization: `Bearer ${t}`, ...(idemKey ? { 'idempotency-key': idemKey } : {}) } });

  beforeAll(async () => {
    answeredId = (await history('petition.answered'))[0]!.id;
    publishedId = (await history('petition.published'))[0]!.id;
  });

  it('a replay request repeated with the same Idempotency-Key sends once and answers alike', async () => {
    await env.k.outbox.drain();
    const before = (await history('petition.answered'))[0]!;
    const sent = sentTo(answeredId);
    const key = `replay-${randomUUID()}`;
    usedKey = key;
    const first = await replayAs(accessToken, answeredId, key);
    expect(first.statusCode, first.body).toBe(202);
    expect(first.json()).toMatchObject({ id: answeredId, queued: true, duplicate: false, replayPending: true, replays: before.replays + 1 });
    const again = await replayAs(accessToken, answeredId, key);
    expect(again.statusCode, again.body).toBe(202);
    expect(again.json()).toMatchObject({ id: answeredId, queued: false, duplicate: true, replays: before.replays + 1 });
    await drainUntil(() => sentTo(answeredId) === sent + 1);
    // The same key, after the replay went out: still the first answer, nothing sent.
    const late = await replayAs(accessToken, answeredId, key);
    expect(late.json()).toMatchObject({ queued: false, duplicate: true, replays: before.replays + 1, replayPending: false });
    await env.k.outbox.drain();
    expect(sentTo(answeredId)).toBe(sent + 1);
    const after = (await history('petition.answered'))[0]!;
    expect(after).toMatchObject({ status: 'delivered', deliveredAt: before.deliveredAt, replays: before.replays + 1, replayPending: false, lastStatus: 204 });
    expect(after.lastReplayedAt).not.toBeNull();
    // The same key for another delivery is refused, naming nothing of the first.
    const other = await replayAs(accessToken, publishedId, key);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    expect(other.headers['content-type']).toContain('application/problem+json');
    const bad = await replayAs(accessToken, answeredId, 'x');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'headers.idempotency-key' });
    expect(bad.json().errors[0].message).toContain('Khóa chống lặp');
    await env.k.outbox.drain();
    expect(sentTo(answeredId)).toBe(sent + 1);
    expect(sentTo(publishedId)).toBe(1);
  });

  it('without a key, a replay request repeated while one waits queues nothing more', async () => {
    await env.k.outbox.drain();
    const sent = sentTo(publishedId);
    const a = await replayAs(accessToken, publishedId);
    const b = await replayAs(accessToken, publishedId);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    expect([a.json().queued, b.json().queued]).toEqual([true, false]);
    await drainUntil(() => sentTo(publishedId) === sent + 1);
    await env.k.outbox.drain();
    expect(sentTo(publishedId)).toBe(sent + 1);
    // Once it went out, a new request is a new replay.
    expect((await replayAs(accessToken, publishedId)).json().queued).toBe(true);
    await drainUntil(() => sentTo(publishedId) === sent + 2);
  });

  it('an acknowledged delivery stays acknowledged: a repeated job sends nothing, a failed replay rewrites no history', async () => {
    await env.k.outbox.drain();
    const before = (await history('petition.answered'))[0]!;
    const sent = sentTo(answeredId);
    // The delivery job once more (an outbox re-run): acknowledged already, nothing is sent or changed.
    await env.k.outbox.enqueue(env.k.db, 'exchange.webhook.deliver', { deliveryId: answeredId });
    await env.k.outbox.drain();
    expect(sentTo(answeredId)).toBe(sent);
    expect((await history('petition.answered'))[0]).toMatchObject({ attempts: before.attempts, status: 'delivered', deliveredAt: before.deliveredAt });
    // A replay the receiver does not acknowledge: retried, but the delivery stays delivered, first acknowledged when it was.
    answers.push(500);
    expect((await replayAs(accessToken, answeredId)).json().queued).toBe(true);
    // One round of the outbox at a time, to see the state between the failed send and its retry.
    const end = Date.now() + 8000;
    while (sentTo(answeredId) < sent + 1) {
      await env.k.outbox.runOnce();
      if (Date.now() > end) throw new Error('the replay was not sent');
    }
    const failed = (await history('petition.answered'))[0]!;
    expect(failed).toMatchObject({ status: 'delivered', deliveredAt: before.deliveredAt, lastStatus: 500, lastError: 'HTTP 500', replayPending: true });
    // While that replay is being retried, another request queues nothing more.
    expect((await replayAs(accessToken, answeredId)).json()).toMatchObject({ queued: false, duplicate: false });
    await drainUntil(() => sentTo(answeredId) >= sent + 2);
    await env.k.outbox.drain();
    expect(sentTo(answeredId)).toBe(sent + 2);
    expect((await history('petition.answered'))[0]).toMatchObject({ status: 'delivered', deliveredAt: before.deliveredAt, lastStatus: 204, lastError: null, replayPending: false });
    // A replay never acknowledged, out of its 8 attempts: still delivered, and the partner may ask again.
    answers.push(...Array<number>(8).fill(503));
    expect((await replayAs(accessToken, answeredId)).json().queued).toBe(true);
    await drainUntil(async () => sentTo(answeredId) >= sent + 10 && !(await history('petition.answered'))[0]!.replayPending);
    expect(sentTo(answeredId)).toBe(sent + 10);
    expect((await history('petition.answered'))[0]).toMatchObject({ status: 'delivered', deliveredAt: before.deliveredAt, lastStatus: 503, replayPending: false });
    expect((await replayAs(accessToken, answeredId)).json().queued).toBe(true);
    await drainUntil(() => sentTo(answeredId) === sent + 11);
    // The exchange log keeps every send, the failed ones too, marked as replays.
    const log = await sql<{ status: number; replay: boolean }>`SELECT status, (detail->>'replay')::boolean AS replay FROM exchange_log WHERE detail->>'delivery' = ${answeredId} ORDER BY seq`.execute(env.k.db);
    expect(log.rows.length).toBe(sent + 11);
    expect(log.rows.slice(-11).map((r) => r.status)).toEqual([500, 204, ...Array<number>(8).fill(503), 204]);
    expect(log.rows.slice(-11).every((r) => r.replay)).toBe(true);
  });

  it('another partner replaying this delivery is told it does not exist, with or without the same key, and nothing is sent', async () => {
    const p = (await call(admin, 'POST', '/api/admin/exchange/partners', {
      memberClass: 'GOV', memberCode: '000.00.00.H42', subsystem: 'TRUNG-GIAN', agencyName: 'Sở khác nữa', systemName: 'Hệ thống trung gian', contactName: 'CNTT', contactEmail: 'tg@ninhbinh.gov.vn',
    })).body;
    const t = (await env.app.inject({
      method: 'POST', url: '/api/exchange/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: 'petition.read' }).toString(),
    })).json().access_token;
    await env.k.outbox.drain();
    const sent = sentTo(answeredId);
    const before = (await history('petition.answered'))[0]!;
    // The very key the owner used: keys are per partner, so this is not a repeat of the owner's request.
    const theirs = await replayAs(t, answeredId, usedKey);
    const none = await replayAs(t, randomUUID());
    expect(theirs.statusCode).toBe(404);
    expect(none.statusCode).toBe(404);
    expect(theirs.json().code).toBe('EXCHANGE_DELIVERY_NOT_FOUND');
    expect(theirs.json().title).toBe(none.json().title);
    for (const leak of [reportCode, 'petition.answered', 'LGSP-PAKN', subs['petition.answered']!.url]) expect(theirs.body).not.toContain(leak);
    expect((await replayAs(t, answeredId)).statusCode).toBe(404);
    await env.k.outbox.drain();
    expect(sentTo(answeredId)).toBe(sent);
    expect((await history('petition.answered'))[0]).toMatchObject({ replays: before.replays, attempts: before.attempts });
    // Without a token, or with a forged one: 401.
    expect((await env.app.inject({ method: 'POST', url: `/api/exchange/v1/deliveries/${answeredId}/replay`, payload: {} })).statusCode).toBe(401);
    expect((await replayAs('F'.repeat(43), answeredId)).statusCode).toBe(401);
  });

  it('the administrator\'s replay is idempotent too, and audited once', async () => {
    await env.k.outbox.drain();
    const sent = sentTo(publishedId);
    const key = `admin-${randomUUID()}`;
    const a = await call(admin, 'POST', `/api/admin/exchange/deliveries/${publishedId}/replay`, {}, { 'idempotency-key': key });
    const b = await call(admin, 'POST', `/api/admin/exchange/deliveries/${publishedId}/replay`, {}, { 'idempotency-key': key });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect([a.body.queued, b.body.duplicate]).toEqual([true, true]);
    await drainUntil(() => sentTo(publishedId) === sent + 1);
    await env.k.outbox.drain();
    expect(sentTo(publishedId)).toBe(sent + 1);
    const audited = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE action = 'exchange.delivery.replay' AND entity_id = ${publishedId}`.execute(env.k.db);
    expect(audited.rows[0]!.n).toBe(1);
  });
});

describe('JWS key rotation', () => {
  it('`congso exchange jws rotate` makes a new signing key; the JWKS publishes both for the overlap, then the new one only', async () => {
    const cmd = exchangeModule.commands!['exchange jws rotate']!;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await cmd.run(env.k, ['--now'])).toBe(2);
      const oldKid = jwks.keys.find((k) => k.kid === decodeProtectedHeader(`${String(firstAnswered.headers['x-congso-jws']).split('.')[0]}..`).kid)!.kid!;
      expect(await cmd.run(env.k, [])).toBe(0);
      const printed = log.mock.calls.map((c) => String(c[0])).join('\n');
      const newKid = /new signing key: (\S+)/.exec(printed)![1]!;
      expect(newKid).not.toBe(oldKid);
      expect(printed).toContain(`previous key ${oldKid} stays in /api/exchange/jwks.json until`);
      const after = (await env.app.inject({ method: 'GET', url: '/api/exchange/jwks.json' })).json() as JSONWebKeySet;
      expect(after.keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
      for (const k of after.keys) expect(k.d).toBeUndefined();
      // What was signed with the previous key still verifies against the published set.
      expect(await verifyJws(after, String(firstAnswered.headers['x-congso-jws']), firstAnswered.body, 86_400)).toBe(true);
      // New deliveries are signed with the new key.
      const answeredId = (await (await asPartner(accessToken, 'GET', `/api/exchange/v1/subscriptions/${subs['petition.answered']!.id}/deliveries`)).json()).items[0].id;
      const n = received.length;
      await env.k.outbox.drain();
      expect((await asPartner(accessToken, 'POST', `/api/exchange/v1/deliveries/${answeredId}/replay`, {})).statusCode).toBe(202);
      await drainUntil(() => received.length === n + 1);
      const jws = String(received.at(-1)!.headers['x-congso-jws']);
      expect(decodeProtectedHeader(`${jws.split('.')[0]}..`).kid).toBe(newKid);
      expect(await verifyJws(after, jws, received.at(-1)!.body)).toBe(true);
      expect(await verifyJws({ keys: after.keys.filter((k) => k.kid === oldKid) }, jws, received.at(-1)!.body)).toBe(false);
      // After the overlap the previous key leaves the JWKS.
      await sql`UPDATE exchange_signing_key SET retired_at = now() - interval '8 days' WHERE kid = ${oldKid}`.execute(env.k.db);
      const later = (await env.app.inject({ method: 'GET', url: '/api/exchange/jwks.json' })).json() as JSONWebKeySet;
      expect(later.keys.map((k) => k.kid)).toEqual([newKid]);
      jwks = later;
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
});

describe('exchange figures per partner and period', () => {
  it('counts volume, errors (anything but a 2xx) and latency over Vietnamese days', async () => {
    const p = (await call(admin, 'GET', '/api/admin/exchange/partners')).body.items.find((x: Json) => x.identifier === 'GOV/000.00.00.H40/LGSP-PAKN');
    // A receiver answering with a redirect has not acknowledged: an error, retried.
    answers.push(302);
    const publishedId = (await (await asPartner(accessToken, 'GET', `/api/exchange/v1/subscriptions/${subs['petition.published']!.id}/deliveries`)).json()).items[0].id;
    await env.k.outbox.drain();
    const n = received.length;
    await asPartner(accessToken, 'POST', `/api/exchange/v1/deliveries/${publishedId}/replay`, {});
    // The 302, then the retry acknowledged.
    await drainUntil(() => received.length >= n + 2);
    // Entries on both sides of a Vietnamese midnight (2026-01-01 23:59:59 and 2026-01-02 00:00 in UTC+7).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-01-01T16:59:59.500Z'));
      await appendLog(env.k, { partnerId: p.id, kind: 'call', operation: 'test.before', status: 200, durationMs: 10 });
      await appendLog(env.k, { partnerId: p.id, kind: 'call', operation: 'test.before', status: 403, durationMs: 30 });
      vi.setSystemTime(new Date('2026-01-01T17:00:00.000Z'));
      await appendLog(env.k, { partnerId: p.id, kind: 'call', operation: 'test.after', status: 200, durationMs: 50 });
    } finally {
      vi.useRealTimers();
    }
    const figures = async (from: string, to: string) => {
      const r = await call(admin, 'GET', `/api/admin/exchange/figures?from=${from}&to=${to}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return (r.body.items as Json[]).filter((f) => f.partnerId === p.id);
    };
    expect(await figures('2026-01-01', '2026-01-01')).toEqual([{ partnerId: p.id, kind: 'call', total: 2, errors: 1, avgMs: 20, p95Ms: 29 }]);
    expect(await figures('2026-01-02', '2026-01-02')).toEqual([{ partnerId: p.id, kind: 'call', total: 1, errors: 0, avgMs: 50, p95Ms: 50 }]);
    expect(await figures('2026-01-01', '2026-01-02')).toEqual([{ partnerId: p.id, kind: 'call', total: 3, errors: 1, avgMs: 30, p95Ms: 48 }]);
    expect(await figures('2025-12-01', '2025-12-31')).toEqual([]);
    // Today: the figures equal the log's own counts, a 302 and a 500 counted as errors.
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    const mine = await figures(today, today);
    const counts = await sql<{ kind: string; n: number; e: number }>`
      SELECT kind, count(*)::int AS n, count(*) FILTER (WHERE status NOT BETWEEN 200 AND 299)::int AS e FROM exchange_log
       WHERE partner_id = ${p.id} AND at >= ${new Date(`${today}T00:00:00+07:00`)} GROUP BY kind`.execute(env.k.db);
    expect(Object.fromEntries(mine.map((f) => [f.kind, [f.total, f.errors]]))).toEqual(Object.fromEntries(counts.rows.map((c) => [c.kind, [c.n, c.e]])));
    const deliveries = mine.find((f) => f.kind === 'delivery')!;
    const statuses = await sql<{ status: number }>`SELECT status FROM exchange_log WHERE partner_id = ${p.id} AND kind = 'delivery' AND status IN (302, 500)`.execute(env.k.db);
    expect(statuses.rows.map((r) => r.status).sort()).toEqual([302, 500]);
    expect(deliveries.errors).toBeGreaterThanOrEqual(2);
    // Bad periods: a 400 naming the field, in Vietnamese; only the administrator may ask.
    const backwards = await call(admin, 'GET', '/api/admin/exchange/figures?from=2026-01-02&to=2026-01-01');
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0]).toMatchObject({ field: 'querystring.to', message: 'Ngày kết thúc phải không trước ngày bắt đầu' });
    expect((await call(admin, 'GET', '/api/admin/exchange/figures?from=2024-01-01&to=2026-01-01')).body.errors[0].field).toBe('querystring.to');
    expect((await call(admin, 'GET', '/api/admin/exchange/figures?from=2026-02-30&to=2026-03-01')).body.errors[0].field).toBe('querystring.from');
    for (const s of [phuly, citizen]) expect((await call(s, 'GET', `/api/admin/exchange/figures?from=${today}&to=${today}`)).status).toBe(403);
    expect((await call(null, 'GET', `/api/admin/exchange/figures?from=${today}&to=${today}`)).status).toBe(401);
  });
});
