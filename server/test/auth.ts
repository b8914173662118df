import { sql } from 'kysely';
import { generate } from 'otplib';
import type { Actor } from '../src/kernel/http/access.js';
import type { App } from '../src/kernel/http/app.js';
import type { Ctx } from '../src/kernel/context.js';
import type { Kernel } from '../src/kernel/index.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, findAccountId, loadActor } from '../src/modules/identity/index.js';

/**
 * Test helpers for signing in. `login` goes through the real /api/auth/login
 * route and returns what a browser would keep: the cookies and the CSRF token
 * to echo in `x-csrf-token`. Spread `s.headers` into `app.inject({ headers })`.
 */

export { DEMO_PASSWORD, DEMO_TOTP_SECRET };

export interface TestSession {
  /** `cookie` and `x-csrf-token`: pass to app.inject as headers. */
  headers: { cookie: string; 'x-csrf-token': string };
  /** The cookie header alone (for testing requests without the CSRF header). */
  cookie: string;
  csrfToken: string;
  user: { id: string; kind: string; name: string; actions: string[]; [k: string]: unknown };
}

/** The current TOTP code of a secret (the demo officials share DEMO_TOTP_SECRET). */
export function totpNow(secret: string = DEMO_TOTP_SECRET): Promise<string> {
  return generate({ secret });
}

/**
 * Signs in through the API. Password defaults to the demo password; when the
 * account needs a TOTP code and none is given, the demo secret's current code is sent.
 */
export async function login(app: App, identifier: string, password: string = DEMO_PASSWORD, totp?: string): Promise<TestSession> {
  const call = (code?: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { identifier, password, ...(code ? { totp: code } : {}) } });
  let r = await call(totp);
  if (r.statusCode === 401 && totp === undefined && r.json().totpRequired) r = await call(await totpNow());
  if (r.statusCode !== 200) throw new Error(`login ${identifier} failed: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const body = r.json();
  return { headers: { cookie, 'x-csrf-token': body.csrfToken }, cookie, csrfToken: body.csrfToken, user: body.user };
}

/** The actor of an account (by email, personal ID or tax code) with its grants, for calling services directly. */
export async function actorFor(k: Kernel, identifier: string): Promise<Actor> {
  const id = await findAccountId(k, identifier);
  if (!id) throw new Error(`no account ${identifier}`);
  const actor = await loadActor(k, id);
  if (!actor) throw new Error(`account ${identifier} is inactive`);
  return actor;
}

/** A service context acting as that account. */
export async function ctxFor(k: Kernel, identifier: string): Promise<Ctx> {
  return { actor: await actorFor(k, identifier), lang: 'vi', requestId: `test-${identifier}` };
}

/**
 * A new official (no account yet) in an agency of the org demo seed, e.g.
 * 'UBND-13285' or 'STP'. Written straight into the org module's table: tests
 * need more officials than the demo has, and this helper does not depend on
 * the org routes' request shapes.
 */
export async function newOfficial(k: Kernel, agencyCode: string, email: string): Promise<string> {
  const r = await sql<{ id: string }>`
    INSERT INTO official (agency_id, position_code, full_name, email)
    SELECT a.id, (SELECT code FROM position ORDER BY rank, code LIMIT 1), ${'Cán bộ ' + email.split('@')[0]}, ${email}
      FROM agency a WHERE a.code = ${agencyCode}
    RETURNING id`.execute(k.db);
  if (!r.rows[0]) throw new Error(`no agency ${agencyCode} (or no position) in the org seed`);
  return r.rows[0].id;
}
