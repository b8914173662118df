import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { receipt } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function dossierReceiptRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id/receipt.pdf',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01, PDF) của hồ sơ đã tiếp nhận', params: z.object({ id: uuidParam }) },
    },
    async (req, reply) => {
      const r = await receipt(k, ctxOf(req), req.params.id);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `inline; filename="${r.name}"`)
        .header('cache-control', 'private, no-store')
        .send(r.data);
    },
  );
}
