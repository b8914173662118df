import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, uuidParam } from '../http.js';
import { attachJointResult } from '../joint.js';

/**
 * An agency taking part in joint processing (liên thông) attaches its own result
 * to the step it holds: a PDF, signed with the agency's organisation signature
 * when the platform holds its key. Officials of the agency holding the step only.
 */
export function dossierJointResultRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/joint-results',
    {
      config: { access: 'signed-in' },
      bodyLimit: k.config.UPLOAD_LIMIT_BYTES,
      schema: {
        tags: [TAG],
        summary: 'Cơ quan đang giữ bước liên thông đính kèm kết quả phần việc của mình (tệp PDF, gửi nguyên nội dung; được ký số bằng chữ ký số của cơ quan)',
        params: z.object({ id: uuidParam }),
        querystring: z.object({ name: z.string().trim().min(1, 'Nhập tên tệp').max(255, 'Tên tệp tối đa 255 ký tự') }),
        response: {
          201: z.object({
            fileId: z.string(), name: z.string(), mime: z.string(), size: z.number(), signed: z.boolean(), addedAt: z.date(), stepNo: z.number(), agencyCode: z.string(),
          }),
        },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF với Content-Type application/pdf');
      return reply.code(201).send(await attachJointResult(k, ctxOf(req), req.params.id, req.query.name, req.body));
    },
  );
}
