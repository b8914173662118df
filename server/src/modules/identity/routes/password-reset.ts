import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { resetPassword } from '../auth.service.js';
import { TAG } from '../http.js';

export function passwordResetRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/password/reset',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [TAG],
        summary: 'Đặt lại mật khẩu bằng liên kết đã gửi qua email',
        body: z.object({ token: z.string().min(10).max(200), password: z.string().min(1).max(256) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await resetPassword(k, ctxOf(req), req.body.token, req.body.password);
      return reply.code(204).send(null);
    },
  );
}
