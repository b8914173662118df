import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { listRolesView } from '../admin.service.js';
import { TAG } from '../http.js';

export function adminRolesListRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/roles',
    {
      config: { access: { action: 'identity.role.assign' } },
      schema: {
        tags: [TAG],
        summary: 'Danh sách vai trò và các quyền của từng vai trò',
        response: {
          200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string(), actions: z.array(z.string()) })) }),
        },
      },
    },
    async () => ({ items: await listRolesView(k) }),
  );
}
