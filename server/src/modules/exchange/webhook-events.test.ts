import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { base64url, compactVerify, createLocalJWKSet, decodeProtectedHeader, flattenedVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { documentsModule } from '../documents/index.js';

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
    if (Date.now() > end) throw new Error('condition not met');
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
      res.writeHead(204).end();
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
    expect(JSON.parse(a.body)).toMatchObject({ type: 'petition.answered', data: { reportId: id, kind: 'pakn', state: 'answered' } });

    const published = received.filter((x) => x.path === '/petition.published');
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.body)).toMatchObject({ type: 'petition.published', data: { reportId: id, state: 'published' } });
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
