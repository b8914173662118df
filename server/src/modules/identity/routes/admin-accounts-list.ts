import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { listAccounts } from '../admin.service.js';
import { roleViewSchema, TAG } from '../http.js';

export function adminAccountsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/accounts',
    {
      config: { access: { action: 'identity.account.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Tài khoản trong phạm vi quản trị (tìm theo tên, email, cơ quan)',
        querystring: z
          .object({
            q: z.string().trim().max(100).optional(),
            agencyId: z.uuid('Mã cơ quan không hợp lệ').optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                kind: z.enum(['citizen', 'business', 'official']),
                name: z.string(),
                email: z.string().nullable(),
                officialId: z.string().nullable(),
                agencyId: z.string().nullable(),
                agencyName: z.string().nullable(),
                locked: z.boolean(),
                totpEnabled: z.boolean(),
                roles: z.array(roleViewSchema),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await listAccounts(k, ctxOf(req), req.query) }),
  );
}
