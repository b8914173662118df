import { z } from 'zod';
import { isoDate } from '../../../kernel/http/schemas.js';
import { ctxOf } from '../../../kernel/context.js';
import { XLSX_MIME, type App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { registerXlsx } from '../dossier.service.js';
import { TAG } from '../http.js';


export function dossierRegisterRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/register.xlsx',
    {
      config: { access: { action: 'services.dossier.read' } },
      schema: {
        tags: [TAG],
        summary: 'Sổ theo dõi hồ sơ (Mẫu 07) của một kỳ, trong phạm vi của cán bộ, dạng .xlsx',
        querystring: z.object({ from: isoDate, to: isoDate }).strict(),
      },
    },
    async (req, reply) => {
      const buf = await registerXlsx(k, ctxOf(req), req.query.from, req.query.to);
      return reply.header('content-type', XLSX_MIME).header('content-disposition', `attachment; filename="so-theo-doi-ho-so-${req.query.from}-${req.query.to}.xlsx"`).send(buf);
    },
  );
}
