import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { assignRole } from '../admin.service.js';
import { TAG } from '../http.js';

export function adminRolesAssignRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/accounts/:id/roles',
    {
      config: { access: { action: 'identity.role.assign' } },
      schema: {
        tags: [TAG],
        summary: 'Gán vai trò cho tài khoản cán bộ trên một phạm vi (đơn vị hành chính, cơ quan)',
        params: z.object({ id: z.uuid('Mã tài khoản không hợp lệ') }),
        body: z
          .object({
            role: z.string().min(1).max(50),
            unitCode: z.string().trim().min(1).max(20).optional(),
            agencyId: z.uuid('Mã cơ quan không hợp lệ').optional(),
          })
          .strict(),
        response: { 201: z.object({ id: z.string() }) },
      },
    },
    async (req, reply) => {
      const id = await assignRole(k, ctxOf(req), req.params.id, req.body);
      return reply.code(201).send({ id });
    },
  );
}
