import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, uuidParam } from '../http.js';
import { paymentViewSchema } from '../payment.http.js';
import { RECORD_PAYMENT, recordDeskPayment } from '../payment.service.js';

export function paymentDeskRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossiers/:id/payments/desk',
    {
      // The grant's scope must also cover the dossier: checked by the service.
      config: { access: { action: RECORD_PAYMENT } },
      schema: {
        tags: [TAG],
        summary: 'Cán bộ một cửa ghi nhận khoản phí, lệ phí đã thu tại quầy (tiền mặt, thẻ) hoặc chuyển khoản VietQR đã về tài khoản, kèm số biên lai',
        params: z.object({ id: uuidParam }),
        body: z.object({
          receiptNo: z.string().trim().regex(/^[0-9A-Za-z][0-9A-Za-z.\-/]{0,39}$/, 'Số biên lai gồm chữ, số, dấu chấm, gạch (tối đa 40 ký tự)'),
          method: z.enum(['desk', 'vietqr']).default('desk'),
          amount: z.number().int().positive('Số tiền phải lớn hơn 0').max(1_000_000_000).optional(),
          note: z.string().trim().max(500).optional(),
        }).strict(),
        response: { 201: paymentViewSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await recordDeskPayment(k, ctxOf(req), req.params.id, req.body)),
  );
}
