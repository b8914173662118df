import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * A partner system end to end: registered by the administrator, a token by
 * client credentials, refused before the data owner's grant and served after
 * it; a webhook to a real HTTP receiver on loopback, signed and verified the
 * way docs/exchange.md tells partners to, failing once and retried; the
 * exchange log verified and caught when tampered with.
 */

let env: TestEnv;
let admin: TestSession;
let citizen: TestSession;
let leader: TestSession;
let stpLeader: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURE = {
  code: '9.071001', name: 'Thủ tục thử nghiệm trao đổi dữ liệu', sector: { code: 'thu-nghiem-tddl', name: 'Thử nghiệm' }, level: 'commune', agencyCode: null,
  agencyKind: 'commune_committee', steps: ['Nộp', 'Giải quyết', 'Trả'], methods: ['online', 'desk'],
  components: [{ key: 'don', name: 'Đơn', required: true, copies: { original: 1, copy: 0 }, form: { type: 'object', required: ['noi_dung'], properties: { noi_dung: { type: 'string', title: 'Nội dung' } } }, attachment: null }],
  timeLimit: { days: 2 }, fees: [], applicants: ['citizen'], result: 'Văn bản', legalBasis: ['Thử nghiệm'], onlineLevel: 'full',
};

// ——— A real receiver ———
interface Received { headers: IncomingHttpHeaders; body: string }
const received: Received[] = [];
let failNext = 0;
let receiver: Server;
let receiverUrl: string;

/** The verification a partner writes, as docs/exchange.md describes it. */
function verify(secret: string, header: string, rawBody: string, toleranceS = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function fileDossier(unitCode: string): Promise<Json> {
  const d = (await env.app.inject({ method: 'POST', url: '/api/dossier-drafts', payload: { procedureCode: FIXTURE.code, unitCode }, headers: citizen.headers })).json();
  await env.app.inject({ method: 'PUT', url: `/api/dossier-drafts/${d.id}`, payload: { version: d.version, applicant: { name: 'Nguyễn Văn An' }, forms: { don: { noi_dung: 'Đề nghị' } } }, headers: citizen.headers });
  const r = await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${d.id}/submit`, payload: {}, headers: { ...citizen.headers, 'idempotency-key': `k-${randomUUID()}` } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

const token = async (clientId: string, clientSecret: string, scope = 'dossier.status.read') =>
  env.app.inject({ method: 'POST', url: '/api/exchange/oauth/token', payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const asPartner = (t: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  env.app.inject({ method, url, headers: { authorization: `Bearer ${t}` }, ...(payload ? { payload } : {}) });

async function drainUntil(cond: () => Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    await env.k.outbox.drain();
    if (await cond()) return;
    if (Date.now() > end) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 30));
  }
}

let partner: Json;
let accessToken: string;
let deliveredCount = 0;

beforeAll(async () => {
  // The test's webhook receiver listens on 127.0.0.1: allowed here only (EXCHANGE_WEBHOOK_PRIVATE), refused by default.
  env = await testEnv({ demo: true, env: { EXCHANGE_WEBHOOK_PRIVATE: 'true' } });
  [admin, citizen, leader, stpLeader] = await Promise.all([
    login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
  ]);
  expect((await env.app.inject({ method: 'PUT', url: `/api/admin/procedures/${FIXTURE.code}`, payload: FIXTURE, headers: admin.headers })).statusCode).toBe(200);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end('busy');
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/congso`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
  await env.close();
});

