import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { idempotencyHeaders, plainText, reportViewSchema, TAG, uuidParam } from '../http.js';
import { act } from '../report.service.js';
import { reportCaseType } from '../report.workflow.js';

const actions = Object.keys(reportCaseType.actions) as [string, ...string[]];

export function reportActRoute(app: App, k: Kernel) {
  app.post('/api/feedback/reports/:id/actions/:action', {
    // Who may take which action is the case type's table (roles and scope), checked by the case engine.
    config: { access: 'signed-in' },
    schema: {
      tags: [TAG],
      summary: 'Thao tác: phân loại (đổi lĩnh vực, xã phường), từ chối (lý do), gộp trùng, giao xử lý, nhận xử lý, đề nghị bổ sung, bổ sung, trả lời, trả lại, công khai, đánh giá, mở lại, đóng',
      params: z.object({ id: uuidParam, action: z.enum(actions) }),
      headers: idempotencyHeaders,
      body: z.object({
        reason: plainText(1, 2000, 'Lý do').optional(),
        duplicateOf: z.string().max(40).optional(),
        assigneeId: uuidParam.optional(),
        question: plainText(1, 2000, 'Nội dung đề nghị').optional(),
        info: plainText(1, 5000, 'Thông tin bổ sung').optional(),
        answer: plainText(1, 20000, 'Nội dung trả lời').optional(),
        rating: z.enum(['satisfied', 'unsatisfied']).optional(),
        categoryCode: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Lĩnh vực không hợp lệ').optional(),
        unitCode: z.string().regex(/^\d{5}$/, 'Mã xã, phường gồm 5 chữ số').optional(),
        note: plainText(1, 2000, 'Ghi chú').optional(),
        expectedVersion: z.number().int().positive().optional(),
      }).strict(),
      response: { 200: reportViewSchema },
    },
  }, async (req) => {
    const { expectedVersion, ...payload } = req.body;
    return act(k, ctxOf(req), req.params.id, req.params.action, payload, req.headers['idempotency-key'], expectedVersion);
  });
}
