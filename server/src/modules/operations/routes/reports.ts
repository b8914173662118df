import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { REPORT_READ, TAG } from '../http.js';
import { monthlyReport, reportPdf, reportXlsx } from '../report.service.js';

export function reportRoutes(app: App, k: Kernel) {
  app.get('/api/operations/reports/monthly', {
    config: { access: { action: REPORT_READ } },
    schema: {
      tags: [TAG], summary: 'Báo cáo tháng gửi Ban Chỉ đạo (PDF hoặc .xlsx): số liệu toàn tỉnh, chỉ tiêu, nhiệm vụ, dự án, DTI',
      querystring: z.object({
        month: z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'Tháng (month) theo dạng YYYY-MM'),
        format: z.enum(['pdf', 'xlsx'], { message: 'Định dạng (format) là pdf hoặc xlsx' }).default('pdf'),
      }).strict(),
    },
  }, async (req, reply) => {
    const r = await monthlyReport(k, ctxOf(req), req.query.month);
    const name = `bao-cao-chuyen-doi-so-${req.query.month}.${req.query.format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store');
    if (req.query.format === 'xlsx') return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await reportXlsx(r));
    return reply.type('application/pdf').send(await reportPdf(r));
  });
}
