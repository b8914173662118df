import { errors } from '../errors.js';

/**
 * Authorization is data: a role grants actions on a scope. The identity module
 * turns a session or token into an `Actor` with its grants; the kernel only
 * checks them, so it knows nothing of accounts or roles tables.
 */
export type ActorKind = 'citizen' | 'business' | 'official' | 'partner' | 'system';

export interface Scope {
  /** Materialised path of an administrative unit, e.g. `37` or `37.13285`; the grant covers the subtree. */
  unitPath?: string | null;
  /** An agency id; a grant with an agency covers only that agency. */
  agencyId?: string | null;
}

export interface Grant {
  role: string;
  /** Action names like `org.unit.write`; `org.*` or `*` are wildcards. */
  actions: string[];
  scope: Scope;
}

export interface Actor {
  kind: ActorKind;
  /** Account id (citizen, business, official) or partner id. */
  id: string;
  name: string;
  grants: Grant[];
  /** Session id when signed in through a browser session. */
  sessionId?: string;
  /** The official's agency, when any. */
  agencyId?: string | null;
}

/**
 * What a route needs, declared on every route (`config.access`):
 * - `public`: anyone, signed in or not;
 * - `signed-in`: any signed-in actor;
 * - `{ kinds }`: a signed-in actor of one of these kinds (e.g. a citizen's own data);
 * - `{ action }`: an actor holding a grant for the action on some scope; the
 *   handler then checks the resource's own scope with `authorize`.
 */
export type Access =
  | 'public'
  | 'signed-in'
  | { kinds: ActorKind[] }
  | { action: string };

function actionMatches(granted: string, wanted: string): boolean {
  if (granted === '*' || granted === wanted) return true;
  if (granted.endsWith('.*')) return wanted.startsWith(granted.slice(0, -1));
  return false;
}

function pathCovers(grantPath: string | null | undefined, resourcePath: string | null | undefined): boolean {
  if (!grantPath) return true; // no unit restriction
  if (!resourcePath) return false;
  return resourcePath === grantPath || resourcePath.startsWith(grantPath + '.');
}

/** True when the actor holds `action` on a scope covering `scope` (or on any scope when none is given). */
export function can(actor: Actor | null | undefined, action: string, scope?: Scope): boolean {
  if (!actor) return false;
  return actor.grants.some((g) => {
    if (!g.actions.some((a) => actionMatches(a, action))) return false;
    if (!scope) return true;
    if (!pathCovers(g.scope.unitPath, scope.unitPath)) return false;
    if (g.scope.agencyId && g.scope.agencyId !== scope.agencyId) return false;
    return true;
  });
}

/** Throws 401/403 unless the actor may do `action` on `scope`. */
export function authorize(actor: Actor | null | undefined, action: string, scope?: Scope): asserts actor is Actor {
  if (!actor) throw errors.unauthenticated();
  if (!can(actor, action, scope)) throw errors.forbidden(action);
}

/** The unit paths an actor may act on for `action` (null: everywhere), for scoped list queries. */
export function scopesFor(actor: Actor | null | undefined, action: string): Scope[] | null {
  if (!actor) return [];
  const gs = actor.grants.filter((g) => g.actions.some((a) => actionMatches(a, action)));
  if (gs.some((g) => !g.scope.unitPath && !g.scope.agencyId)) return null;
  return gs.map((g) => g.scope);
}

export function checkAccess(actor: Actor | null | undefined, access: Access): void {
  if (access === 'public') return;
  if (!actor) throw errors.unauthenticated();
  if (access === 'signed-in') return;
  if ('kinds' in access) {
    if (!access.kinds.includes(actor.kind)) throw errors.forbidden(access.kinds.join('|'));
    return;
  }
  if (!can(actor, access.action)) throw errors.forbidden(access.action);
}
