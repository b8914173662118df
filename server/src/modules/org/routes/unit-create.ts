import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { isoDate, TAG, text, unitCode, unitSchema, unitTypes, unitView } from '../http.js';
import { createUnit } from '../org.service.js';

export function unitCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/units',
    {
      config: { access: { action: 'org.unit.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Thêm đơn vị hành chính (kể cả đơn vị hình thành do sáp nhập)',
        body: z
          .object({
            code: unitCode,
            name: text(100),
            fullName: text(150),
            nameEn: text(150).nullable().optional(),
            type: z.enum(unitTypes),
            parentCode: unitCode.nullable().optional(),
            effectiveFrom: isoDate.optional(),
            predecessorCodes: z.array(unitCode).max(50).optional(),
          })
          .strict(),
        response: { 201: unitSchema },
      },
    },
    async (req, reply) => {
      const u = await createUnit(k, ctxOf(req), req.body);
      return reply.code(201).send(unitView(u));
    },
  );
}
