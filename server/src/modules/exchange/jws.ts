import { randomUUID } from 'node:crypto';
import { exportJWK, FlattenedSign, generateKeyPair, importJWK, type JWK } from 'jose';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './partner.repo.js';

/**
 * JWS signatures of webhook deliveries (RFC 7515, ES256, detached payload as
 * in RFC 7515 Appendix F): the header `X-Congso-JWS: <protected>..<signature>`
 * signs the raw request body. The protected header names the key (`kid`), the
 * delivery (`congso-delivery`) and the time (`iat`, seconds), so a captured
 * delivery replayed later fails the receiver's time check. The public keys
 * are at /api/exchange/jwks.json.
 */

export const JWS_ALG = 'ES256';

const keyCache = new WeakMap<Kernel, { kid: string; key: CryptoKey; at: number }>();

/** The platform's current signing key, created on first use (one live key for every instance, kept in the database). */
async function signingKey(k: Kernel): Promise<{ kid: string; key: CryptoKey }> {
  const cached = keyCache.get(k);
  if (cached && Date.now() - cached.at < 60_000) return cached;
  let row = await repo.currentKey(k.db);
  if (!row) {
    await createKey(k, false);
    row = (await repo.currentKey(k.db))!;
  }
  const key = (await importJWK(row.private_jwk as JWK, JWS_ALG)) as CryptoKey;
  const entry = { kid: row.kid, key, at: Date.now() };
  keyCache.set(k, entry);
  return entry;
}

/** Creates a key pair; with `rotate`, the live key is retired first (it stays in the JWKS for a week). Returns the new kid and the retired ones. */
export async function createKey(k: Kernel, rotate: boolean): Promise<string> {
  return (await newKey(k, rotate)).kid;
}

async function newKey(k: Kernel, rotate: boolean): Promise<{ kid: string; retired: string[] }> {
  const { publicKey, privateKey } = await generateKeyPair(JWS_ALG, { extractable: true });
  const kid = `congso-${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const pub = { ...(await exportJWK(publicKey)), kid, alg: JWS_ALG, use: 'sig' };
  const priv = { ...(await exportJWK(privateKey)), kid, alg: JWS_ALG };
  const retired = await transaction(k.db, async (tx) => {
    const out = rotate ? await repo.retireKeys(tx) : [];
    await repo.insertKeyIfNone(tx, { kid, alg: JWS_ALG, public_jwk: pub, private_jwk: priv });
    return out;
  });
  keyCache.delete(k);
  return { kid, retired };
}

/** How long a retired key stays in the JWKS (deliveries signed just before a rotation, partners' cached key sets). */
export const JWKS_OVERLAP_DAYS = repo.JWKS_OVERLAP_DAYS;

/**
 * Rotates the signing key (`congso exchange jws rotate`): the live key is
 * retired and a new one created, in one transaction. The JWKS then publishes
 * the new key and the previous one until `previousUntil`; instances pick the
 * new key up within a minute (their key cache), and what they signed with the
 * previous one meanwhile still verifies.
 */
export async function rotateSigningKey(k: Kernel): Promise<{ kid: string; previous: string | null; previousUntil: Date | null }> {
  const { kid, retired } = await newKey(k, true);
  return { kid, previous: retired[0] ?? null, previousUntil: retired.length ? new Date(Date.now() + JWKS_OVERLAP_DAYS * 86_400_000) : null };
}

/** The JWKS: public halves only. */
export async function jwks(k: Kernel): Promise<{ keys: JWK[] }> {
  if (!(await repo.currentKey(k.db))) await signingKey(k);
  return { keys: (await repo.publishedKeys(k.db)).map((r) => r.public_jwk as JWK) };
}

/** `<protected>..<signature>`: a compact JWS with the payload detached (the payload is the raw body). */
export async function signDetached(k: Kernel, body: string, deliveryId: string, iat: number): Promise<string> {
  const { kid, key } = await signingKey(k);
  const jws = await new FlattenedSign(new TextEncoder().encode(body))
    .setProtectedHeader({ alg: JWS_ALG, kid, typ: 'JOSE', iat, 'congso-delivery': deliveryId })
    .sign(key);
  return `${jws.protected}..${jws.signature}`;
}
