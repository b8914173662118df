import { z } from 'zod';
import { AppError } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, unitCode, unitSchema, unitView } from '../http.js';
import { childrenCount, predecessors, unitByCode } from '../org.repo.js';

export function unitGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/units/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Một đơn vị hành chính, số đơn vị trực thuộc và các đơn vị tiền thân',
        params: z.object({ code: unitCode }),
        response: {
          200: unitSchema.extend({
            childrenCount: z.number(),
            predecessors: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() })),
          }),
        },
      },
    },
    async (req) => {
      const u = await unitByCode(k.db, req.params.code);
      if (!u) throw new AppError('ORG_UNIT_NOT_FOUND', { code: req.params.code });
      return { ...unitView(u), childrenCount: await childrenCount(k.db, u.id), predecessors: await predecessors(k.db, u.id) };
    },
  );
}
