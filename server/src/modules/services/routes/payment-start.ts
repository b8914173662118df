import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { idempotencyHeaders, TAG, uuidParam } from '../http.js';
import { startPayment } from '../payment.service.js';

const started = z.object({ paymentId: z.string(), reference: z.string(), amount: z.number(), redirectUrl: z.string() });

export function paymentStartRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/payments',
    {
      // The applicant or an official whose scope covers the dossier; checked by the service.
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Thanh toán trực tuyến khoản phí, lệ phí còn phải nộp: trả về địa chỉ cổng thanh toán để chuyển người nộp tới',
        params: z.object({ id: uuidParam }),
        headers: idempotencyHeaders,
        response: { 200: started, 201: started },
      },
    },
    async (req, reply) => {
      const r = await startPayment(k, ctxOf(req), req.params.id, req.headers['idempotency-key']);
      return reply.code(r.replayed ? 200 : 201).send(r.result);
    },
  );
}
