import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ctx } from '../../kernel/context.js';
import { type Tx, transaction } from '../../kernel/db/index.js';
import { idempotent } from '../../kernel/idempotency.js';
import { errors } from '../../kernel/errors.js';
import { authorize, can } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { type AgencyRow, getAgency, getAgencyByCode } from '../org/index.js';
import { accountsFor } from '../identity/index.js';
import { DOSSIER_TYPE, dossierRef, dossierStatus } from '../services/index.js';
import { REPORT_TYPE, reportFacts } from '../feedback/index.js';
import { OUTGOING_TYPE } from '../documents/index.js';
import { exchangeErrors } from './errors.js';
import { appendLog } from './exchange-log.js';
import * as repo from './partner.repo.js';
import { signDetached } from './jws.js';
import { webhookTargetProblem } from './webhook-target.js';

/**
 * Partner systems: the registry, OAuth 2.0 client credentials, grants per
 * scope decided by the data owner, the partner API and signed webhooks.
 */

export const PARTNER_MANAGE = 'exchange.partner.manage';
export const GRANT_DECIDE = 'exchange.grant.decide';
export const TOKEN_TTL_S = 300;
export const GRANT_ANSWER_DAYS = 2;

/** The data a partner may ask for, each opened per owner agency. */
export const SCOPES = {
  'dossier.status.read': { label: 'Tra cứu trạng thái hồ sơ thủ tục hành chính' },
  'petition.read': { label: 'Theo dõi việc trả lời phản ánh, kiến nghị' },
  'document.read': { label: 'Nhận thông báo văn bản được ban hành' },
} as const;
export type ScopeName = keyof typeof SCOPES;
/** Event types a partner may subscribe to, and the scope that must be granted for the owner of each event. */
export const EVENT_TYPES = {
  'dossier.state_changed': 'dossier.status.read',
  'petition.answered': 'petition.read',
  'petition.published': 'petition.read',
  'document.issued': 'document.read',
} as const satisfies Record<string, ScopeName>;
export type EventType = keyof typeof EVENT_TYPES;

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const secret = () => randomBytes(32).toString('base64url');

// ——— Registry ———

export async function createPartner(k: Kernel, ctx: Ctx, input: {
  memberClass: string; memberCode: string; subsystem: string; agencyName: string; systemName: string; contactName: string; contactEmail: string;
}) {
  authorize(ctx.actor, PARTNER_MANAGE);
  const clientSecret = secret();
  return transaction(k.db, async (tx) => {
    if (await repo.partnerByIdentifier(tx, input.memberClass, input.memberCode, input.subsystem)) {
      throw errors.field('body.subsystem', 'unique', `Đã có hệ thống ${input.memberClass}/${input.memberCode}/${input.subsystem}`);
    }
    const p = await repo.insertPartner(tx, {
      member_class: input.memberClass, member_code: input.memberCode, subsystem: input.subsystem, agency_name: input.agencyName, system_name: input.systemName,
      contact_name: input.contactName, contact_email: input.contactEmail, client_id: `${input.memberClass}/${input.memberCode}/${input.subsystem}`,
      secret_hash: sha256(clientSecret), created_by: ctx.actor?.id ?? null,
    });
    await k.audit.record(tx, ctx, { action: 'exchange.partner.create', entity: 'exchange_partner', entityId: p.id, after: { clientId: p.client_id, agency: p.agency_name, system: p.system_name } });
    return { partner: partnerView(p), clientId: p.client_id, clientSecret };
  });
}

export function partnerView(p: repo.PartnerRow) {
  return {
    id: p.id, identifier: `${p.member_class}/${p.member_code}/${p.subsystem}`, memberClass: p.member_class, memberCode: p.member_code, subsystem: p.subsystem,
    agencyName: p.agency_name, systemName: p.system_name, contactName: p.contact_name, contactEmail: p.contact_email, active: p.active, createdAt: p.created_at,
  };
}

// ——— OAuth 2.0 client credentials (RFC 6749 §4.4) ———

export class OAuthError extends Error {
  constructor(readonly status: 400 | 401, readonly error: string, readonly description: string) {
    super(error);
  }
}

