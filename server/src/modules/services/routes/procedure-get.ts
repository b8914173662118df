import { z } from 'zod';
import { AppError } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { procedureVersion, procedureVersions } from '../catalogue.repo.js';
import { detailView, procedureCode, procedureDetail, TAG } from '../http.js';

export function procedureGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/procedures/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Nội dung một thủ tục (phiên bản hiện hành, hoặc một phiên bản cũ)',
        params: z.object({ code: procedureCode }),
        querystring: z.object({ version: z.coerce.number().int().min(1).max(100_000).optional() }).strict(),
        response: { 200: procedureDetail },
      },
    },
    async (req) => {
      const r = await procedureVersion(k.db, req.params.code, req.query.version);
      if (!r) {
        if (req.query.version !== undefined && (await procedureVersion(k.db, req.params.code))) {
          throw new AppError('SERVICES_PROCEDURE_VERSION_NOT_FOUND', { code: req.params.code, version: req.query.version });
        }
        throw new AppError('SERVICES_PROCEDURE_NOT_FOUND', { code: req.params.code });
      }
      return detailView(r);
    },
  );

  app.get(
    '/api/procedures/:code/versions',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Các phiên bản của một thủ tục và ngày hiệu lực',
        params: z.object({ code: procedureCode }),
        response: { 200: z.object({ items: z.array(z.object({ version: z.number(), effectiveFrom: z.string(), createdAt: z.date() })) }) },
      },
    },
    async (req) => {
      const rows = await procedureVersions(k.db, req.params.code);
      if (!rows.length) throw new AppError('SERVICES_PROCEDURE_NOT_FOUND', { code: req.params.code });
      return { items: rows.map((r) => ({ version: r.version, effectiveFrom: r.effective_from, createdAt: r.created_at })) };
    },
  );
}
