import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import { scopesFor } from '../../../kernel/http/access.js';
import type { Kernel } from '../../../kernel/index.js';
import { officialSchema, officialView, TAG, text, uuid } from '../http.js';
import { listOfficials } from '../org.repo.js';

export function officialsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/officials',
    {
      config: { access: { action: 'org.official.manage' } },
      schema: {
        tags: [TAG],
        summary: 'Cán bộ trong phạm vi quản trị của người gọi',
        querystring: z.object({ agencyId: uuid('Mã cơ quan').optional(), q: text(100).optional() }).strict(),
        response: { 200: z.object({ items: z.array(officialSchema) }) },
      },
    },
    async (req) => {
      const scopes = scopesFor(req.actor, 'org.official.manage');
      const unitPaths = scopes === null ? null : scopes.map((s) => s.unitPath ?? '').filter(Boolean);
      const rows = await listOfficials(k.db, { ...req.query, unitPaths });
      // Agency-only grants see their own agency's officials.
      const agencyOnly = scopes?.filter((s) => !s.unitPath && s.agencyId).map((s) => s.agencyId) ?? [];
      const extra = agencyOnly.length ? (await listOfficials(k.db, { ...req.query, unitPaths: null })).filter((o) => agencyOnly.includes(o.agency_id)) : [];
      const seen = new Set(rows.map((r) => r.id));
      return { items: [...rows, ...extra.filter((e) => !seen.has(e.id))].map(officialView) };
    },
  );
}
