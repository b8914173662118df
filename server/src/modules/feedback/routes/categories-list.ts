import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { categories } from '../report.service.js';

const limit = z.object({ days: z.number().optional(), hours: z.number().optional() }).passthrough();

export function categoriesListRoute(app: App, k: Kernel) {
  app.get('/api/feedback/categories', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Lĩnh vực phản ánh, kiến nghị và thời hạn xử lý của từng lĩnh vực',
      response: { 200: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), kind: z.string(), urgent: z.boolean(), limits: z.object({ triage: limit, answer: limit, publish: limit }) })) },
    },
  }, async () => categories(k));
}
