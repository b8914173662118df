import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { z } from 'zod';
import { logout } from '../auth.service.js';
import { clearSessionCookies, TAG } from '../http.js';

export function logoutRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/logout',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Đăng xuất (xóa phiên làm việc)', response: { 204: z.null() } },
    },
    async (req, reply) => {
      await logout(k, ctxOf(req));
      clearSessionCookies(reply, k);
      return reply.code(204).send(null);
    },
  );
}
