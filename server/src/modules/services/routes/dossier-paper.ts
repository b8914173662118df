import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { paper } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function dossierPaperRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id/papers/:form',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Văn bản của hồ sơ (PDF, Thông tư 03/2025): phiếu yêu cầu bổ sung (Mẫu 02, ?lan=N), phiếu từ chối (03), văn bản xin lỗi và hẹn lại (04), thông báo dừng (05), phiếu kiểm soát quá trình (06)',
        params: z.object({ id: uuidParam, form: z.enum(['supplement', 'refusal', 'extension', 'stop', 'control']) }),
        querystring: z.object({ lan: z.coerce.number().int().min(1).max(20).optional() }),
      },
    },
    async (req, reply) => {
      const r = await paper(k, ctxOf(req), req.params.id, req.params.form, req.query.lan);
      return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${r.name}"`).header('cache-control', 'private, no-store').send(r.data);
    },
  );
}
