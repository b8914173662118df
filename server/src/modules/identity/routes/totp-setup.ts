import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { totpSetup } from '../auth.service.js';
import { TAG } from '../http.js';

export function totpSetupRoute(app: App, k: Kernel) {
  app.post(
    '/api/auth/totp/setup',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Tạo khóa bí mật xác thực hai lớp (TOTP) mới, chờ xác nhận',
        response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string() }) },
      },
    },
    async (req) => totpSetup(k, ctxOf(req)),
  );
}
