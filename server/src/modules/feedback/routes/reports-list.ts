import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { Kernel } from '../../../kernel/index.js';
import { reportSummarySchema, TAG } from '../http.js';
import { list, stats } from '../report.service.js';
import { reportStates } from '../report.workflow.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true').optional();

export function reportsListRoutes(app: App, k: Kernel) {
  app.get('/api/feedback/reports', {
    config: { access: 'signed-in' },
    schema: {
      tags: [TAG], summary: 'Phản ánh của tôi (người dân), hoặc hàng đợi xử lý trong phạm vi của cán bộ; theo xã, phường (unit) hoặc cơ quan (agency) và kết quả trong kỳ (danh sách sau mỗi số liệu phản ánh của trung tâm điều hành)',
      querystring: z.object({
        mine: bool, open: bool, overdue: bool, assignedToMe: bool,
        state: z.enum(reportStates).optional(),
        category: z.string().max(41).optional(),
        q: z.string().trim().max(100).optional(),
        unit: z.string().regex(/^[0-9]{2,5}$/, 'Mã đơn vị hành chính gồm 2–5 chữ số').optional(),
        agency: z.string().regex(/^[A-Za-z0-9._-]{1,30}$/, 'Mã cơ quan không hợp lệ').optional(),
        outcome: z.enum(['received', 'answered', 'answered_on_time', 'answered_late']).optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
      response: { 200: z.object({ items: z.array(reportSummarySchema), total: z.number() }) },
    },
  }, async (req) => {
    const { category, ...q } = req.query;
    return list(k, ctxOf(req), { ...q, categoryCode: category });
  });

  const row = z.object({ key: z.string(), total: z.number(), open: z.number(), overdue: z.number() });
  app.get('/api/feedback/stats', {
    config: { access: { action: 'feedback.read' } },
    schema: {
      tags: [TAG], summary: 'Số liệu cho lãnh đạo trong phạm vi: đang mở, quá hạn, theo lĩnh vực, theo xã phường, mức hài lòng',
      response: { 200: z.object({
        totals: z.object({ total: z.number(), open: z.number(), overdue: z.number(), answered: z.number(), answered_on_time: z.number(), rated: z.number(), satisfied: z.number() }),
        byCategory: z.array(row), byUnit: z.array(row), computedAt: z.date(),
      }) },
    },
  }, async (req) => stats(k, ctxOf(req)));
}
