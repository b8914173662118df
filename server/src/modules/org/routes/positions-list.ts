import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { listPositions } from '../org.repo.js';

export function positionsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/positions',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Danh mục chức vụ',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable(), rank: z.number() })) }) },
      },
    },
    async () => ({ items: (await listPositions(k.db)).map((p) => ({ code: p.code, name: p.name, nameEn: p.name_en, rank: p.rank })) }),
  );
}
