import * as oidc from 'openid-client';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import {
  accountByEmail,
  accountById,
  insertAccount,
  insertOidcLink,
  oidcLinkedAccount,
  takenIdentifiers,
  type AccountRow,
} from './account.repo.js';
import { type ClientMeta, createSession, type NewSession } from './auth.service.js';
import './errors.js';
import { cccdProblem, normaliseEmail, normalisePhone } from './identifiers.js';
import { insertOidcFlow, takeOidcFlow } from './session.repo.js';

/**
 * Sign-in through an OpenID Connect provider (VNeID or the province's own) as a
 * relying party: authorization code with PKCE, state and nonce (openid-client v6).
 * Accounts are linked by (issuer, sub); a citizen account is created on first
 * sign-in from the claims, the personal ID coming from a claim named in
 * PERSONAL_ID_CLAIMS.
 */

/**
 * Claims that may carry the 12-digit personal ID, in order: OIDC_PERSONAL_ID_CLAIM
 * when set, else the names used by VNeID-style providers.
 */
export const PERSONAL_ID_CLAIMS = ['cccd', 'personal_id', 'so_dinh_danh'];

function personalIdClaims(k: Kernel): string[] {
  return k.config.OIDC_PERSONAL_ID_CLAIM ? [k.config.OIDC_PERSONAL_ID_CLAIM] : PERSONAL_ID_CLAIMS;
}

const configs = new WeakMap<Kernel, Promise<oidc.Configuration>>();

export function oidcEnabled(k: Kernel): boolean {
  return !!(k.config.OIDC_ISSUER && k.config.OIDC_CLIENT_ID);
}

function redirectUri(k: Kernel): string {
  return `${k.config.publicUrl}/api/auth/oidc/callback`;
}

