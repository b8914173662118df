import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { searchProcedures } from '../catalogue.repo.js';
import { procedureSummary, summaryView, TAG } from '../http.js';

export function proceduresSearchRoute(app: App, k: Kernel) {
  app.get(
    '/api/procedures',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Tìm thủ tục hành chính (không dấu, chịu lỗi gõ), lọc theo lĩnh vực, cấp, cơ quan, mức độ trực tuyến',
        querystring: z
          .object({
            q: z.string().trim().max(200, 'Tối đa 200 ký tự').optional(),
            sector: z.string().regex(/^[a-z0-9-]{2,40}$/, 'Mã lĩnh vực không hợp lệ').optional(),
            level: z.enum(['province', 'commune']).optional(),
            agency: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{1,29}$/, 'Mã cơ quan không hợp lệ').optional(),
            online: z.enum(['full', 'partial']).optional(),
            limit: z.coerce.number().int().min(1).max(100).default(20),
            offset: z.coerce.number().int().min(0).max(100_000).default(0),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(procedureSummary), total: z.number() }) },
      },
    },
    async (req) => {
      const r = await searchProcedures(k.db, req.query);
      return { items: r.items.map(summaryView), total: r.total };
    },
  );
}
