import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { DEV_PAY_PATH } from '../payment.gateway.js';
import { devGatewayPay } from '../payment.service.js';

/** The development gateway's payment page (PAYMENT_GATEWAY=dev only): pays at once, calls back, sends the payer back. */
export function paymentGatewayDevRoute(app: App, k: Kernel) {
  if (k.config.paymentGateway !== 'dev') return;
  app.get(
    DEV_PAY_PATH,
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Cổng thanh toán mô phỏng (chỉ để phát triển, trình diễn): thanh toán ngay, gọi lại congso rồi chuyển người nộp về hồ sơ',
        querystring: z.object({
          ref: z.string().max(64),
          amount: z.string().max(16),
          description: z.string().max(500),
          returnUrl: z.string().max(1000),
          signature: z.string().max(128),
          outcome: z.enum(['paid', 'failed']).default('paid'),
        }).strict(),
      },
    },
    async (req, reply) => {
      const { outcome, ...query } = req.query;
      return reply.redirect(await devGatewayPay(k, { ...ctxOf(req), actor: null }, query, outcome), 303);
    },
  );
}