describe('partner registry and tokens', () => {
  it('lets only the administrator register a partner; the secret is shown once and stored hashed', async () => {
    const body = { memberClass: 'GOV', memberCode: '000.00.37.H40', subsystem: 'LGSP-DAT-DAI', agencyName: 'Sở Nông nghiệp và Môi trường', systemName: 'Hệ thống thông tin đất đai', contactName: 'Phòng CNTT', contactEmail: 'cntt@snnmt.ninhbinh.gov.vn' };
    expect((await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body })).statusCode).toBe(401);
    expect((await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body, headers: citizen.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body, headers: leader.headers })).statusCode).toBe(403);
    const bad = await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: { ...body, memberClass: 'gov', contactEmail: 'x' }, headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: Json) => e.field).sort()).toEqual(['body.contactEmail', 'body.memberClass']);
    expect(bad.json().errors.find((e: Json) => e.field === 'body.memberClass').message).toContain('Lớp thành viên');
    const r = await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body, headers: admin.headers });
    expect(r.statusCode, r.body).toBe(201);
    partner = r.json();
    expect(partner.clientId).toBe('GOV/000.00.37.H40/LGSP-DAT-DAI');
    expect(partner.partner.identifier).toBe(partner.clientId);
    const stored = await sql<{ h: Buffer }>`SELECT secret_hash AS h FROM exchange_partner WHERE id = ${partner.partner.id}`.execute(env.k.db);
    expect(stored.rows[0]!.h.toString('utf8')).not.toContain(partner.clientSecret);
    const again = await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: body, headers: admin.headers });
    expect(again.statusCode).toBe(400);
    expect(again.json().errors[0].field).toBe('body.subsystem');
  });

  it('issues short-lived bearer tokens by client credentials, with RFC 6749 errors', async () => {
    const ok = await token(partner.clientId, partner.clientSecret);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'dossier.status.read' });
    expect(ok.headers['cache-control']).toBe('no-store');
    accessToken = ok.json().access_token;
    const basic = await env.app.inject({ method: 'POST', url: '/api/exchange/oauth/token', payload: { grant_type: 'client_credentials' }, headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(partner.clientId)}:${partner.clientSecret}`).toString('base64')}` } });
    expect(basic.statusCode, basic.body).toBe(200);
    const wrong = await token(partner.clientId, `${partner.clientSecret.slice(0, -2)}xx`);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_client', error_description: 'Sai client_id hoặc client_secret' });
    expect((await token('GOV/khong/co', 'x')).json().error).toBe('invalid_client');
    expect((await token(partner.clientId, partner.clientSecret, 'dossier.status.read admin.all')).json()).toMatchObject({ error: 'invalid_scope' });
    const grantType = await env.app.inject({ method: 'POST', url: '/api/exchange/oauth/token', payload: { grant_type: 'password', client_id: partner.clientId, client_secret: partner.clientSecret } });
    expect(grantType.statusCode).toBe(400);
    expect(grantType.json().error).toBe('unsupported_grant_type');
    const missing = await env.app.inject({ method: 'POST', url: '/api/exchange/oauth/token', payload: {} });
    expect(missing.json()).toMatchObject({ error: 'invalid_request' });
    expect(missing.json().error_description).toContain('grant_type');
    const stored = await sql<{ n: number }>`SELECT count(*)::int AS n FROM exchange_token WHERE token_hash = decode(${accessToken}, 'escape')`.execute(env.k.db);
    expect(stored.rows[0]!.n).toBe(0);
  });
});

