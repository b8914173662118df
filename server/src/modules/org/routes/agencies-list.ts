import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { agencyKinds, agencySchema, agencyView, TAG, text, unitCode } from '../http.js';
import { listAgencies } from '../org.repo.js';

export function agenciesListRoute(app: App, k: Kernel) {
  app.get(
    '/api/agencies',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Danh sách cơ quan (sở, ban, ngành, UBND, Trung tâm Phục vụ hành chính công)',
        querystring: z.object({ unit: unitCode.optional(), kind: z.enum(agencyKinds).optional(), q: text(100).optional() }).strict(),
        response: { 200: z.object({ items: z.array(agencySchema) }) },
      },
    },
    async (req) => ({ items: (await listAgencies(k.db, req.query)).map(agencyView) }),
  );
}
