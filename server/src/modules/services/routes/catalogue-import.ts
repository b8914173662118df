import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { type App, XLSX_MIME } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { importCatalogue, parseXlsx } from '../catalogue.service.js';
import { MANAGE_CATALOGUE, TAG } from '../http.js';

const result = z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), total: z.number() });

export function catalogueImportRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/procedures/import',
    {
      config: { access: { action: MANAGE_CATALOGUE } },
      schema: {
        tags: [TAG],
        summary: `Nhập danh mục thủ tục: mảng JSON, hoặc tệp .xlsx đã xuất (Content-Type: ${XLSX_MIME}); tất cả hoặc không gì cả`,
        body: z.union([z.array(z.unknown()).max(5000), z.any().describe('tệp .xlsx')]),
        response: { 200: result },
      },
    },
    async (req) => {
      const items = Buffer.isBuffer(req.body) ? await parseXlsx(req.body) : req.body;
      return importCatalogue(k, ctxOf(req), items);
    },
  );
}
