import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { rate } from '../dossier.service.js';
import { dossierViewSchema, TAG, uuidParam } from '../http.js';

export function dossierRateRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/rating',
    {
      config: { access: { kinds: ['citizen', 'business'] } },
      schema: {
        tags: [TAG],
        summary: 'Người nộp đánh giá việc giải quyết sau khi nhận kết quả (hài lòng / chưa hài lòng kèm lý do)',
        params: z.object({ id: uuidParam }),
        body: z.object({ rating: z.enum(['satisfied', 'unsatisfied']), reason: z.string().trim().max(1000).optional() }).strict(),
        response: { 200: dossierViewSchema },
      },
    },
    async (req) => rate(k, ctxOf(req), req.params.id, req.body),
  );
}
