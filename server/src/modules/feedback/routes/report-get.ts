import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { reportViewSchema, TAG, uuidParam } from '../http.js';
import { assignees, reportPhoto, view } from '../report.service.js';

export function reportGetRoutes(app: App, k: Kernel) {
  app.get('/api/feedback/reports/:id', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Một phản ánh: người gửi, hoặc cán bộ có phạm vi phụ trách', params: z.object({ id: uuidParam }), response: { 200: reportViewSchema } },
  }, async (req) => view(k, ctxOf(req), req.params.id));

  app.get('/api/feedback/reports/:id/photos/:position', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Ảnh của phản ánh (người gửi, cán bộ phụ trách)', params: z.object({ id: uuidParam, position: z.coerce.number().int().min(1).max(6) }) },
  }, async (req, reply) => {
    const m = await reportPhoto(k, ctxOf(req), req.params.id, req.params.position);
    return reply.header('content-type', m.mime).header('cache-control', 'private, max-age=60').send(m.data);
  });

  app.get('/api/feedback/reports/:id/assignees', {
    config: { access: { action: 'feedback.report.assign' } },
    schema: { tags: [TAG], summary: 'Cán bộ có thể giao xử lý phản ánh này (có quyền trả lời trong phạm vi của phản ánh)', params: z.object({ id: uuidParam }), response: { 200: z.array(z.object({ id: z.string(), name: z.string() })) } },
  }, async (req) => assignees(k, ctxOf(req), req.params.id));
}
