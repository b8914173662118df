import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, uuidParam } from '../http.js';
import { paymentStatusSchema } from '../payment.http.js';
import { paymentStatus } from '../payment.service.js';

export function paymentGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id/payment',
    {
      // The applicant or an official whose scope covers the dossier; checked by the service.
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Phí, lệ phí của hồ sơ: khoản phải nộp lúc này, đã nộp, và mã VietQR để chuyển khoản (nội dung là mã hồ sơ)',
        params: z.object({ id: uuidParam }),
        response: { 200: paymentStatusSchema },
      },
    },
    async (req) => paymentStatus(k, ctxOf(req), req.params.id),
  );
}
