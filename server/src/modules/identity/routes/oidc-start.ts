import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { OIDC_COOKIE_PATH, OIDC_STATE_COOKIE, TAG } from '../http.js';
import { oidcStart } from '../oidc.service.js';

export function oidcStartRoute(app: App, k: Kernel) {
  app.get(
    '/api/auth/oidc/start',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Bắt đầu đăng nhập qua OpenID Connect (chuyển hướng tới nhà cung cấp)',
        querystring: z.object({ returnTo: z.string().max(500).optional() }).strict(),
        response: { 302: z.null() },
      },
    },
    async (req, reply) => {
      const { url, state } = await oidcStart(k, req.query.returnTo);
      reply.setCookie(OIDC_STATE_COOKIE, state, { path: OIDC_COOKIE_PATH, httpOnly: true, secure: k.config.COOKIE_SECURE, sameSite: 'lax', maxAge: 600 });
      return reply.code(302).header('location', url).header('cache-control', 'no-store').send(null);
    },
  );
}
