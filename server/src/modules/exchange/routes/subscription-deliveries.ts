import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { deliverySchema, PARTNER_TAG } from '../http.js';
import { deliveryHistory, partnerCall } from '../partner.service.js';

export function subscriptionDeliveriesRoute(app: App, k: Kernel) {
  app.get(
    '/api/exchange/v1/subscriptions/:id/deliveries',
    {
      config: { access: 'public' },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'API đối tác: lịch sử gửi sự kiện của một đăng ký (trạng thái, số lần thử, mã HTTP cuối)',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().uuid('Mã đăng ký không hợp lệ') }),
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500, 'limit tối đa 500').default(100) }).strict(),
        response: { 200: z.object({ items: z.array(deliverySchema) }) },
      },
    },
    async (req, reply) => ({ items: await partnerCall(k, req, reply, 'subscriptions.deliveries', (auth) => deliveryHistory(k, auth, req.params.id, req.query.limit)) }),
  );
}
