import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { paymentCallback } from '../payment.service.js';

export function paymentCallbackRoute(app: App, k: Kernel) {
  app.post(
    '/api/payment-callback',
    {
      // Called by the gateway, server to server: no session, so no CSRF token; trusted only by its HMAC signature.
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [TAG],
        summary: 'Thông báo kết quả thanh toán của cổng thanh toán (ký HMAC-SHA256); gửi lại nhiều lần chỉ ghi nhận một lần',
        // JSON or a form; every parameter takes part in the signature, so none is dropped here.
        body: z.record(z.string().max(64), z.union([z.string().max(2000), z.number()])),
        response: { 200: z.object({ reference: z.string(), status: z.enum(['pending', 'paid', 'failed', 'cancelled']), replayed: z.boolean() }) },
      },
    },
    async (req) => {
      const params = Object.fromEntries(Object.entries(req.body).map(([key, v]) => [key, String(v)]));
      return paymentCallback(k, { ...ctxOf(req), actor: null }, params);
    },
  );
}
