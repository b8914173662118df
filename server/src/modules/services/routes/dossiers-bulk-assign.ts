import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { bulkAssign } from '../dossier.service.js';
import { idempotencyHeaders, TAG, uuidParam } from '../http.js';

export function dossiersBulkAssignRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/bulk-assign',
    {
      config: { access: { action: 'services.dossier.assign' } },
      schema: {
        tags: [TAG],
        summary: 'Phân công nhiều hồ sơ cho một người xử lý; mỗi hồ sơ được kiểm tra trạng thái và phạm vi riêng, hồ sơ không phân công được nêu lý do',
        headers: idempotencyHeaders,
        body: z.object({ ids: z.array(uuidParam).min(1).max(200), assigneeId: z.string().min(1).max(100), assigneeName: z.string().max(200).optional() }).strict(),
        response: {
          200: z.object({ assigned: z.array(z.string()), refused: z.array(z.object({ id: z.string(), code: z.string(), detail: z.string() })) }),
        },
      },
    },
    async (req) => bulkAssign(k, ctxOf(req), req.body, req.headers['idempotency-key']),
  );
}
