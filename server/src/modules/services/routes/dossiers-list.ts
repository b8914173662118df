import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { Kernel } from '../../../kernel/index.js';
import { list } from '../dossier.service.js';
import { dossierStates } from '../dossier.workflow.js';
import { dossierSummarySchema, TAG } from '../http.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export function dossiersListRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Hồ sơ của tôi (công dân, doanh nghiệp) hoặc hàng đợi công việc của cán bộ trong phạm vi được giao: theo trạng thái, sắp đến hạn, quá hạn, được giao cho tôi; theo đơn vị và kết quả trong kỳ (danh sách sau mỗi số liệu của trung tâm điều hành)',
        querystring: z.object({
          mine: bool.optional(),
          state: z.union([z.enum(dossierStates), z.array(z.enum(dossierStates))]).optional().transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
          due: z.enum(['overdue', 'due_soon']).optional(),
          assignedToMe: bool.optional(),
          q: z.string().trim().max(100).optional(),
          unit: z.string().regex(/^[0-9]{2,5}$/, 'Mã đơn vị hành chính gồm 2–5 chữ số').optional(),
          agency: z.string().regex(/^[A-Za-z0-9.-]{1,30}$/, 'Mã cơ quan không hợp lệ').optional(),
          outcome: z.enum(['received', 'finished', 'early', 'on_time', 'late']).optional(),
          from: isoDate.optional(),
          to: isoDate.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          offset: z.coerce.number().int().min(0).max(100_000).default(0),
        }),
        response: { 200: z.object({ items: z.array(dossierSummarySchema), total: z.number() }) },
      },
    },
    async (req) => list(k, ctxOf(req), req.query),
  );
}