export async function issueToken(k: Kernel, input: { clientId?: string; clientSecret?: string; grantType?: string; scope?: string }, requestId?: string) {
  const started = performance.now();
  let partnerId: string | null = null;
  try {
    if (input.grantType !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', 'Chỉ hỗ trợ grant_type=client_credentials');
    if (!input.clientId || !input.clientSecret) throw new OAuthError(401, 'invalid_client', 'Thiếu client_id hoặc client_secret');
    const p = await repo.partnerByClientId(k.db, input.clientId);
    const given = sha256(input.clientSecret);
    // Compare against a dummy hash when the client is unknown, so both paths take the same time.
    const ok = timingSafeEqual(given, p?.secret_hash ?? sha256(`no-such-client:${input.clientId}`)) && !!p?.active;
    if (!p || !ok) throw new OAuthError(401, 'invalid_client', 'Sai client_id hoặc client_secret');
    partnerId = p.id;
    const requested = (input.scope ?? '').split(/\s+/).filter(Boolean);
    const unknown = requested.filter((s) => !(s in SCOPES));
    if (unknown.length) throw new OAuthError(400, 'invalid_scope', `Phạm vi không tồn tại: ${unknown.join(' ').slice(0, 100)}`);
    const token = secret();
    await repo.insertToken(k.db, { token_hash: sha256(token), partner_id: p.id, scopes: requested, expires_at: new Date(Date.now() + TOKEN_TTL_S * 1000) });
    await appendLog(k, { partnerId, kind: 'token', operation: 'oauth.token', status: 200, durationMs: performance.now() - started, requestId, detail: { scopes: requested } });
    return { access_token: token, token_type: 'Bearer' as const, expires_in: TOKEN_TTL_S, scope: requested.join(' ') };
  } catch (e) {
    if (e instanceof OAuthError) await appendLog(k, { partnerId, kind: 'token', operation: 'oauth.token', status: e.status, durationMs: performance.now() - started, requestId, detail: { error: e.error } });
    throw e;
  }
}

export interface PartnerAuth {
  partner: repo.PartnerRow;
  scopes: string[];
}

/** The partner of a request's bearer token; throws 401 for a missing, forged or expired token. */
export async function authenticatePartner(k: Kernel, req: FastifyRequest): Promise<PartnerAuth> {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(h) : null;
  if (!m) throw exchangeErrors.tokenInvalid();
  const found = await repo.tokenPartner(k.db, sha256(m[1]!));
  if (!found) throw exchangeErrors.tokenInvalid();
  return found;
}

/** Runs a partner call and logs it (status, latency, error code) in the exchange log, whatever the outcome. */
export async function partnerCall<T>(k: Kernel, req: FastifyRequest, reply: FastifyReply, operation: string, fn: (auth: PartnerAuth) => Promise<T>): Promise<T> {
  const started = performance.now();
  let auth: PartnerAuth | null = null;
  try {
    auth = await authenticatePartner(k, req);
    const out = await fn(auth);
    await appendLog(k, { partnerId: auth.partner.id, kind: 'call', operation, status: 200, durationMs: performance.now() - started, requestId: req.id });
    return out;
  } catch (e) {
    const status = (e as { status?: number }).status ?? 500;
    if (status === 401) reply.header('www-authenticate', 'Bearer error="invalid_token"');
    await appendLog(k, { partnerId: auth?.partner.id ?? null, kind: 'call', operation, status, durationMs: performance.now() - started, requestId: req.id, detail: { error: (e as { code?: string }).code ?? 'INTERNAL' } });
    throw e;
  }
}

function requireScope(auth: PartnerAuth, scope: ScopeName): void {
  if (!auth.scopes.includes(scope)) throw exchangeErrors.scopeNotGranted(scope);
}

// ——— Grants (Decree 194/2025: answered within 2 working days) ———

async function ownerAgency(k: Kernel, code: string, field: string): Promise<AgencyRow> {
  const a = await getAgencyByCode(k.db, code);
  if (!a || !a.active) throw errors.field(field, 'exists', `Không có cơ quan mã ${code}`);
  return a;
}

export async function requestGrant(k: Kernel, auth: PartnerAuth, input: { scope: ScopeName; ownerAgency: string; purpose: string }) {
  const owner = await ownerAgency(k, input.ownerAgency, 'body.ownerAgency');
  const requestedAt = new Date();
  const due = await k.calendar.appointment(requestedAt, { days: GRANT_ANSWER_DAYS });
  return transaction(k.db, async (tx) => {
    const g = await repo.insertGrant(tx, { partner_id: auth.partner.id, scope: input.scope, owner_agency_id: owner.id, purpose: input.purpose, due_at: due.dueAt });
    if (!g) throw exchangeErrors.grantPending(input.scope);
    // The owner's clock: a reminder after one working day, and a warning when the answer is overdue.
    const remind = await k.calendar.appointment(requestedAt, { days: 1 }, tx);
    await k.outbox.enqueue(tx, GRANT_CLOCK_TOPIC, { grantId: g.id, stage: 'remind' }, { runAt: remind.dueAt, dedupeKey: `${GRANT_CLOCK_TOPIC}:${g.id}:remind` });
    await k.outbox.enqueue(tx, GRANT_CLOCK_TOPIC, { grantId: g.id, stage: 'overdue' }, { runAt: g.due_at, dedupeKey: `${GRANT_CLOCK_TOPIC}:${g.id}:overdue` });
    await k.audit.record(tx, null, { action: 'exchange.grant.request', entity: 'exchange_grant', entityId: g.id, after: { partner: auth.partner.client_id, scope: g.scope, owner: owner.code, dueAt: g.due_at } });
    return grantView(g, owner);
  });
}

export function grantView(g: repo.GrantRow, owner: Pick<AgencyRow, 'code' | 'name'>) {
  return {
    id: g.id, scope: g.scope, ownerAgency: { code: owner.code, name: owner.name }, purpose: g.purpose, status: g.status,
    requestedAt: g.requested_at, dueAt: g.due_at, decidedAt: g.decided_at, reason: g.reason,
  };
}

export async function decideGrant(k: Kernel, ctx: Ctx, id: string, input: { decision: 'grant' | 'refuse'; reason?: string }) {
  return transaction(k.db, async (tx) => {
    const g = await repo.grant(tx, id, true);
    if (!g) throw exchangeErrors.grantNotFound(id);
    const owner = await getAgency(tx, g.owner_agency_id);
    if (!owner) throw exchangeErrors.grantNotFound(id);
    // The data owner answers: an official holding the action on the owner agency's scope.
    authorize(ctx.actor, GRANT_DECIDE, { unitPath: owner.unit_path, agencyId: owner.id });
    if (g.status !== 'pending') throw exchangeErrors.grantDecided(g.status);
    const reason = input.reason?.trim() || null;
    if (input.decision === 'refuse' && (!reason || reason.length < 10)) throw errors.field('body.reason', 'required', 'Từ chối phải nêu rõ lý do (ít nhất 10 ký tự)');
    const after = await repo.decideGrant(tx, id, { status: input.decision === 'grant' ? 'granted' : 'refused', decided_by: ctx.actor!.id, reason });
    await k.audit.record(tx, ctx, { action: `exchange.grant.${input.decision}`, entity: 'exchange_grant', entityId: id, before: { status: g.status }, after: { status: after.status, reason } });
    return grantView(after, owner);
  });
}

export const GRANT_CLOCK_TOPIC = 'exchange.grant.clock';

/** Mails the owner's leaders about a request still unanswered (a reminder, then the overdue warning). */
export function registerGrantClock(k: Kernel): void {
  k.outbox.on<{ grantId: string; stage: 'remind' | 'overdue' }>(GRANT_CLOCK_TOPIC, async (m) => {
    const g = await repo.grant(k.db, m.payload.grantId);
    if (!g || g.status !== 'pending') return;
    const owner = await getAgency(k.db, g.owner_agency_id);
    const partner = await repo.partnerById(k.db, g.partner_id);
    if (!owner || !partner) return;
    const leaders = (await accountsFor(k, GRANT_DECIDE, { unitPath: owner.unit_path, agencyId: owner.id })).filter((a) => a.kind === 'official' && a.email);
    const due = g.due_at.toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });
    const overdue = m.payload.stage === 'overdue';
    await transaction(k.db, async (tx) => {
      if (leaders.length) {
        await k.mailer.send(tx, k.outbox, {
          to: leaders.map((a) => a.email!).join(', '),
          subject: overdue ? `[Quá hạn] Yêu cầu khai thác dữ liệu của ${partner.system_name}` : `Nhắc việc: yêu cầu khai thác dữ liệu của ${partner.system_name}`,
          text: `${partner.agency_name} (${partner.system_name}, ${partner.client_id}) đề nghị ${owner.name} cấp quyền "${SCOPES[g.scope as ScopeName]?.label ?? g.scope}".\nMục đích: ${g.purpose}\nHạn trả lời: ${due} (2 ngày làm việc, Nghị định 194/2025/NĐ-CP).${overdue ? '\nYêu cầu đã quá hạn trả lời.' : ''}\nTrả lời: cấp quyền hoặc từ chối có nêu lý do.`,
        });
      }
      if (overdue) await k.audit.record(tx, null, { action: 'exchange.grant.overdue', entity: 'exchange_grant', entityId: g.id, after: { dueAt: g.due_at, notified: leaders.length } });
    });
  });
}

