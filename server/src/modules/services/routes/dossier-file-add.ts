import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { attachSupplement } from '../dossier.service.js';
import { fileViewSchema, TAG, uuidParam } from '../http.js';

export function dossierFileAddRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/files',
    {
      config: { access: 'signed-in' },
      bodyLimit: k.config.UPLOAD_LIMIT_BYTES,
      schema: {
        tags: [TAG],
        summary: 'Bổ sung một tệp cho hồ sơ đang chờ bổ sung (người nộp, hoặc bộ phận một cửa khi người dân nộp bổ sung bản giấy); gửi nguyên nội dung tệp',
        params: z.object({ id: uuidParam }),
        querystring: z.object({ component: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Khóa thành phần hồ sơ không hợp lệ'), name: z.string().min(1).max(255) }),
        response: { 201: fileViewSchema },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF, JPEG hoặc PNG với Content-Type tương ứng');
      return reply.code(201).send(await attachSupplement(k, ctxOf(req), req.params.id, req.query.component, req.query.name, req.body));
    },
  );
}
