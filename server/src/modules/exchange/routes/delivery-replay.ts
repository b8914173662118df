import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { idempotencyKeyOf, PARTNER_TAG, replayHeaders, replaySchema } from '../http.js';
import { partnerCall, replay } from '../partner.service.js';

export function deliveryReplayRoute(app: App, k: Kernel) {
  app.post(
    '/api/exchange/v1/deliveries/:id/replay',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'API đối tác: gửi lại một sự kiện (cùng mã lần gửi và nội dung, dấu thời gian và chữ ký mới); yêu cầu lặp lại (cùng Idempotency-Key, hoặc khi một lần gửi lại đang chờ) không gửi thêm',
        security: [{ bearer: [] }],
        params: z.object({ id: z.string().uuid('Mã lần gửi không hợp lệ') }),
        headers: replayHeaders,
        body: z.object({}).strict(),
        response: { 202: replaySchema },
      },
    },
    async (req, reply) => reply.code(202).send(await partnerCall(k, req, reply, 'deliveries.replay', (auth) => replay(k, auth, req.params.id, idempotencyKeyOf(req.headers['idempotency-key'])))),
  );
}
