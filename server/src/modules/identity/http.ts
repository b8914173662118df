import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type AppError, toProblem } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { pickLang } from '../../kernel/http/problems.js';
import type { ClientMeta, NewSession } from './auth.service.js';
import type { SessionMeRow } from './session.repo.js';

export const SESSION_COOKIE = 'congso_session';
export const CSRF_COOKIE = 'congso_csrf';

/** The session row `authenticate` found for a request, so that /me does not look it up twice. */
export const requestSessions = new WeakMap<object, SessionMeRow>();

export function setSessionCookies(reply: FastifyReply, k: Kernel, s: NewSession): void {
  const base = { path: '/', secure: k.config.COOKIE_SECURE, sameSite: 'lax' as const, expires: s.expiresAt };
  reply.setCookie(SESSION_COOKIE, s.token, { ...base, httpOnly: true });
  // Readable by the web app, which echoes it in x-csrf-token on unsafe requests.
  reply.setCookie(CSRF_COOKIE, s.csrfToken, { ...base, httpOnly: false });
}

/** Binds an OpenID Connect flow to the browser that started it (checked at the callback). */
export const OIDC_STATE_COOKIE = 'congso_oidc_state';
export const OIDC_COOKIE_PATH = '/api/auth/oidc';

export function clearSessionCookies(reply: FastifyReply, k: Kernel): void {
  const base = { path: '/', secure: k.config.COOKIE_SECURE, sameSite: 'lax' as const };
  reply.clearCookie(SESSION_COOKIE, { ...base, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, base);
}

export function clientMeta(req: FastifyRequest): ClientMeta {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

/** A problem+json with extension members (RFC 9457 §3.2), e.g. `totpRequired` or `lockedUntil`. */
export function sendProblemWith(reply: FastifyReply, req: FastifyRequest, err: AppError, extra: Record<string, unknown>) {
  const problem = { ...toProblem(err, pickLang(req), req.id, req.url.split('?')[0]), ...extra };
  return reply
    .code(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .serializer((p: unknown) => JSON.stringify(p))
    .send(problem);
}

export const roleViewSchema = z.object({
  id: z.string(),
  role: z.string(),
  roleName: z.string(),
  unitPath: z.string().nullable(),
  unitName: z.string().nullable(),
  agencyId: z.string().nullable(),
});

export const meSchema = z.object({
  id: z.string(),
  kind: z.enum(['citizen', 'business', 'official']),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  identifier: z.string(),
  agency: z.object({ id: z.string(), name: z.string() }).nullable(),
  roles: z.array(roleViewSchema),
  actions: z.array(z.string()),
  csrfToken: z.string(),
  totpEnabled: z.boolean(),
});

export const sessionResponse = z.object({ user: meSchema, csrfToken: z.string() });

export const TAG = 'identity';