/** Access requests the actor may answer (their owner agency is in the actor's scope), newest first. */
export async function grantsToAnswer(k: Kernel, ctx: Ctx, status: repo.GrantRow['status'] | undefined) {
  authorize(ctx.actor, GRANT_DECIDE);
  const out = [];
  const owners = new Map<string, AgencyRow | undefined>();
  for (const g of await repo.grantsByStatus(k.db, status, 500)) {
    if (!owners.has(g.owner_agency_id)) owners.set(g.owner_agency_id, await getAgency(k.db, g.owner_agency_id));
    const owner = owners.get(g.owner_agency_id);
    if (!owner || !can(ctx.actor, GRANT_DECIDE, { unitPath: owner.unit_path, agencyId: owner.id })) continue;
    const p = await repo.partnerById(k.db, g.partner_id);
    out.push({ ...grantView(g, owner), partner: p ? { identifier: p.client_id, agencyName: p.agency_name, systemName: p.system_name } : null });
  }
  return out;
}

/** The partner's own requests and grants. */
export async function partnerGrants(k: Kernel, auth: PartnerAuth) {
  const out = [];
  for (const g of await repo.grantsOfPartner(k.db, auth.partner.id)) {
    const owner = await getAgency(k.db, g.owner_agency_id);
    if (owner) out.push(grantView(g, owner));
  }
  return out;
}

