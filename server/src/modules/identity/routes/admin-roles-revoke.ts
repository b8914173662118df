import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { revokeRole } from '../admin.service.js';
import { TAG } from '../http.js';

export function adminRolesRevokeRoute(app: App, k: Kernel) {
  app.delete(
    '/api/admin/accounts/:id/roles/:assignmentId',
    {
      config: { access: { action: 'identity.role.assign' } },
      schema: {
        tags: [TAG],
        summary: 'Thu hồi một vai trò đã gán',
        params: z.object({ id: z.uuid('Mã tài khoản không hợp lệ'), assignmentId: z.uuid('Mã phân quyền không hợp lệ') }),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await revokeRole(k, ctxOf(req), req.params.id, req.params.assignmentId);
      return reply.code(204).send(null);
    },
  );
}