function clientConfig(k: Kernel): Promise<oidc.Configuration> {
  let c = configs.get(k);
  if (!c) {
    const issuer = new URL(k.config.OIDC_ISSUER!);
    const secret = k.config.OIDC_CLIENT_SECRET;
    // Plain http only for a provider on this machine outside production (tests, development).
    const insecure = issuer.protocol === 'http:' && k.config.NODE_ENV !== 'production';
    c = oidc.discovery(
      issuer,
      k.config.OIDC_CLIENT_ID!,
      secret ? { client_secret: secret } : undefined,
      secret ? oidc.ClientSecretBasic(secret) : oidc.None(),
      insecure ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    // A failed discovery is retried on the next sign-in, not cached.
    c.catch(() => configs.delete(k));
    configs.set(k, c);
  }
  return c;
}

function fail(k: Kernel, reason: string): AppError {
  return new AppError('OIDC_FAILED', { name: k.config.OIDC_NAME, reason });
}

/** Only paths of this site: an open redirect would let a phishing link borrow our sign-in. */
export function safeReturnTo(v: string | undefined): string {
  if (!v || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/\\')) return '/';
  return v.slice(0, 500);
}

export async function oidcStart(k: Kernel, returnTo: string | undefined): Promise<{ url: string; state: string }> {
  if (!oidcEnabled(k)) throw new AppError('OIDC_DISABLED', { name: k.config.OIDC_NAME });
  const config = await clientConfig(k).catch((e: Error) => {
    throw fail(k, `không kết nối được nhà cung cấp (${e.message.slice(0, 100)})`);
  });
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  await insertOidcFlow(k.db, { state, nonce, code_verifier: verifier, return_to: safeReturnTo(returnTo), expires_at: new Date(Date.now() + 600_000) });
  const url = oidc
    .buildAuthorizationUrl(config, {
      redirect_uri: redirectUri(k),
      scope: 'openid profile email',
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })
    .toString();
  return { url, state };
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** Finishes the flow: exchanges the code, finds or creates the citizen, opens a session. */
export async function oidcCallback(
  k: Kernel,
  ctx: Ctx,
  callbackUrl: URL,
  meta: ClientMeta,
  browserState: string | undefined,
): Promise<{ session: NewSession; returnTo: string }> {
  if (!oidcEnabled(k)) throw new AppError('OIDC_DISABLED', { name: k.config.OIDC_NAME });
  const state = callbackUrl.searchParams.get('state');
  if (!state) throw fail(k, 'thiếu tham số state');
  // The flow must come back to the browser that started it: otherwise someone could
  // hand a victim a callback link and sign them into the sender's account (login CSRF).
  if (browserState !== state) throw fail(k, 'phiên đăng nhập không khớp với trình duyệt');
  const flow = await takeOidcFlow(k.db, state);
  if (!flow) throw fail(k, 'phiên đăng nhập đã hết hạn hoặc không hợp lệ');
  const config = await clientConfig(k);
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = { ...(tokens.claims() ?? {}) };
    const sub = String(claims.sub);
    // Providers often keep profile claims out of the ID token: ask userinfo for the rest.
    if (!personalIdClaims(k).some((c) => claims[c]) || !claims.name) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
      claims = { ...info, ...claims };
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw fail(k, (e as Error).message.slice(0, 200));
  }
  const issuer = config.serverMetadata().issuer;
  const subject = String(claims.sub);
  const account = await findOrCreate(k, ctx, issuer, subject, claims);
  const session = await createSession(k, ctx, account, meta, `oidc:${issuer}`);
  return { session, returnTo: flow.return_to };
}

async function findOrCreate(k: Kernel, ctx: Ctx, issuer: string, subject: string, claims: Record<string, unknown>): Promise<AccountRow> {
  const linked = await oidcLinkedAccount(k.db, issuer, subject);
  if (linked) {
    const a = await accountById(k.db, linked);
    if (!a || !a.active) throw fail(k, 'tài khoản đã bị vô hiệu hóa');
    return a;
  }
  const personalId = personalIdClaims(k).map((c) => str(claims[c])).find(Boolean) ?? null;
  if (!personalId) {
    // The province's own provider vouches for its officials by their work email: link the official's account.
    const verified = str(claims.email) && claims.email_verified === true ? normaliseEmail(String(claims.email)) : null;
    const official = verified ? await accountByEmail(k.db, verified) : undefined;
    if (official && official.kind === 'official') {
      if (!official.active) throw fail(k, 'tài khoản đã bị vô hiệu hóa');
      await transaction(k.db, async (tx) => {
        await insertOidcLink(tx, issuer, subject, official.id);
        await k.audit.record(tx, ctx, { action: 'identity.oidc.link', entity: 'account', entityId: official.id, after: { issuer, subject, by: 'email' } });
      });
      return official;
    }
    throw fail(k, 'nhà cung cấp không trả về số định danh cá nhân');
  }
  const problem = cccdProblem(personalId);
  if (problem) throw fail(k, problem);
  const name = str(claims.name) ?? ([str(claims.family_name), str(claims.given_name)].filter(Boolean).join(' ') || 'Công dân');
  let email = str(claims.email) ? normaliseEmail(String(claims.email)) : null;
  if (email && claims.email_verified === false) email = null;
  let phone = str(claims.phone_number) ? normalisePhone(String(claims.phone_number)) : null;

  return transaction(k.db, async (tx) => {
    const existing = await tx.selectFrom('account').select('id').where('personal_id', '=', personalId).executeTakeFirst();
    let accountId: string;
    if (existing) {
      // The provider vouches for the personal ID: the citizen who registered with a password gets the link.
      accountId = existing.id;
    } else {
      const taken = await takenIdentifiers(tx, { email, phone });
      if (taken.email) email = null; // the address belongs to another account: keep the account, not the clash
      if (taken.phone) phone = null;
      const a = await insertAccount(tx, {
        kind: 'citizen', name, personal_id: personalId, tax_code: null, official_id: null,
        email, phone, password_hash: null, totp_secret: null,
      });
      accountId = a.id;
      await k.audit.record(tx, ctx, {
        action: 'identity.account.register', entity: 'account', entityId: a.id,
        after: { kind: 'citizen', name, email, via: issuer },
      });
    }
    await insertOidcLink(tx, issuer, subject, accountId);
    await k.audit.record(tx, ctx, { action: 'identity.oidc.link', entity: 'account', entityId: accountId, after: { issuer, subject } });
    return (await accountById(tx, accountId))!;
  });
}
