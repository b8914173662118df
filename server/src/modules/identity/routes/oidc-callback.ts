import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { AppError } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { clientMeta, OIDC_COOKIE_PATH, OIDC_STATE_COOKIE, setSessionCookies, TAG } from '../http.js';
import { oidcCallback } from '../oidc.service.js';

export function oidcCallbackRoute(app: App, k: Kernel) {
  app.get(
    '/api/auth/oidc/callback',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [TAG],
        summary: 'Nhà cung cấp OpenID Connect chuyển về sau khi đăng nhập',
        // The provider decides the parameters (code, state, iss, session_state, error...).
        querystring: z.record(z.string(), z.string()),
        response: { 302: z.null() },
      },
    },
    async (req, reply) => {
      const url = new URL(req.url, k.config.publicUrl);
      reply.clearCookie(OIDC_STATE_COOKIE, { path: OIDC_COOKIE_PATH });
      try {
        const { session, returnTo } = await oidcCallback(k, ctxOf(req), url, clientMeta(req), req.cookies[OIDC_STATE_COOKIE]);
        setSessionCookies(reply, k, session);
        return reply.code(302).header('location', returnTo).header('cache-control', 'no-store').send(null);
      } catch (e) {
        // The browser arrives here by redirect: send it to the sign-in page with the reason, not to a JSON error.
        if (!(e instanceof AppError)) throw e;
        req.log.warn({ err: e, code: e.code, params: e.params }, 'oidc sign-in failed');
        return reply.code(302).header('location', `/dang-nhap?loi=${encodeURIComponent(e.code.toLowerCase())}`).send(null);
      }
    },
  );
}
