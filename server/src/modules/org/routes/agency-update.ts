import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { agencySchema, agencyView, email, optText, phone, TAG, text, uuid } from '../http.js';
import { updateAgency } from '../org.service.js';

export function agencyUpdateRoute(app: App, k: Kernel) {
  app.patch(
    '/api/admin/agencies/:id',
    {
      config: { access: { action: 'org.agency.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Sửa thông tin cơ quan (tên đổi theo sắp xếp tổ chức)',
        params: z.object({ id: uuid('Mã cơ quan') }),
        body: z
          .object({
            name: text(200).optional(),
            shortName: optText(50),
            nameEn: optText(200),
            parentId: uuid('Cơ quan cấp trên').nullable().optional(),
            email: email.nullable().optional(),
            phone: phone.nullable().optional(),
            address: optText(300),
            active: z.boolean().optional(),
          })
          .strict(),
        response: { 200: agencySchema },
      },
    },
    async (req) => agencyView(await updateAgency(k, ctxOf(req), req.params.id, req.body)),
  );
}
