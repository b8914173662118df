import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { forgotPassword } from '../auth.service.js';
import { TAG } from '../http.js';

export function passwordForgotRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/password/forgot',
    {
      config: { access: 'public', csrfExempt: true, rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: [TAG],
        summary: 'Quên mật khẩu: gửi liên kết đặt lại qua email (luôn trả 202)',
        body: z.object({ email: z.email('Địa chỉ email không hợp lệ').max(254) }).strict(),
        response: { 202: z.object({ accepted: z.literal(true) }) },
      },
    },
    async (req, reply) => {
      await forgotPassword(k, ctxOf(req), req.body.email);
      return reply.code(202).send({ accepted: true as const });
    },
  );
}
