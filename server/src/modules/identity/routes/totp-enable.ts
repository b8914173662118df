import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { totpEnable } from '../auth.service.js';
import { TAG } from '../http.js';

export function totpEnableRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/totp/enable',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Bật xác thực hai lớp bằng mã từ ứng dụng xác thực',
        body: z.object({ code: z.string().trim().regex(/^\d{6}$/, 'Mã xác thực gồm 6 chữ số') }).strict(),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await totpEnable(k, ctxOf(req), req.body.code);
      return reply.code(204).send(null);
    },
  );
}
