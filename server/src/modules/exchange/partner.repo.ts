import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of partner systems, tokens, grants, webhook subscriptions and deliveries. */

/** How long a retired signing key stays in the JWKS. */
export const JWKS_OVERLAP_DAYS = 7;

interface PartnerTable {
  id: Generated<string>;
  member_class: string;
  member_code: string;
  subsystem: string;
  agency_name: string;
  system_name: string;
  contact_name: string;
  contact_email: string;
  client_id: string;
  secret_hash: Buffer;
  active: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
}
interface TokenTable {
  token_hash: Buffer;
  partner_id: string;
  scopes: string[];
  expires_at: Date;
  created_at: Generated<Date>;
}
interface GrantTable {
  id: Generated<string>;
  partner_id: string;
  scope: string;
  owner_agency_id: string;
  purpose: string;
  status: Generated<'pending' | 'granted' | 'refused' | 'revoked'>;
  requested_at: Generated<Date>;
  due_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
}
interface SubscriptionTable {
  id: Generated<string>;
  partner_id: string;
  event_type: string;
  url: string;
  secret: string;
  signature: Generated<'hmac' | 'jws'>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}
interface SigningKeyTable {
  kid: string;
  alg: 'ES256';
  public_jwk: unknown;
  private_jwk: unknown;
  created_at: Generated<Date>;
  retired_at: Date | null;
}
interface DeliveryTable {
  id: Generated<string>;
  subscription_id: string;
  partner_id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  status: Generated<'pending' | 'delivered' | 'failing'>;
  attempts: Generated<number>;
  last_status: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
  replays: Generated<number>;
  replay_pending: Generated<boolean>;
  last_replayed_at: Date | null;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    exchange_partner: PartnerTable;
    exchange_token: TokenTable;
    exchange_grant: GrantTable;
    exchange_subscription: SubscriptionTable;
    exchange_delivery: DeliveryTable;
    exchange_signing_key: SigningKeyTable;
  }
}

export type PartnerRow = Omit<PartnerTable, 'id' | 'active' | 'created_at'> & { id: string; active: boolean; created_at: Date };
export type GrantRow = Omit<GrantTable, 'id' | 'status' | 'requested_at'> & { id: string; status: 'pending' | 'granted' | 'refused' | 'revoked'; requested_at: Date };
export type SubscriptionRow = Omit<SubscriptionTable, 'id' | 'active' | 'created_at' | 'signature'> & { id: string; active: boolean; created_at: Date; signature: 'hmac' | 'jws' };
export interface SigningKeyRow { kid: string; alg: 'ES256'; public_jwk: Record<string, unknown>; private_jwk: Record<string, unknown>; created_at: Date; retired_at: Date | null }
export type DeliveryRow = Omit<DeliveryTable, 'id' | 'status' | 'attempts' | 'created_at' | 'payload' | 'replays' | 'replay_pending'> & {
  id: string; status: 'pending' | 'delivered' | 'failing'; attempts: number; created_at: Date; payload: Record<string, unknown>; replays: number; replay_pending: boolean;
};

export async function insertPartner(db: Executor, p: Omit<PartnerTable, 'id' | 'active' | 'created_at'>): Promise<PartnerRow> {
  return (await db.insertInto('exchange_partner').values(p).returningAll().executeTakeFirstOrThrow()) as PartnerRow;
}

export async function partnerById(db: Executor, id: string): Promise<PartnerRow | undefined> {
  return (await db.selectFrom('exchange_partner').selectAll().where('id', '=', id).executeTakeFirst()) as PartnerRow | undefined;
}

export async function partnerByClientId(db: Executor, clientId: string): Promise<PartnerRow | undefined> {
  return (await db.selectFrom('exchange_partner').selectAll().where('client_id', '=', clientId).executeTakeFirst()) as PartnerRow | undefined;
}

export async function partnerByIdentifier(db: Executor, memberClass: string, memberCode: string, subsystem: string): Promise<PartnerRow | undefined> {
  return (await db.selectFrom('exchange_partner').selectAll().where('member_class', '=', memberClass).where('member_code', '=', memberCode).where('subsystem', '=', subsystem).executeTakeFirst()) as PartnerRow | undefined;
}

export async function insertToken(db: Executor, t: { token_hash: Buffer; partner_id: string; scopes: string[]; expires_at: Date }): Promise<void> {
  await db.insertInto('exchange_token').values(t).execute();
}

