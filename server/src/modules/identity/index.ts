import type { FastifyRequest } from 'fastify';
import { type Actor, can, type Grant, type Scope } from '../../kernel/http/access.js';
import type { Authentication } from '../../kernel/http/app.js';
import type { Kernel, Module } from '../../kernel/index.js';
import { accountById, accountByOfficial, accountsByLogin, accountsWithRoles, listRoles } from './account.repo.js';
import { classifyIdentifier } from './identifiers.js';
import './errors.js';
import { requestSessions, SESSION_COOKIE } from './http.js';
import { adminAccountsCreateRoute } from './routes/admin-accounts-create.js';
import { adminAccountsListRoute } from './routes/admin-accounts-list.js';
import { adminAccountsUnlockRoute } from './routes/admin-accounts-unlock.js';
import { adminRolesAssignRoute } from './routes/admin-roles-assign.js';
import { adminRolesListRoute } from './routes/admin-roles-list.js';
import { adminRolesRevokeRoute } from './routes/admin-roles-revoke.js';
import { loginRoute } from './routes/login.js';
import { logoutRoute } from './routes/logout.js';
import { meRoute } from './routes/me.js';
import { oidcCallbackRoute } from './routes/oidc-callback.js';
import { oidcInfoRoute } from './routes/oidc-info.js';
import { oidcStartRoute } from './routes/oidc-start.js';
import { passwordForgotRoute } from './routes/password-forgot.js';
import { passwordResetRoute } from './routes/password-reset.js';
import { registerRoute } from './routes/register.js';
import { totpEnableRoute } from './routes/totp-enable.js';
import { totpSetupRoute } from './routes/totp-setup.js';
import { identityCommands } from './commands.js';
import { identityBanner, seedIdentityDemo } from './seed.js';
import { accountActor, purgeExpired, sessionActor, toGrants } from './session.repo.js';
import { sessionCache } from './session-cache.js';
import { sha256 } from './tokens.js';

/**
 * Identity: accounts of citizens, businesses and officials, browser sessions
 * with CSRF tokens, TOTP, lockout, password reset, OpenID Connect sign-in, and
 * roles as data (grants of actions on a unit/agency scope).
 */

/** Session cookie → actor, on every request: one indexed query (see sessionActor), or the instance's short cache. */
export async function authenticate(k: Kernel, req: FastifyRequest): Promise<Authentication | null> {
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token || token.length > 100) return null;
  const hash = sha256(token);
  const cache = sessionCache(k);
  const key = cache ? hash.toString('base64') : '';
  let s = cache?.get(key);
  if (!s) {
    s = await sessionActor(k.db, hash);
    if (!s) return null;
    cache?.set(key, s);
  }
  requestSessions.set(req, s);
  return {
    actor: { kind: s.kind, id: s.account_id, name: s.name, grants: toGrants(s.grants), sessionId: s.session_id, agencyId: s.agency_id },
    csrfToken: s.csrf_token,
  };
}

/** The actor of an account with its current grants, for work done on its behalf outside a request. */
export async function loadActor(k: Kernel, accountId: string): Promise<Actor | null> {
  const a = await accountActor(k.db, accountId);
  if (!a) return null;
  return { kind: a.kind, id: a.account_id, name: a.name, grants: toGrants(a.grants), agencyId: a.agency_id };
}

/** Finds an account by email, personal ID or tax code (exact, normalised), e.g. for the command line. */
export async function findAccountId(k: Kernel, identifier: string): Promise<string | null> {
  const id = classifyIdentifier(identifier);
  const rows = await accountsByLogin(k.db, {
    email: id.kind === 'email' ? id.value : undefined,
    personalId: id.kind === 'personal_id' ? id.value : undefined,
    taxCode: id.kind === 'tax_code_or_phone' ? id.taxCode : undefined,
    phone: id.kind === 'tax_code_or_phone' ? id.phone : undefined,
  });
  return rows.length === 1 ? rows[0]!.id : null;
}

export interface AccountSummary {
  id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  email: string | null;
  phone: string | null;
  officialId: string | null;
  /** Personal ID (citizens) or tax code (businesses): prefills forms the account holder files. */
  identifier: string | null;
}

function summary(a: Awaited<ReturnType<typeof accountById>>): AccountSummary | null {
  if (!a) return null;
  return { id: a.id, kind: a.kind, name: a.name, email: a.email, phone: a.phone, officialId: a.official_id, identifier: a.personal_id ?? a.tax_code ?? null };
}

/** An account's public facts (name, contact), for notifications and display by other modules. */
export async function getAccount(k: Kernel, id: string): Promise<AccountSummary | null> {
  return summary(await accountById(k.db, id));
}

/**
 * The accounts that may take `action` on `scope` (their grants cover it) and
 * whose role is one of `roles` when given — e.g. the leaders to warn when a
 * dossier of their agency is overdue. Reads every holder of a matching role,
 * then checks each one's scope.
 */
export async function accountsFor(k: Kernel, action: string, scope: Scope, roles?: string[], grantFilter?: (g: Grant) => boolean): Promise<AccountSummary[]> {
  const matching = (await listRoles(k.db))
    .filter((r) => (!roles || roles.includes(r.code)) && can({ kind: 'official', id: '', name: '', grants: [{ role: r.code, actions: r.actions, scope: {} }] }, action))
    .map((r) => r.code);
  const out: AccountSummary[] = [];
  for (const id of await accountsWithRoles(k.db, matching)) {
    const actor = await loadActor(k, id);
    const grants = actor?.grants.filter((g) => (!roles || roles.includes(g.role)) && (!grantFilter || grantFilter(g))) ?? [];
    if (actor && can({ ...actor, grants }, action, scope)) {
      const a = await getAccount(k, id);
      if (a) out.push(a);
    }
  }
  return out;
}

/** The account of an official, if the official has one. */
export async function getAccountOfOfficial(k: Kernel, officialId: string): Promise<AccountSummary | null> {
  return summary(await accountByOfficial(k.db, officialId));
}

export { DEMO_PASSWORD, DEMO_TOTP_SECRET } from './seed.js';
export { maskId, cccdProblem, normaliseTaxCode, normalisePhone } from './identifiers.js';

/** Hourly: expired sessions, reset tokens, OIDC flows and stale failure counters. */
export const HOUSEKEEPING_TOPIC = 'identity.housekeeping';

export const identityModule: Module = {
  name: 'identity',
  routes(app, k) {
    loginRoute(app, k);
    logoutRoute(app, k);
    meRoute(app, k);
    registerRoute(app, k);
    passwordForgotRoute(app, k);
    passwordResetRoute(app, k);
    oidcInfoRoute(app, k);
    oidcStartRoute(app, k);
    oidcCallbackRoute(app, k);
    totpSetupRoute(app, k);
    totpEnableRoute(app, k);
    adminRolesListRoute(app, k);
    adminAccountsListRoute(app, k);
    adminAccountsCreateRoute(app, k);
    adminRolesAssignRoute(app, k);
    adminRolesRevokeRoute(app, k);
    adminAccountsUnlockRoute(app, k);
  },
  handlers(k) {
    k.outbox.every(HOUSEKEEPING_TOPIC, 3_600_000, async () => {
      const n = await purgeExpired(k.db);
      if (n.sessions || n.resets || n.flows || n.failures) k.log.info(n, 'identity housekeeping');
    });
  },
  authenticate,
  seedDemo: seedIdentityDemo,
  banner: identityBanner,
  commands: identityCommands,
};
