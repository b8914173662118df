import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { detachFromDraft } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function draftFileDeleteRoute(app: App, k: Kernel) {
  app.delete(
    '/api/dossier-drafts/:id/files/:fileId',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Bỏ một tệp khỏi hồ sơ nháp', params: z.object({ id: uuidParam, fileId: uuidParam }), response: { 204: z.null() } },
    },
    async (req, reply) => {
      await detachFromDraft(k, ctxOf(req), req.params.id, req.params.fileId);
      return reply.code(204).send(null);
    },
  );
}