/** Does a grant by `owner` cover data handled by (agencyId, unitPath)? A commune's committee owns its commune's dossiers. */
function ownerCovers(owner: AgencyRow, agencyId: string | null, unitPath: string): boolean {
  if (agencyId) return owner.id === agencyId;
  return owner.kind === 'commune_committee' && owner.unit_path === unitPath;
}

async function grantCovers(k: Kernel, partnerId: string, scope: ScopeName, agencyId: string | null, unitPath: string): Promise<boolean> {
  for (const id of await repo.grantedOwners(k.db, partnerId, scope)) {
    const owner = await getAgency(k.db, id);
    if (owner && ownerCovers(owner, agencyId, unitPath)) return true;
  }
  return false;
}

// ——— Partner API ———

export async function partnerDossierStatus(k: Kernel, auth: PartnerAuth, code: string) {
  requireScope(auth, 'dossier.status.read');
  const d = await dossierStatus(k, code);
  // An unknown dossier and one outside the grant answer alike: nothing leaks about dossiers the partner may not see.
  if (!d || !(await grantCovers(k, auth.partner.id, 'dossier.status.read', d.agencyId, d.unitPath))) throw exchangeErrors.scopeNotGranted('dossier.status.read');
  return {
    code: d.code, procedureCode: d.procedureCode, procedureName: d.procedureName, handlerName: d.handlerName, state: d.state,
    submittedAt: d.submittedAt, receivedAt: d.receivedAt, dueAt: d.dueAt, finishedAt: d.finishedAt, returnedAt: d.returnedAt,
  };
}

// ——— Webhooks ———

export const DELIVER_TOPIC = 'exchange.webhook.deliver';
export const FANOUT_SUBSCRIBER = 'exchange.webhooks';
export const DELIVERY_ATTEMPTS = 8;

