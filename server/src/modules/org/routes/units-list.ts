import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, text, unitCode, unitSchema, unitTypes, unitView } from '../http.js';
import { listUnits } from '../org.repo.js';

export function unitsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/units',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Danh mục đơn vị hành chính (tìm không dấu, lọc theo cấp trên, loại)',
        querystring: z
          .object({
            parent: unitCode.optional(),
            q: text(100).optional(),
            type: z.enum(unitTypes).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(unitSchema), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await listUnits(k.db, req.query);
      return { items: r.items.map(unitView), total: r.total };
    },
  );
}
