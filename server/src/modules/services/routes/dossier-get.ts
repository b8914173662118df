import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { view } from '../dossier.service.js';
import { dossierViewSchema, TAG, uuidParam } from '../http.js';

export function dossierGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Một hồ sơ: thành phần, tệp, nhật ký xử lý, thời hạn và các thao tác người xem được làm (người nộp hoặc cán bộ trong phạm vi)',
        params: z.object({ id: uuidParam }),
        response: { 200: dossierViewSchema },
      },
    },
    async (req) => view(k, ctxOf(req), req.params.id),
  );
}
