import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { isoDate, TAG, text, unitCode, unitSchema, unitView } from '../http.js';
import { updateUnit } from '../org.service.js';

export function unitUpdateRoute(app: App, k: Kernel) {
  app.patch(
    '/api/admin/units/:code',
    {
      config: { access: { action: 'org.unit.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Sửa tên hoặc chấm dứt hiệu lực của đơn vị hành chính',
        params: z.object({ code: unitCode }),
        body: z
          .object({
            name: text(100).optional(),
            fullName: text(150).optional(),
            nameEn: text(150).nullable().optional(),
            effectiveTo: isoDate.nullable().optional(),
          })
          .strict(),
        response: { 200: unitSchema },
      },
    },
    async (req) => unitView(await updateUnit(k, ctxOf(req), req.params.code, req.body)),
  );
}
