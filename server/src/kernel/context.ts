import type { FastifyRequest } from 'fastify';
import type { Lang } from './errors.js';
import type { Actor } from './http/access.js';

/** Who is acting and on whose request: passed to every service call, never kept globally. */
export interface Ctx {
  actor: Actor | null;
  requestId?: string;
  lang: Lang;
  ip?: string;
}

export function ctxOf(req: FastifyRequest): Ctx {
  return { actor: req.actor, requestId: req.id, lang: req.lang, ip: req.ip };
}

/** The context of work the platform does by itself (jobs, seeds, the command line). */
export function systemCtx(name = 'congso'): Ctx {
  return { actor: { kind: 'system', id: 'system', name, grants: [{ role: 'system', actions: ['*'], scope: {} }] }, lang: 'vi' };
}
