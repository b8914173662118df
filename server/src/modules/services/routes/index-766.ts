import { z } from 'zod';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { index766 } from '../index766.js';
import { TAG } from '../http.js';

const status = z.enum(['computed', 'monitoring', 'needs_national_data', 'needs_petitions', 'not_tracked']);

export function index766Route(app: App, k: Kernel) {
  app.get(
    '/api/index-766',
    {
      // The index is published per province, agency and commune, as the national portal does: no personal data.
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) cho một kỳ và một phạm vi (tỉnh, xã/phường theo mã đơn vị, cơ quan, lĩnh vực)',
        querystring: z.object({ from: isoDate, to: isoDate, unit: z.string().regex(/^[0-9]{2,5}$/).optional(), agency: z.string().max(30).optional(), sector: z.string().regex(/^[a-z0-9-]{2,40}$/).optional() }).strict(),
        response: {
          200: z.object({
            period: z.object({ from: z.string(), to: z.string() }),
            scope: z.object({ unit: z.string().nullable(), agency: z.string().nullable(), sector: z.string().nullable() }),
            computedAt: z.date(),
            total: z.number(),
            computable: z.number(),
            groups: z.array(z.object({ code: z.string(), name: z.string(), points: z.number(), score: z.number(), computable: z.number() })),
            indicators: z.array(z.object({
              code: z.string(), group: z.string(), name: z.string(), points: z.number(), threshold: z.number(), status,
              numerator: z.number().nullable(), denominator: z.number().nullable(), rate: z.number().nullable(), score: z.number().nullable(), note: z.string().optional(),
            })),
            counts: z.object({ received: z.number(), finished: z.number(), onTime: z.number(), late: z.number(), openOverdue: z.number(), rated: z.number(), unsatisfied: z.number() }),
            byHandler: z.array(z.object({ unitPath: z.string(), agencyId: z.string().nullable(), received: z.number(), finished: z.number(), onTime: z.number(), late: z.number(), rate: z.number().nullable() })),
          }),
        },
      },
    },
    async (req) => index766(k, req.query),
  );
}
