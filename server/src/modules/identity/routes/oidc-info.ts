import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { oidcEnabled } from '../oidc.service.js';

export function oidcInfoRoute(app: App, k: Kernel) {
  app.get(
    '/api/auth/oidc',
    {
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Đăng nhập qua OpenID Connect (VNeID...) có được bật không',
        response: { 200: z.object({ enabled: z.boolean(), name: z.string() }) },
      },
    },
    async () => ({ enabled: oidcEnabled(k), name: k.config.OIDC_NAME }),
  );
}
