import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { deleteDraft } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function draftDeleteRoute(app: App, k: Kernel) {
  app.delete(
    '/api/dossier-drafts/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Xóa hồ sơ nháp chưa nộp', params: z.object({ id: uuidParam }), response: { 204: z.null() } },
    },
    async (req, reply) => {
      await deleteDraft(k, ctxOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
