import { z } from 'zod';
import { AppError } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { divisionSchema, TAG, uuid } from '../http.js';
import { agencyById, divisionsOf } from '../org.repo.js';

export function divisionsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/agencies/:id/divisions',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Các phòng, ban của một cơ quan',
        params: z.object({ id: uuid('Mã cơ quan') }),
        response: { 200: z.object({ items: z.array(divisionSchema) }) },
      },
    },
    async (req) => {
      if (!(await agencyById(k.db, req.params.id))) throw new AppError('ORG_AGENCY_NOT_FOUND');
      return { items: await divisionsOf(k.db, req.params.id) };
    },
  );
}
