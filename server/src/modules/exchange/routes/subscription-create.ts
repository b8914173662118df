import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { PARTNER_TAG } from '../http.js';
import { EVENT_TYPES, type EventType, partnerCall, subscribe } from '../partner.service.js';

export function subscriptionCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/exchange/v1/subscriptions',
    {
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'API đối tác: đăng ký nhận sự kiện qua webhook (ký HMAC-SHA256, khóa ký chỉ hiện một lần; hoặc JWS ES256 kiểm bằng JWKS công khai)',
        security: [{ bearer: [] }],
        body: z.object({
          eventType: z.enum(Object.keys(EVENT_TYPES) as [EventType, ...EventType[]], `Loại sự kiện là một trong: ${Object.keys(EVENT_TYPES).join(', ')}`),
          url: z.url({ protocol: /^https?$/, error: 'Địa chỉ nhận phải là URL http hoặc https' }).max(500),
          signature: z.enum(['hmac', 'jws'], 'Chữ ký là hmac hoặc jws').optional(),
        }).strict(),
        response: { 201: z.object({ id: z.string(), eventType: z.string(), url: z.string(), signature: z.enum(['hmac', 'jws']), secret: z.string().optional(), jwksUrl: z.string().optional(), createdAt: z.date() }) },
      },
    },
    async (req, reply) => reply.code(201).send(await partnerCall(k, req, reply, 'subscriptions.create', (auth) => subscribe(k, auth, req.body))),
  );
}
