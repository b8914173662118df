import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { createSession, register } from '../auth.service.js';
import { accountById } from '../account.repo.js';
import { clientMeta, sessionResponse, setSessionCookies, TAG } from '../http.js';
import { buildMe } from '../me.js';

export const registerBody = z
  .object({
    kind: z.enum(['citizen', 'business']),
    identifier: z.string().trim().min(1).max(20),
    name: z.string().trim().min(1).max(200),
    email: z.email('Địa chỉ email không hợp lệ').max(254).optional(),
    phone: z.string().trim().min(1).max(20).optional(),
    password: z.string().min(1).max(256),
  })
  .strict();

export function registerRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/register',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [TAG],
        summary: 'Đăng ký tài khoản công dân (số định danh cá nhân) hoặc doanh nghiệp (mã số thuế)',
        body: registerBody,
        response: { 201: sessionResponse },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      const id = await register(k, ctx, req.body);
      const a = (await accountById(k.db, id))!;
      const s = await createSession(k, ctx, a, clientMeta(req), 'register');
      setSessionCookies(reply, k, s);
      const user = (await buildMe(k.db, id, s.csrfToken))!;
      return reply.code(201).send({ user, csrfToken: s.csrfToken });
    },
  );
}