/** The live token's partner and scopes: one indexed read. */
export async function tokenPartner(db: Executor, hash: Buffer): Promise<{ partner: PartnerRow; scopes: string[] } | undefined> {
  const r = await db
    .selectFrom('exchange_token as t')
    .innerJoin('exchange_partner as p', 'p.id', 't.partner_id')
    .selectAll('p')
    .select(['t.scopes'])
    .where('t.token_hash', '=', hash)
    .where('t.expires_at', '>', sql<Date>`now()`)
    .where('p.active', '=', true)
    .executeTakeFirst();
  if (!r) return undefined;
  const { scopes, ...partner } = r as PartnerRow & { scopes: string[] };
  return { partner, scopes };
}

export async function purgeTokens(db: Executor): Promise<number> {
  const r = await db.deleteFrom('exchange_token').where('expires_at', '<', sql<Date>`now() - interval '1 day'`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ——— Grants ———

export async function insertGrant(db: Executor, g: { partner_id: string; scope: string; owner_agency_id: string; purpose: string; due_at: Date }): Promise<GrantRow | undefined> {
  return (await db.insertInto('exchange_grant').values(g).onConflict((oc) => oc.columns(['partner_id', 'scope', 'owner_agency_id']).where('status', 'in', ['pending', 'granted']).doNothing()).returningAll().executeTakeFirst()) as GrantRow | undefined;
}

export async function grant(db: Executor, id: string, lock = false): Promise<GrantRow | undefined> {
  let q = db.selectFrom('exchange_grant').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return (await q.executeTakeFirst()) as GrantRow | undefined;
}

export async function liveGrant(db: Executor, partnerId: string, scope: string, ownerAgencyId: string): Promise<GrantRow | undefined> {
  return (await db.selectFrom('exchange_grant').selectAll().where('partner_id', '=', partnerId).where('scope', '=', scope).where('owner_agency_id', '=', ownerAgencyId).where('status', 'in', ['pending', 'granted']).executeTakeFirst()) as GrantRow | undefined;
}

/** The owner agencies that granted `scope` to the partner. */
export async function grantedOwners(db: Executor, partnerId: string, scope: string): Promise<string[]> {
  const r = await db.selectFrom('exchange_grant').select('owner_agency_id').where('partner_id', '=', partnerId).where('scope', '=', scope).where('status', '=', 'granted').execute();
  return r.map((x) => x.owner_agency_id);
}

export async function decideGrant(db: Executor, id: string, d: { status: 'granted' | 'refused'; decided_by: string; reason: string | null }): Promise<GrantRow> {
  return (await db.updateTable('exchange_grant').set({ ...d, decided_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow()) as GrantRow;
}

export async function grantsOfPartner(db: Executor, partnerId: string): Promise<GrantRow[]> {
  return (await db.selectFrom('exchange_grant').selectAll().where('partner_id', '=', partnerId).orderBy('requested_at', 'desc').execute()) as GrantRow[];
}

// ——— Webhooks ———

export async function insertSubscription(db: Executor, s: { partner_id: string; event_type: string; url: string; secret: string; signature: 'hmac' | 'jws' }): Promise<SubscriptionRow> {
  return (await db.insertInto('exchange_subscription').values(s).returningAll().executeTakeFirstOrThrow()) as SubscriptionRow;
}

export async function subscription(db: Executor, id: string): Promise<SubscriptionRow | undefined> {
  return (await db.selectFrom('exchange_subscription').selectAll().where('id', '=', id).executeTakeFirst()) as SubscriptionRow | undefined;
}

/** Active subscriptions to an event type, with the partner still active. */
export async function subscribers(db: Executor, eventType: string): Promise<SubscriptionRow[]> {
  return (await db
    .selectFrom('exchange_subscription as s')
    .innerJoin('exchange_partner as p', 'p.id', 's.partner_id')
    .selectAll('s')
    .where('s.event_type', '=', eventType)
    .where('s.active', '=', true)
    .where('p.active', '=', true)
    .execute()) as SubscriptionRow[];
}

/** A delivery per subscription and event, once: a re-run of the fan-out writes nothing new. */
export async function insertDelivery(db: Executor, d: { subscription_id: string; partner_id: string; event_id: string; event_type: string; payload: unknown }): Promise<string | undefined> {
  const r = await db
    .insertInto('exchange_delivery')
    .values({ ...d, payload: JSON.stringify(d.payload) })
    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

export async function delivery(db: Executor, id: string): Promise<DeliveryRow | undefined> {
  return (await db.selectFrom('exchange_delivery').selectAll().where('id', '=', id).executeTakeFirst()) as DeliveryRow | undefined;
}

/**
 * One send of a delivery. The first acknowledgement (2xx) is final: a later
 * failed send (a replay) does not turn a delivered delivery back into a
 * failing one, and `delivered_at` keeps the first acknowledgement's time.
 * A replay's send clears `replay_pending` when it is acknowledged or out of attempts.
 */
export async function recordAttempt(db: Executor, id: string, a: { ok: boolean; status: number | null; error: string | null; replay?: boolean; lastTry?: boolean }): Promise<void> {
  await db
    .updateTable('exchange_delivery')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      status: a.ok ? 'delivered' : sql<'delivered' | 'failing'>`CASE WHEN status = 'delivered' THEN 'delivered' ELSE 'failing' END`,
      last_status: a.status,
      last_error: a.error,
      ...(a.ok ? { delivered_at: sql<Date>`coalesce(delivered_at, now())` } : {}),
      ...(a.replay ? { last_replayed_at: new Date(), ...(a.ok || a.lastTry ? { replay_pending: false } : {}) } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** Locks a delivery row (a replay request is decided under the lock). */
export async function deliveryForUpdate(db: Executor, id: string): Promise<DeliveryRow | undefined> {
  return (await db.selectFrom('exchange_delivery').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()) as DeliveryRow | undefined;
}

/** Marks a replay as waiting, unless one already is: the number of the new replay, or undefined when one was waiting. */
export async function markReplay(db: Executor, id: string): Promise<number | undefined> {
  const r = await db
    .updateTable('exchange_delivery')
    .set((eb) => ({ replay_pending: true, replays: eb('replays', '+', 1) }))
    .where('id', '=', id)
    .where('replay_pending', '=', false)
    .returning('replays')
    .executeTakeFirst();
  return r?.replays;
}

export async function deliveries(db: Executor, subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
  return (await db.selectFrom('exchange_delivery').selectAll().where('subscription_id', '=', subscriptionId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute()) as DeliveryRow[];
}

export async function grantsByStatus(db: Executor, status: GrantRow['status'] | undefined, limit: number): Promise<GrantRow[]> {
  let q = db.selectFrom('exchange_grant').selectAll().orderBy('requested_at', 'desc').limit(limit);
  if (status) q = q.where('status', '=', status);
  return (await q.execute()) as GrantRow[];
}

// ——— JWS signing keys ———

/** Keys in the JWKS: live ones, and those retired less than a week ago. */
export async function publishedKeys(db: Executor): Promise<SigningKeyRow[]> {
  return (await db.selectFrom('exchange_signing_key').selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', sql<Date>`now() - make_interval(days => ${JWKS_OVERLAP_DAYS})`)]))
    .orderBy('created_at', 'desc').execute()) as SigningKeyRow[];
}

/** The newest live key, if any. */
export async function currentKey(db: Executor): Promise<SigningKeyRow | undefined> {
  return (await db.selectFrom('exchange_signing_key').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst()) as SigningKeyRow | undefined;
}

/** Stores a new key unless another instance stored one first (then that one is used). */
export async function insertKeyIfNone(db: Executor, k: Omit<SigningKeyRow, 'created_at' | 'retired_at'>): Promise<void> {
  await sql`INSERT INTO exchange_signing_key (kid, alg, public_jwk, private_jwk)
    SELECT ${k.kid}, ${k.alg}, ${JSON.stringify(k.public_jwk)}::jsonb, ${JSON.stringify(k.private_jwk)}::jsonb
    ON CONFLICT DO NOTHING`.execute(db);
}

/** Retires the live key(s); their kids. */
export async function retireKeys(db: Executor): Promise<string[]> {
  return (await db.updateTable('exchange_signing_key').set({ retired_at: new Date() }).where('retired_at', 'is', null).returning('kid').execute()).map((r) => r.kid);
}

// ——— Administration (the partner registry screens) ———

export async function allPartners(db: Executor): Promise<PartnerRow[]> {
  return (await db.selectFrom('exchange_partner').selectAll().orderBy('created_at', 'desc').limit(1000).execute()) as PartnerRow[];
}

export async function subscriptionsOf(db: Executor, partnerId: string): Promise<(SubscriptionRow & { delivered: number; failing: number; pending: number })[]> {
  const r = await sql<SubscriptionRow & { delivered: number; failing: number; pending: number }>`
    SELECT s.*, count(*) FILTER (WHERE d.status = 'delivered')::int AS delivered, count(*) FILTER (WHERE d.status = 'failing')::int AS failing,
           count(*) FILTER (WHERE d.status = 'pending')::int AS pending
      FROM exchange_subscription s LEFT JOIN exchange_delivery d ON d.subscription_id = s.id
     WHERE s.partner_id = ${partnerId} GROUP BY s.id ORDER BY s.created_at DESC`.execute(db);
  return r.rows;
}