export async function subscribe(k: Kernel, auth: PartnerAuth, input: { eventType: EventType; url: string; signature?: 'hmac' | 'jws' }) {
  requireScope(auth, EVENT_TYPES[input.eventType]);
  const problem = await webhookTargetProblem(input.url, k.config.EXCHANGE_WEBHOOK_PRIVATE);
  if (problem) throw errors.field('body.url', 'target', problem);
  const key = secret();
  const mode = input.signature ?? 'hmac';
  const s = await repo.insertSubscription(k.db, { partner_id: auth.partner.id, event_type: input.eventType, url: input.url, secret: key, signature: mode });
  // With JWS there is nothing secret to hand over: the receiver checks against the public JWKS.
  return { id: s.id, eventType: s.event_type, url: s.url, signature: mode, ...(mode === 'hmac' ? { secret: key } : { jwksUrl: `${k.config.publicUrl}/api/exchange/jwks.json` }), createdAt: s.created_at };
}

async function ownSubscription(k: Kernel, auth: PartnerAuth, id: string) {
  const s = await repo.subscription(k.db, id);
  if (!s || s.partner_id !== auth.partner.id) throw exchangeErrors.subscriptionNotFound(id);
  return s;
}

export function deliveryView(d: repo.DeliveryRow) {
  return {
    id: d.id, eventId: d.event_id, eventType: d.event_type, status: d.status, attempts: d.attempts, lastStatus: d.last_status, lastError: d.last_error,
    createdAt: d.created_at, deliveredAt: d.delivered_at, replays: d.replays, replayPending: d.replay_pending, lastReplayedAt: d.last_replayed_at,
  };
}

export async function deliveryHistory(k: Kernel, auth: PartnerAuth, subscriptionId: string, limit: number) {
  await ownSubscription(k, auth, subscriptionId);
  return (await repo.deliveries(k.db, subscriptionId, limit)).map(deliveryView);
}

/**
 * Accepts a replay request, once: under the delivery's row lock, a replay is
 * queued only if none is waiting (a repeated request while one waits changes
 * nothing and answers `queued: false`). With an Idempotency-Key the same
 * request (same key, same delivery) answers as the first did and queues
 * nothing; the key with another delivery is a 422.
 */
async function requestReplay(k: Kernel, opts: {
  deliveryId: string; idempotencyKey?: string; scope: string; mayReplay: (d: repo.DeliveryRow) => boolean; audit?: (tx: Tx, d: repo.DeliveryRow) => Promise<void>;
}) {
  return transaction(k.db, async (tx) => {
    const run = async () => {
      const d = await repo.deliveryForUpdate(tx, opts.deliveryId);
      // Another partner's delivery answers exactly like one that does not exist.
      if (!d || !opts.mayReplay(d)) throw exchangeErrors.deliveryNotFound(opts.deliveryId);
      const n = await repo.markReplay(tx, d.id);
      if (n !== undefined) {
        await k.outbox.enqueue(tx, DELIVER_TOPIC, { deliveryId: d.id, replay: true }, { maxAttempts: DELIVERY_ATTEMPTS, dedupeKey: `${DELIVER_TOPIC}:${d.id}:replay:${n}` });
        await opts.audit?.(tx, d);
      }
      return { queued: n !== undefined };
    };
    const { result, replayed } = opts.idempotencyKey
      ? await idempotent(tx, { scope: opts.scope, key: opts.idempotencyKey, request: { deliveryId: opts.deliveryId } }, run)
      : { result: await run(), replayed: false };
    const d = (await repo.delivery(tx, opts.deliveryId))!;
    return { ...deliveryView(d), queued: replayed ? false : result.queued, duplicate: replayed };
  });
}

/** Sends a delivery again (same delivery id and body, fresh timestamp and signature), once per request (see requestReplay). */
export async function replay(k: Kernel, auth: PartnerAuth, deliveryId: string, idempotencyKey?: string) {
  return requestReplay(k, { deliveryId, idempotencyKey, scope: `exchange.delivery.replay:${auth.partner.id}`, mayReplay: (d) => d.partner_id === auth.partner.id });
}

// ——— Administration: the registry, subscriptions, deliveries and replay from the web app ———

