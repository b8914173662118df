import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { AppError } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { LockedError, login, logout } from '../auth.service.js';
import { clientMeta, sendProblemWith, sessionResponse, setSessionCookies, TAG } from '../http.js';
import { buildMe } from '../me.js';

export const loginBody = z
  .object({
    identifier: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(256),
    totp: z.string().trim().regex(/^\d{6}$/, 'Mã xác thực gồm 6 chữ số').optional(),
  })
  .strict();

export function loginRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [TAG],
        summary: 'Đăng nhập bằng email, số điện thoại, số định danh cá nhân hoặc mã số thuế',
        body: loginBody,
        response: { 200: sessionResponse },
      },
    },
    async (req, reply) => {
      try {
        const s = await login(k, ctxOf(req), req.body, clientMeta(req));
        // A session cookie sent along is replaced, not kept alive beside the new one.
        if (req.actor?.sessionId) await logout(k, ctxOf(req));
        setSessionCookies(reply, k, s);
        const user = (await buildMe(k.db, s.accountId, s.csrfToken))!;
        return { user, csrfToken: s.csrfToken };
      } catch (e) {
        if (e instanceof LockedError) return sendProblemWith(reply, req, e, { lockedUntil: e.until.toISOString() });
        if (e instanceof AppError && e.code === 'TOTP_REQUIRED') return sendProblemWith(reply, req, e, { totpRequired: true });
        throw e;
      }
    },
  );
}
