import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { unlockAccount } from '../admin.service.js';
import { TAG } from '../http.js';

export function adminAccountsUnlockRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/accounts/:id/unlock',
    {
      config: { access: { action: 'identity.account.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Mở khóa tài khoản bị khóa do đăng nhập sai nhiều lần',
        params: z.object({ id: z.uuid('Mã tài khoản không hợp lệ') }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await unlockAccount(k, ctxOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
