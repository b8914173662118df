import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { listSectors } from '../catalogue.repo.js';
import { TAG } from '../http.js';

export function sectorsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/procedure-sectors',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Lĩnh vực thủ tục hành chính và số thủ tục của mỗi lĩnh vực',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), count: z.number() })) }) },
      },
    },
    async () => ({ items: await listSectors(k.db) }),
  );
}
