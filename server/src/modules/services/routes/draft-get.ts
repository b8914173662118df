import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { getDraft } from '../dossier.service.js';
import { draftViewSchema, TAG, uuidParam } from '../http.js';

export function draftGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossier-drafts/:id',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Một hồ sơ nháp của chính mình', params: z.object({ id: uuidParam }), response: { 200: draftViewSchema } },
    },
    async (req) => getDraft(k, ctxOf(req), req.params.id),
  );
}
