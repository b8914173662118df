import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { PARTNER_TAG } from '../http.js';
import { partnerCall, partnerDossierStatus } from '../partner.service.js';

export function partnerDossierStatusRoute(app: App, k: Kernel) {
  app.get(
    '/api/exchange/v1/dossiers/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'API đối tác: trạng thái một hồ sơ (cần mã truy cập có phạm vi dossier.status.read và quyền do cơ quan giải quyết cấp)',
        security: [{ bearer: [] }],
        params: z.object({ code: z.string().regex(/^[A-Za-z0-9._-]{4,64}$/, 'Mã hồ sơ không hợp lệ') }),
        response: {
          200: z.object({
            code: z.string(), procedureCode: z.string(), procedureName: z.string(), handlerName: z.string(), state: z.string(),
            submittedAt: z.date(), receivedAt: z.date().nullable(), dueAt: z.date().nullable(), finishedAt: z.date().nullable(), returnedAt: z.date().nullable(),
          }),
        },
      },
    },
    async (req, reply) => partnerCall(k, req, reply, 'dossiers.status', (auth) => partnerDossierStatus(k, auth, req.params.code)),
  );
}
