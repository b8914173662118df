import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { assign, handlerCandidates, receive, registerIncoming } from '../document.service.js';
import { idempotencyHeaders, plainText, receiveBody, TAG, toFile, UPLOAD_BODY_LIMIT, uuidParam } from '../http.js';

export function incomingRoutes(app: App, k: Kernel) {
  app.post('/api/documents/incoming', {
    config: { access: { action: 'documents.register' } },
    bodyLimit: UPLOAD_BODY_LIMIT,
    schema: { tags: [TAG], summary: 'Tiếp nhận văn bản đến bằng tệp PDF (kiểm tra chữ ký số, cảnh báo trùng số, ký hiệu, cơ quan ban hành)', headers: idempotencyHeaders, body: receiveBody },
  }, async (req, reply) => {
    const { file, ...meta } = req.body;
    return reply.code(201).send(await receive(k, ctxOf(req), { ...meta, file: toFile(file) }, req.headers['idempotency-key']));
  });

  app.post('/api/documents/:id/register', {
    config: { access: { action: 'documents.register' } },
    schema: { tags: [TAG], summary: 'Vào sổ văn bản đến: cấp số đến liên tiếp trong năm', params: z.object({ id: uuidParam }), headers: idempotencyHeaders },
  }, async (req) => registerIncoming(k, ctxOf(req), req.params.id, req.headers['idempotency-key']));

  app.post('/api/documents/:id/assign', {
    config: { access: { action: 'documents.incoming.assign' } },
    schema: {
      tags: [TAG], summary: 'Giao người chủ trì, người phối hợp xử lý văn bản đến và hạn xử lý (ngày, hoặc số ngày làm việc)',
      params: z.object({ id: uuidParam }), headers: idempotencyHeaders,
      body: z.object({
        leadId: uuidParam,
        coIds: z.array(uuidParam).max(20, 'Tối đa 20 người phối hợp').optional(),
        deadline: isoDate.nullable().optional(),
        deadlineDays: z.number().int().min(1, 'Hạn xử lý ít nhất 1 ngày làm việc').max(365).nullable().optional(),
        note: plainText(1, 2000, 'Ý kiến chỉ đạo').optional(),
      }).strict(),
    },
  }, async (req) => assign(k, ctxOf(req), req.params.id, req.body, req.headers['idempotency-key']));

  app.get('/api/documents/:id/handlers', {
    config: { access: { action: 'documents.incoming.assign' } },
    schema: { tags: [TAG], summary: 'Cán bộ có thể được giao xử lý văn bản này', params: z.object({ id: uuidParam }) },
  }, async (req) => handlerCandidates(k, ctxOf(req), req.params.id));
}
