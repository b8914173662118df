import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { act } from '../dossier.service.js';
import { dossierCaseType } from '../dossier.workflow.js';
import { dossierViewSchema, idempotencyHeaders, TAG, uuidParam } from '../http.js';

const actions = Object.keys(dossierCaseType.actions) as [string, ...string[]];

export function dossierActRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/actions/:action',
    {
      // Who may take which action is the case type's table (roles and scope), checked by the case engine.
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Thao tác trên hồ sơ: tiếp nhận, từ chối (lý do), phân công, yêu cầu bổ sung (liệt kê đủ trong một lần), nộp bổ sung, trình, trả lại, phê duyệt, trả kết quả, dừng, rút, xin lỗi và hẹn lại (ngày mới, trước hạn)',
        params: z.object({ id: uuidParam, action: z.enum(actions) }),
        headers: idempotencyHeaders,
        body: z.object({
          reason: z.string().trim().max(2000).optional(),
          items: z.array(z.string().trim().min(1).max(500)).max(50).optional(),
          assigneeId: z.string().max(100).optional(),
          assigneeName: z.string().max(200).optional(),
          note: z.string().trim().max(2000).optional(),
          newDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày theo dạng YYYY-MM-DD').optional(),
          expectedVersion: z.number().int().positive().optional(),
        }).strict(),
        response: { 200: dossierViewSchema },
      },
    },
    async (req) => {
      const { expectedVersion, ...payload } = req.body;
      return (await act(k, ctxOf(req), req.params.id, req.params.action, payload, req.headers['idempotency-key'], expectedVersion)).dossier;
    },
  );
}
