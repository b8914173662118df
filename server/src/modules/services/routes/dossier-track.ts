import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { track } from '../dossier.service.js';
import { TAG } from '../http.js';

export function dossierTrackRoute(app: App, k: Kernel) {
  app.get(
    '/api/tracking/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Tra cứu công khai theo mã hồ sơ: trạng thái, ngày nộp, ngày hẹn trả, cơ quan giải quyết (không có thông tin cá nhân)',
        params: z.object({ code: z.string().min(4).max(64) }),
        response: {
          200: z.object({
            code: z.string(), procedureName: z.string(), handlerName: z.string(), state: z.string(), stateLabel: z.string(),
            submittedAt: z.date(), receivedAt: z.date().nullable(), dueAt: z.date().nullable(), finishedAt: z.date().nullable(), returnedAt: z.date().nullable(),
            // Who has the dossier now: the receiving body, or another agency of a joint process (liên thông).
            currentAgency: z.string(),
            jointSteps: z.array(z.object({
              agencyName: z.string(), label: z.string(), startedAt: z.date(), dueAt: z.date(), finishedAt: z.date().nullable(), outcome: z.string().nullable(), overdue: z.boolean(),
            })),
          }),
        },
      },
    },
    async (req) => track(k, req.params.code),
  );
}