describe('grants and the partner API', () => {
  let dossierA: Json;
  let dossierB: Json;
  let grantId: string;
  let subscription: Json;

  it('refuses a partner before the data owner grants access, and forged or expired tokens', async () => {
    dossierA = await fileDossier('13285');
    const before = await asPartner(accessToken, 'GET', `/api/exchange/v1/dossiers/${dossierA.code}`);
    expect(before.statusCode).toBe(403);
    expect(before.json()).toMatchObject({ code: 'EXCHANGE_SCOPE_NOT_GRANTED' });
    expect(before.json().detail).toContain('dossier.status.read');
    expect(before.body).not.toContain('Nguyễn Văn An');
    const forged = await asPartner('A'.repeat(43), 'GET', `/api/exchange/v1/dossiers/${dossierA.code}`);
    expect(forged.statusCode).toBe(401);
    expect(forged.headers['www-authenticate']).toContain('invalid_token');
    expect((await env.app.inject({ method: 'GET', url: `/api/exchange/v1/dossiers/${dossierA.code}` })).statusCode).toBe(401);
    const short = (await token(partner.clientId, partner.clientSecret)).json().access_token;
    await sql`UPDATE exchange_token SET expires_at = now() - interval '1 second' WHERE created_at = (SELECT max(created_at) FROM exchange_token)`.execute(env.k.db);
    expect((await asPartner(short, 'GET', `/api/exchange/v1/dossiers/${dossierA.code}`)).statusCode).toBe(401);
    // A session cookie is not a partner token.
    expect((await env.app.inject({ method: 'GET', url: `/api/exchange/v1/dossiers/${dossierA.code}`, headers: admin.headers })).statusCode).toBe(401);
  });

  it('a partner asks the owner; the owner answers within 2 working days (due date from the calendar), or refuses with reasons', async () => {
    const bad = await asPartner(accessToken, 'POST', '/api/exchange/v1/grants', { scope: 'dossier.all', ownerAgency: 'UBND-13285', purpose: 'ngắn' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: Json) => e.field).sort()).toEqual(['body.purpose', 'body.scope']);
    const nope = await asPartner(accessToken, 'POST', '/api/exchange/v1/grants', { scope: 'dossier.status.read', ownerAgency: 'KHONGCO', purpose: 'Đồng bộ trạng thái hồ sơ đất đai' });
    expect(nope.json().errors[0]).toMatchObject({ field: 'body.ownerAgency', message: 'Không có cơ quan mã KHONGCO' });
    const r = await asPartner(accessToken, 'POST', '/api/exchange/v1/grants', { scope: 'dossier.status.read', ownerAgency: 'UBND-13285', purpose: 'Đồng bộ trạng thái hồ sơ đất đai' });
    expect(r.statusCode, r.body).toBe(201);
    const g = r.json();
    grantId = g.id;
    expect(g).toMatchObject({ status: 'pending', scope: 'dossier.status.read', ownerAgency: { code: 'UBND-13285' } });
    const due = await env.k.calendar.appointment(new Date(g.requestedAt), { days: 2 });
    expect(g.dueAt).toBe(due.dueAt.toISOString());
    expect((await asPartner(accessToken, 'POST', '/api/exchange/v1/grants', { scope: 'dossier.status.read', ownerAgency: 'UBND-13285', purpose: 'Đồng bộ trạng thái hồ sơ đất đai' })).statusCode).toBe(409);
    // The owner's clock: a reminder after one working day, the overdue warning at the due time.
    const clock = await sql<{ stage: string; run_at: Date }>`SELECT payload->>'stage' AS stage, run_at FROM outbox WHERE topic = 'exchange.grant.clock' AND payload->>'grantId' = ${grantId} ORDER BY run_at`.execute(env.k.db);
    const remindAt = await env.k.calendar.appointment(new Date(g.requestedAt), { days: 1 });
    expect(clock.rows.map((c) => [c.stage, c.run_at.toISOString()])).toEqual([['remind', remindAt.dueAt.toISOString()], ['overdue', g.dueAt]]);
    await sql`UPDATE outbox SET run_at = now() WHERE topic = 'exchange.grant.clock' AND payload->>'stage' = 'remind'`.execute(env.k.db);
    await env.k.outbox.drain();
    const mails = async () => (await sql<{ p: Json }>`SELECT payload AS p FROM outbox WHERE topic = 'mail.send' UNION ALL SELECT payload FROM outbox_done WHERE topic = 'mail.send'`.execute(env.k.db)).rows.map((r) => r.p).filter((p) => String(p.subject).includes('khai thác dữ liệu'));
    const reminder = await mails();
    expect(reminder).toHaveLength(1);
    expect(reminder[0]!.subject).toMatch(/^Nhắc việc/);
    expect(reminder[0]!.to).toContain('phuly@ninhbinh.gov.vn');
    expect(reminder[0]!.to).not.toContain('giamdoc.stp@ninhbinh.gov.vn');
    // The owner's leaders see the request with its due date; another agency's leader does not; the partner sees its own.
    const list = (s: TestSession) => env.app.inject({ method: 'GET', url: '/api/exchange/grants?status=pending', headers: s.headers });
    expect((await list(leader)).json().items.map((x: Json) => x.id)).toContain(grantId);
    expect((await list(leader)).json().items[0].partner.identifier).toBe(partner.clientId);
    expect((await list(stpLeader)).json().items.map((x: Json) => x.id)).not.toContain(grantId);
    expect((await list(citizen)).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'GET', url: '/api/exchange/grants?status=maybe', headers: leader.headers })).json().errors[0].field).toBe('querystring.status');
    expect((await asPartner(accessToken, 'GET', '/api/exchange/v1/grants')).json().items).toMatchObject([{ id: grantId, status: 'pending' }]);

    const decide = (s: TestSession, body: object) => env.app.inject({ method: 'POST', url: `/api/exchange/grants/${grantId}/decision`, payload: body, headers: s.headers });
    expect((await decide(citizen, { decision: 'grant' })).statusCode).toBe(403);
    // Another agency's leader is not the owner.
    expect((await decide(stpLeader, { decision: 'grant' })).statusCode).toBe(403);
    const noReason = await decide(leader, { decision: 'refuse', reason: 'không' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0]).toMatchObject({ field: 'body.reason' });
    const granted = await decide(leader, { decision: 'grant' });
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json().status).toBe('granted');
    expect((await decide(leader, { decision: 'refuse', reason: 'Đổi ý sau khi đã cấp quyền' })).statusCode).toBe(409);
    // Answered: the overdue warning finds nothing to warn about.
    await sql`UPDATE outbox SET run_at = now() WHERE topic = 'exchange.grant.clock'`.execute(env.k.db);
    await env.k.outbox.drain();
    expect(await mails()).toHaveLength(1);
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity = 'exchange_grant' AND entity_id = ${grantId} ORDER BY seq`.execute(env.k.db);
    expect(audit.rows.map((a) => a.action)).toEqual(['exchange.grant.request', 'exchange.grant.grant']);
  });

  it('serves the partner after the grant, only for dossiers the owner holds', async () => {
    const r = await asPartner(accessToken, 'GET', `/api/exchange/v1/dossiers/${dossierA.code}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ code: dossierA.code, procedureCode: FIXTURE.code, state: dossierA.state });
    expect(r.body).not.toContain('Nguyễn Văn An');
    // A dossier of another commune is beyond the grant, and looks exactly like one that does not exist.
    dossierB = await fileDossier('13291');
    const beyond = await asPartner(accessToken, 'GET', `/api/exchange/v1/dossiers/${dossierB.code}`);
    const unknown = await asPartner(accessToken, 'GET', '/api/exchange/v1/dossiers/KHONG-CO-HO-SO');
    expect(beyond.statusCode).toBe(403);
    expect(unknown.statusCode).toBe(403);
    expect(beyond.json().detail).toBe(unknown.json().detail);
    // A token without the scope is refused even with the grant.
    const scopeless = (await token(partner.clientId, partner.clientSecret, '')).json().access_token;
    expect((await asPartner(scopeless, 'GET', `/api/exchange/v1/dossiers/${dossierA.code}`)).statusCode).toBe(403);
    expect((await asPartner(accessToken, 'GET', '/api/exchange/v1/dossiers/x;drop')).statusCode).toBe(400);
  });

  it('delivers a signed webhook to a real receiver, retries a failure, keeps the history and replays', async () => {
    const bad = await asPartner(accessToken, 'POST', '/api/exchange/v1/subscriptions', { eventType: 'dossier.state_changed', url: 'ftp://example.vn/x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.url');
    // Events already out (the filings above) go to the subscribers known when the fan-out runs: clear them first.
    await env.k.outbox.drain();
    const s = await asPartner(accessToken, 'POST', '/api/exchange/v1/subscriptions', { eventType: 'dossier.state_changed', url: receiverUrl });
    expect(s.statusCode, s.body).toBe(201);
    subscription = s.json();
    received.length = 0;
    failNext = 1;
    // The commune receives dossier A (covered by the grant); dossier B's commune is not.
    const act = await env.app.inject({ method: 'POST', url: `/api/dossiers/${dossierA.id}/actions/receive`, payload: {}, headers: { ...leader.headers, 'idempotency-key': `k-${randomUUID()}` } });
    expect(act.statusCode, act.body).toBeLessThan(300);
    await fileDossier('13291');
    const history = async () => (await asPartner(accessToken, 'GET', `/api/exchange/v1/subscriptions/${subscription.id}/deliveries`)).json().items as Json[];
    await drainUntil(async () => { const h = await history(); return h.length > 0 && h.every((d) => d.status === 'delivered'); });
    const items = await history();
    // Receiving may move the dossier more than once (each move is an event); every delivery is about dossier A, none about B.
    expect(items.length).toBeGreaterThanOrEqual(1);
    expect(received).toHaveLength(items.length + 1);
    expect(items.reduce((a, d) => a + d.attempts, 0)).toBe(received.length);
    const retried = items.find((d) => d.attempts === 2)!;
    expect(retried).toMatchObject({ eventType: 'dossier.state_changed', status: 'delivered', lastStatus: 204, lastError: null });
    const tries = received.filter((r) => r.headers['x-congso-delivery'] === retried.id);
    expect(tries).toHaveLength(2);
    for (const r of received) {
      expect(verify(subscription.secret, String(r.headers['x-congso-signature']), r.body)).toBe(true);
      // The signature covers the body: a changed byte fails; so does another key.
      expect(verify(subscription.secret, String(r.headers['x-congso-signature']), r.body.replace('"to"', '"To"'))).toBe(false);
      expect(verify('another-secret', String(r.headers['x-congso-signature']), r.body)).toBe(false);
      expect(JSON.parse(r.body).data.code).toBe(dossierA.code);
      expect(r.body).not.toContain('Nguyễn Văn An');
    }
    const second = tries[1]!;
    const event = JSON.parse(second.body);
    expect(event).toMatchObject({ type: 'dossier.state_changed', data: { code: dossierA.code, action: expect.any(String), to: expect.any(String) } });
    deliveredCount = received.length;

    received.length = 0;
    const replay = await asPartner(accessToken, 'POST', `/api/exchange/v1/deliveries/${retried.id}/replay`, {});
    expect(replay.statusCode, replay.body).toBe(202);
    await drainUntil(async () => received.length === 1);
    expect(received[0]!.headers['x-congso-delivery']).toBe(retried.id);
    expect(received[0]!.body).toBe(second.body);
    expect(verify(subscription.secret, String(received[0]!.headers['x-congso-signature']), received[0]!.body)).toBe(true);
    // Another partner cannot read or replay this subscription's deliveries.
    const other = (await env.app.inject({ method: 'POST', url: '/api/admin/exchange/partners', payload: { memberClass: 'GOV', memberCode: '000.00.37.H41', subsystem: 'KHAC', agencyName: 'Sở khác', systemName: 'Hệ thống khác', contactName: 'CNTT', contactEmail: 'a@b.vn' }, headers: admin.headers })).json();
    const otherToken = (await token(other.clientId, other.clientSecret)).json().access_token;
    expect((await asPartner(otherToken, 'GET', `/api/exchange/v1/subscriptions/${subscription.id}/deliveries`)).statusCode).toBe(404);
    expect((await asPartner(otherToken, 'POST', `/api/exchange/v1/deliveries/${retried.id}/replay`, {})).statusCode).toBe(404);
  });
});

