import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { grantSchema, PARTNER_TAG } from '../http.js';
import { partnerCall, partnerGrants } from '../partner.service.js';

export function partnerGrantsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/exchange/v1/grants',
    {
      config: { access: 'public' },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'API đối tác: các yêu cầu cấp quyền của hệ thống mình và câu trả lời (lý do nếu bị từ chối)',
        security: [{ bearer: [] }],
        response: { 200: z.object({ items: z.array(grantSchema) }) },
      },
    },
    async (req, reply) => ({ items: await partnerCall(k, req, reply, 'grants.list', (auth) => partnerGrants(k, auth)) }),
  );
}
