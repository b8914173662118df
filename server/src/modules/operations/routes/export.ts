import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { checkExport, EXPORT_TABLES, exportTable, toCsv, toXlsx } from '../export.service.js';
import { DASHBOARD_READ, levelQuery, TAG } from '../http.js';

export function exportRoutes(app: App, k: Kernel) {
  app.get('/api/operations/export/:table', {
    config: { access: { action: DASHBOARD_READ } },
    schema: {
      tags: [TAG], summary: 'Xuất một bảng của trung tâm điều hành (số liệu, đơn vị cấp dưới, chỉ tiêu, nhiệm vụ, dự án, DTI) ra .xlsx hoặc CSV',
      params: z.object({ table: z.enum(EXPORT_TABLES, { message: `Bảng (table) là một trong: ${EXPORT_TABLES.join(', ')}` }) }),
      querystring: levelQuery.extend({
        format: z.enum(['xlsx', 'csv'], { message: 'Định dạng (format) là xlsx hoặc csv' }).default('xlsx'),
        year: z.coerce.number().int().min(2020, 'Năm (year) từ 2020').max(2035, 'Năm (year) đến 2035').optional(),
      }).strict(),
    },
  }, async (req, reply) => {
    const ctx = ctxOf(req);
    checkExport(ctx);
    const { format, ...q } = req.query;
    const t = await exportTable(k, ctx, req.params.table, q);
    reply.header('content-disposition', `attachment; filename="dieu-hanh-${req.params.table}.${format}"`).header('cache-control', 'private, no-store');
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(t));
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx(t));
  });
}
