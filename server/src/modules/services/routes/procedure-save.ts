import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { saveProcedure } from '../catalogue.service.js';
import { MANAGE_CATALOGUE, procedureCode, TAG } from '../http.js';

export function procedureSaveRoute(app: App, k: Kernel) {
  app.put(
    '/api/admin/procedures/:code',
    {
      config: { access: { action: MANAGE_CATALOGUE } },
      schema: {
        tags: [TAG],
        summary: 'Thêm thủ tục hoặc ghi phiên bản mới (hồ sơ đã nộp giữ phiên bản cũ); không đổi nội dung thì không tạo phiên bản',
        params: z.object({ code: procedureCode }),
        // The body is checked against the catalogue schema in the service, which names every field.
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ code: z.string(), version: z.number(), status: z.enum(['created', 'updated', 'unchanged']) }) },
      },
    },
    async (req) => saveProcedure(k, ctxOf(req), req.params.code, req.body),
  );
}
