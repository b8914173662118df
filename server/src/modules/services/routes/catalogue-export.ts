import { z } from 'zod';
import { type App, XLSX_MIME } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { catalogueXlsx, exportCatalogue } from '../catalogue.service.js';
import { TAG } from '../http.js';

export function catalogueExportRoute(app: App, k: Kernel) {
  app.get(
    '/api/procedures/export',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Xuất toàn bộ danh mục thủ tục (phiên bản hiện hành) dạng JSON hoặc .xlsx',
        querystring: z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict(),
        response: { 200: z.any() },
      },
    },
    async (req, reply) => {
      const items = await exportCatalogue(k);
      const date = new Date().toISOString().slice(0, 10);
      if (req.query.format === 'xlsx') {
        return reply
          .type(XLSX_MIME)
          .header('content-disposition', `attachment; filename="danh-muc-thu-tuc-${date}.xlsx"`)
          .send(await catalogueXlsx(items));
      }
      return reply.header('content-disposition', `attachment; filename="danh-muc-thu-tuc-${date}.json"`).send(items);
    },
  );
}
