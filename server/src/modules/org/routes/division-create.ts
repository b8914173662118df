import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { divisionSchema, TAG, text, uuid } from '../http.js';
import { createDivision } from '../org.service.js';

export function divisionCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/agencies/:id/divisions',
    {
      config: { access: { action: 'org.agency.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Thêm phòng, ban vào cơ quan',
        params: z.object({ id: uuid('Mã cơ quan') }),
        body: z.object({ code: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{0,29}$/, 'Mã gồm chữ in hoa, số (tối đa 30 ký tự)'), name: text(200) }).strict(),
        response: { 201: divisionSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createDivision(k, ctxOf(req), req.params.id, req.body)),
  );
}