export async function listPartners(k: Kernel, ctx: Ctx) {
  authorize(ctx.actor, PARTNER_MANAGE);
  return (await repo.allPartners(k.db)).map(partnerView);
}

export async function partnerSubscriptions(k: Kernel, ctx: Ctx, partnerId: string) {
  authorize(ctx.actor, PARTNER_MANAGE);
  if (!(await repo.partnerById(k.db, partnerId))) throw exchangeErrors.partnerNotFound(partnerId);
  return (await repo.subscriptionsOf(k.db, partnerId)).map((s) => ({
    id: s.id, eventType: s.event_type, url: s.url, signature: s.signature, active: s.active, createdAt: s.created_at,
    delivered: s.delivered, failing: s.failing, pending: s.pending,
  }));
}

export async function adminDeliveryHistory(k: Kernel, ctx: Ctx, subscriptionId: string, limit: number) {
  authorize(ctx.actor, PARTNER_MANAGE);
  if (!(await repo.subscription(k.db, subscriptionId))) throw exchangeErrors.subscriptionNotFound(subscriptionId);
  return (await repo.deliveries(k.db, subscriptionId, limit)).map(deliveryView);
}

/** The administrator sends a delivery again for the partner (after the partner fixed its receiver); audited when queued. */
export async function adminReplay(k: Kernel, ctx: Ctx, deliveryId: string, idempotencyKey?: string) {
  authorize(ctx.actor, PARTNER_MANAGE);
  return requestReplay(k, {
    deliveryId, idempotencyKey, scope: `exchange.delivery.replay.admin:${ctx.actor!.id}`, mayReplay: () => true,
    audit: (tx, d) => k.audit.record(tx, ctx, { action: 'exchange.delivery.replay', entity: 'exchange_delivery', entityId: d.id }),
  });
}

/** The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (docs/exchange.md). */
export function signature(secretKey: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secretKey).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** What the case engine publishes with every action (kernel/workflow): `workflow.case.<type>.<action>`. */
interface CaseEvent {
  caseId: string;
  type: string;
  action: string;
  from: string | null;
  to: string;
  seq: number;
  at: string;
  unitPath: string;
  agencyId: string | null;
  payload?: Record<string, unknown>;
}

/**
 * Writes, in one transaction, a delivery row and a delivery job for each
 * active subscription to `type` whose partner holds a grant of the event
 * type's scope from the owner of the data (agency, or the commune's committee).
 */
async function fanOut(k: Kernel, type: EventType, owner: { agencyId: string | null; unitPath: string }, eventId: string, occurredAt: string, data: Record<string, unknown>) {
  const subs = await repo.subscribers(k.db, type);
  if (!subs.length) return;
  const payload = { id: eventId, type, occurredAt, data };
  const covered = new Map<string, boolean>();
  await transaction(k.db, async (tx) => {
    for (const s of subs) {
      if (!covered.has(s.partner_id)) covered.set(s.partner_id, await grantCovers(k, s.partner_id, EVENT_TYPES[type], owner.agencyId, owner.unitPath));
      if (!covered.get(s.partner_id)) continue;
      const id = await repo.insertDelivery(tx, { subscription_id: s.id, partner_id: s.partner_id, event_id: eventId, event_type: type, payload });
      if (id) await k.outbox.enqueue(tx, DELIVER_TOPIC, { deliveryId: id }, { maxAttempts: DELIVERY_ATTEMPTS, dedupeKey: `${DELIVER_TOPIC}:${id}` });
    }
  });
}

export const PETITION_SUBSCRIBER = 'exchange.webhooks.petitions';
export const DOCUMENT_SUBSCRIBER = 'exchange.webhooks.documents';
/** The petition actions partners hear about: the answer is written, the answer is made public. */
const PETITION_EVENTS: Record<string, EventType> = { answer: 'petition.answered', publish: 'petition.published' };

/**
 * Outbox subscribers, one per source so a slow one never holds back another:
 * dossier state changes (services), petition answers and publications
 * (feedback), documents issued (documents). Each reads only public facts
 * through the source module's index.ts; nothing personal goes out.
 */
