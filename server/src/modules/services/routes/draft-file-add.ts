import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { attachToDraft } from '../dossier.service.js';
import { fileViewSchema, TAG, uuidParam } from '../http.js';

export function draftFileAddRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossier-drafts/:id/files',
    {
      config: { access: 'signed-in' },
      bodyLimit: k.config.UPLOAD_LIMIT_BYTES,
      schema: {
        tags: [TAG],
        summary: 'Đính kèm một tệp (PDF, JPEG, PNG gửi nguyên nội dung) vào một thành phần hồ sơ nháp; loại tệp xét theo nội dung',
        params: z.object({ id: uuidParam }),
        querystring: z.object({ component: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Khóa thành phần hồ sơ không hợp lệ'), name: z.string().min(1).max(255) }),
        response: { 201: fileViewSchema },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF, JPEG hoặc PNG với Content-Type tương ứng');
      return reply.code(201).send(await attachToDraft(k, ctxOf(req), req.params.id, req.query.component, req.query.name, req.body));
    },
  );
}
