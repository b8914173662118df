import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { agencyKinds, agencySchema, agencyView, email, optText, phone, TAG, text, unitCode, uuid } from '../http.js';
import { createAgency } from '../org.service.js';

export const agencyCode = z.string().regex(/^[A-Z0-9][A-Z0-9.-]{1,29}$/, 'Mã cơ quan gồm chữ in hoa, số, dấu chấm, gạch (2–30 ký tự)');

export function agencyCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/agencies',
    {
      config: { access: { action: 'org.agency.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Thêm cơ quan',
        body: z
          .object({
            code: agencyCode,
            name: text(200),
            shortName: optText(50),
            nameEn: optText(200),
            kind: z.enum(agencyKinds),
            unitCode,
            parentId: uuid('Cơ quan cấp trên').nullable().optional(),
            email: email.nullable().optional(),
            phone: phone.nullable().optional(),
            address: optText(300),
          })
          .strict(),
        response: { 201: agencySchema },
      },
    },
    async (req, reply) => reply.code(201).send(agencyView(await createAgency(k, ctxOf(req), req.body))),
  );
}
