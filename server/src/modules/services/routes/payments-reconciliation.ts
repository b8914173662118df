import { z } from 'zod';
import { isoDate } from '../../../kernel/http/schemas.js';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { reconciliationSchema } from '../payment.http.js';
import { RECORD_PAYMENT, reconciliation } from '../payment.service.js';


export function paymentsReconciliationRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/payments/reconciliation',
    {
      // Limited to the payments within the scopes of the official's grant.
      config: { access: { action: RECORD_PAYMENT } },
      schema: {
        tags: [TAG],
        summary: 'Đối soát thu phí, lệ phí: số khoản và số tiền theo ngày và hình thức; giao dịch qua cổng thanh toán lệch số tiền',
        querystring: z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict(),
        response: { 200: reconciliationSchema },
      },
    },
    async (req) => reconciliation(k, ctxOf(req), req.query),
  );
}
