import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { createFolder, fileDocument, folders, folderView } from '../document.service.js';
import { plainText, TAG, uuidParam } from '../http.js';

export function folderRoutes(app: App, k: Kernel) {
  app.get('/api/documents/folders', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Hồ sơ công việc trong phạm vi' },
  }, async (req) => folders(k, ctxOf(req)));

  app.post('/api/documents/folders', {
    config: { access: { action: 'documents.read' } },
    schema: {
      tags: [TAG], summary: 'Mở một hồ sơ công việc',
      body: z.object({
        code: z.string().regex(/^[A-Za-z0-9.\-/]{1,40}$/, 'Số, ký hiệu hồ sơ gồm chữ, số và . - /'),
        title: plainText(3, 500, 'Tiêu đề hồ sơ'),
        year: z.number().int().min(2000).max(2200).optional(),
        retention: plainText(1, 100, 'Thời hạn bảo quản').optional(),
      }).strict(),
    },
  }, async (req, reply) => reply.code(201).send(await createFolder(k, ctxOf(req), req.body)));

  app.get('/api/documents/folders/:id', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Một hồ sơ công việc và các văn bản trong đó', params: z.object({ id: uuidParam }) },
  }, async (req) => folderView(k, ctxOf(req), req.params.id));

  app.post('/api/documents/folders/:id/documents', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Đưa một văn bản vào hồ sơ (tham chiếu, không sao chép)', params: z.object({ id: uuidParam }), body: z.object({ documentId: uuidParam }).strict() },
  }, async (req) => fileDocument(k, ctxOf(req), req.params.id, req.body.documentId));
}
