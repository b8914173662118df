import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { PARTNER_TAG } from '../http.js';
import { jwks } from '../jws.js';

/** The public keys that sign JWS webhooks (RFC 7517), at a stable address partners can cache. */
export function jwksRoute(app: App, k: Kernel) {
  app.get(
    '/api/exchange/jwks.json',
    {
      config: { access: 'public' },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Khóa công khai (JWKS) dùng để kiểm chữ ký JWS của webhook',
        response: { 200: z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) }) },
      },
    },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=300').type('application/jwk-set+json').send((await jwks(k)) as { keys: { kty: string }[] }),
  );
}
