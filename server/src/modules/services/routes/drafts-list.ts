import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { listDrafts } from '../dossier.service.js';
import { TAG } from '../http.js';

export function draftsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossier-drafts',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Hồ sơ nháp chưa nộp của tài khoản đang đăng nhập',
        response: { 200: z.object({ items: z.array(z.object({ id: z.string(), procedure: z.object({ code: z.string(), name: z.string() }), updatedAt: z.date() })) }) },
      },
    },
    async (req) => ({ items: await listDrafts(k, ctxOf(req)) }),
  );
}
