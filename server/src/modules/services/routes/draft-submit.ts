import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { submitDraft } from '../dossier.service.js';
import { dossierViewSchema, idempotencyHeaders, TAG, uuidParam } from '../http.js';

export function draftSubmitRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossier-drafts/:id/submit',
    {
      config: { access: { kinds: ['citizen', 'business', 'official'] } },
      schema: {
        tags: [TAG],
        summary: 'Nộp hồ sơ: kiểm tra đủ biểu mẫu, tệp đính kèm, người nộp; cấp mã hồ sơ. Cán bộ một cửa nộp thay (kênh trực tiếp/bưu chính) thì hồ sơ được tiếp nhận ngay. Cùng Idempotency-Key → cùng một hồ sơ',
        params: z.object({ id: uuidParam }),
        headers: idempotencyHeaders,
        body: z.object({ channel: z.enum(['desk', 'post']).optional() }).strict().optional(),
        response: { 201: dossierViewSchema, 200: dossierViewSchema },
      },
    },
    async (req, reply) => {
      const r = await submitDraft(k, ctxOf(req), req.params.id, req.body ?? {}, req.headers['idempotency-key']);
      return reply.code(r.replayed ? 200 : 201).send(r.dossier);
    },
  );
}
