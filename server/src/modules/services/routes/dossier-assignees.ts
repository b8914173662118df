import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { assignees } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function dossierAssigneesRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id/assignees',
    {
      config: { access: { action: 'services.dossier.assign' } },
      schema: {
        tags: [TAG],
        summary: 'Những người có thể được phân công xử lý hồ sơ (chuyên viên, trưởng phòng trong phạm vi của hồ sơ)',
        params: z.object({ id: uuidParam }),
        response: { 200: z.object({ items: z.array(z.object({ id: z.string(), name: z.string(), email: z.string().nullable() })) }) },
      },
    },
    async (req) => ({ items: await assignees(k, ctxOf(req), req.params.id) }),
  );
}