export function registerWebhooks(k: Kernel): void {
  k.outbox.subscribe<CaseEvent>(`workflow.case.${DOSSIER_TYPE}.*`, FANOUT_SUBSCRIBER, async (m) => {
    if (!(await repo.subscribers(k.db, 'dossier.state_changed')).length) return;
    const d = await dossierRef(k, m.payload.caseId);
    if (!d) return;
    await fanOut(k, 'dossier.state_changed', { agencyId: d.agencyId, unitPath: d.unitPath }, `${d.id}:${m.payload.seq}`, m.payload.at,
      { code: d.code, procedureCode: d.procedureCode, action: m.payload.action, from: m.payload.from, to: m.payload.to });
  });

  k.outbox.subscribe<CaseEvent>(`workflow.case.${REPORT_TYPE}.*`, PETITION_SUBSCRIBER, async (m) => {
    const type = PETITION_EVENTS[m.payload.action];
    if (!type || !(await repo.subscribers(k.db, type)).length) return;
    const r = await reportFacts(k, m.payload.caseId);
    if (!r) return;
    // The report's facts only: no reporter, no text (a published answer is read on the public page).
    await fanOut(k, type, { agencyId: r.agencyId, unitPath: r.unitPath ?? m.payload.unitPath }, `${r.id}:${m.payload.seq}`, m.payload.at, {
      reportId: r.id, code: r.code, kind: r.kind, channel: r.channel, state: m.payload.to, from: m.payload.from, answeredAt: r.answeredAt, dueAt: r.dueAt, breached: r.breached,
    });
  });

  k.outbox.subscribe<CaseEvent>(`workflow.case.${OUTGOING_TYPE}.issue`, DOCUMENT_SUBSCRIBER, async (m) => {
    if (!(await repo.subscribers(k.db, 'document.issued')).length) return;
    const issuer = m.payload.agencyId ? await getAgency(k.db, m.payload.agencyId) : undefined;
    const numberSymbol = typeof m.payload.payload?.numberSymbol === 'string' ? m.payload.payload.numberSymbol : null;
    await fanOut(k, 'document.issued', { agencyId: m.payload.agencyId, unitPath: m.payload.unitPath }, `${m.payload.caseId}:${m.payload.seq}`, m.payload.at, {
      documentId: m.payload.caseId, numberSymbol, issuer: issuer ? { code: issuer.code, name: issuer.name } : null, issuedAt: m.payload.at,
    });
  });

  k.outbox.on<{ deliveryId: string; replay?: boolean }>(DELIVER_TOPIC, async (m) => {
    const d = await repo.delivery(k.db, m.payload.deliveryId);
    if (!d) return;
    const isReplay = m.payload.replay === true;
    // Acknowledged already: a repeated delivery job (an outbox re-run) sends nothing and changes nothing; only a replay sends again.
    if (!isReplay && d.status === 'delivered') return;
    const s = await repo.subscription(k.db, d.subscription_id);
    if (!s) return;
    const body = JSON.stringify(d.payload);
    const ts = Math.floor(Date.now() / 1000);
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      // Checked again at each delivery: the name may resolve elsewhere than at subscription.
      const problem = await webhookTargetProblem(s.url, k.config.EXCHANGE_WEBHOOK_PRIVATE);
      if (problem) throw new Error(problem);
      const res = await fetch(s.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'congso-webhooks/1',
          'x-congso-event': d.event_type,
          'x-congso-delivery': d.id,
          ...(s.signature === 'jws' ? { 'x-congso-jws': await signDetached(k, body, d.id, ts) } : { 'x-congso-signature': signature(s.secret, ts, body) }),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (e) {
      error = (e as Error).message.slice(0, 300);
    }
    await repo.recordAttempt(k.db, d.id, { ok: !error, status, error, replay: isReplay, lastTry: m.attempts >= DELIVERY_ATTEMPTS });
    await appendLog(k, { partnerId: d.partner_id, kind: 'delivery', operation: d.event_type, status: status ?? 0, durationMs: performance.now() - started, detail: { delivery: d.id, attempt: m.attempts, ...(isReplay ? { replay: true } : {}), ...(error ? { error } : {}) } });
    // Thrown: the outbox retries with exponential backoff, up to DELIVERY_ATTEMPTS.
    if (error) throw new Error(`webhook ${d.id}: ${error}`);
  });
}