describe('exchange log', () => {
  it('logs every call and delivery with figures per partner, verifies, and detects tampering', async () => {
    const today = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
    expect((await env.app.inject({ method: 'GET', url: `/api/admin/exchange/figures?from=${today}&to=${today}`, headers: citizen.headers })).statusCode).toBe(403);
    const figures = (await env.app.inject({ method: 'GET', url: `/api/admin/exchange/figures?from=${today}&to=${today}`, headers: admin.headers })).json().items as Json[];
    const mine = figures.filter((f) => f.partnerId === partner.partner.id);
    const byKind = Object.fromEntries(mine.map((f) => [f.kind, f]));
    const counts = await sql<{ kind: string; n: number; e: number }>`SELECT kind, count(*)::int AS n, count(*) FILTER (WHERE status >= 400 OR status = 0)::int AS e FROM exchange_log WHERE partner_id = ${partner.partner.id} GROUP BY kind`.execute(env.k.db);
    for (const c of counts.rows) expect(byKind[c.kind]).toMatchObject({ total: c.n, errors: c.e });
    expect(byKind.call.errors).toBeGreaterThan(0);
    expect(byKind.delivery).toMatchObject({ total: deliveredCount + 1, errors: 1 });
    expect(byKind.token.total).toBeGreaterThanOrEqual(4);

    const ok = (await env.app.inject({ method: 'GET', url: '/api/admin/exchange/log/verify', headers: admin.headers })).json();
    expect(ok.ok).toBe(true);
    expect(ok.checked).toBeGreaterThan(10);
    const victim = await sql<{ seq: number }>`SELECT seq FROM exchange_log WHERE kind = 'delivery' AND status <> 204 ORDER BY seq LIMIT 1`.execute(env.k.db);
    const seq = victim.rows[0]!.seq;
    await sql`UPDATE exchange_log SET status = 204 WHERE seq = ${seq}`.execute(env.k.db);
    const edited = (await env.app.inject({ method: 'GET', url: '/api/admin/exchange/log/verify', headers: admin.headers })).json();
    expect(edited).toMatchObject({ ok: false, brokenAt: seq });
    expect(edited.reason).toContain('edited');
    await sql`UPDATE exchange_log SET status = 503 WHERE seq = ${seq}`.execute(env.k.db);
    expect((await env.app.inject({ method: 'GET', url: '/api/admin/exchange/log/verify', headers: admin.headers })).json().ok).toBe(true);
    await sql`DELETE FROM exchange_log WHERE seq = ${seq}`.execute(env.k.db);
    const removed = (await env.app.inject({ method: 'GET', url: '/api/admin/exchange/log/verify', headers: admin.headers })).json();
    expect(removed.ok).toBe(false);
    expect(removed.brokenAt).toBeGreaterThan(seq);
    expect(removed.reason).toContain('removed');
  });
});
