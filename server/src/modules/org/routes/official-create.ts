import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { email, officialSchema, officialView, phone, TAG, text, uuid } from '../http.js';
import { createOfficial } from '../org.service.js';

export const officialBody = z
  .object({
    fullName: text(150),
    email: email.nullable().optional(),
    phone: phone.nullable().optional(),
    agencyId: uuid('Mã cơ quan'),
    divisionId: uuid('Mã phòng/ban').nullable().optional(),
    positionCode: z.string().regex(/^[a-z_]{2,40}$/, 'Mã chức vụ không hợp lệ'),
  })
  .strict();

export function officialCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/officials',
    {
      config: { access: { action: 'org.official.manage' } },
      schema: { tags: [TAG], summary: 'Thêm cán bộ, công chức', body: officialBody, response: { 201: officialSchema } },
    },
    async (req, reply) => reply.code(201).send(officialView(await createOfficial(k, ctxOf(req), req.body))),
  );
}
