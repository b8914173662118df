import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { officialSchema, officialView, TAG, uuid } from '../http.js';
import { updateOfficial } from '../org.service.js';
import { officialBody } from './official-create.js';

export function officialUpdateRoute(app: App, k: Kernel) {
  app.patch(
    '/api/admin/officials/:id',
    {
      config: { access: { action: 'org.official.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Sửa thông tin, điều chuyển hoặc cho thôi việc cán bộ',
        params: z.object({ id: uuid('Mã cán bộ') }),
        body: officialBody.partial().extend({ active: z.boolean().optional() }).strict(),
        response: { 200: officialSchema },
      },
    },
    async (req) => officialView(await updateOfficial(k, ctxOf(req), req.params.id, req.body)),
  );
}
