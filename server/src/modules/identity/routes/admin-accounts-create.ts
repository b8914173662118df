import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { createOfficialAccount } from '../admin.service.js';
import { TAG } from '../http.js';

export function adminAccountsCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/accounts',
    {
      config: { access: { action: 'identity.account.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Tạo tài khoản đăng nhập cho một cán bộ',
        body: z
          .object({
            officialId: z.uuid('Mã cán bộ không hợp lệ'),
            email: z.email('Địa chỉ email không hợp lệ').max(254),
            password: z.string().min(1).max(256),
          })
          .strict(),
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (req, reply) => {
      const id = await createOfficialAccount(k, ctxOf(req), req.body);
      return reply.code(201).send({ id });
    },
  );
}
