import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { deliverySchema, idempotencyKeyOf, PARTNER_TAG, partnerSchema, replayHeaders, replaySchema } from '../http.js';
import { adminDeliveryHistory, adminReplay, listPartners, PARTNER_MANAGE, partnerSubscriptions } from '../partner.service.js';

const uuid = (what: string) => z.string().uuid(`Mã ${what} không hợp lệ`);

/** The partner registry screens: partners, their subscriptions, delivery history and replay (the system administrator). */
export function adminExchangeRoutes(app: App, k: Kernel) {
  app.get(
    '/api/admin/exchange/partners',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: { tags: [PARTNER_TAG], summary: 'Danh sách hệ thống đối tác đã đăng ký', response: { 200: z.object({ items: z.array(partnerSchema) }) } },
    },
    async (req) => ({ items: await listPartners(k, ctxOf(req)) }),
  );

  app.get(
    '/api/admin/exchange/partners/:id/subscriptions',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Các đăng ký nhận sự kiện (webhook) của một hệ thống đối tác, với số lần gửi theo trạng thái',
        params: z.object({ id: uuid('hệ thống đối tác') }),
        response: {
          200: z.object({
            items: z.array(z.object({
              id: z.string(), eventType: z.string(), url: z.string(), signature: z.enum(['hmac', 'jws']), active: z.boolean(), createdAt: z.date(),
              delivered: z.number(), failing: z.number(), pending: z.number(),
            })),
          }),
        },
      },
    },
    async (req) => ({ items: await partnerSubscriptions(k, ctxOf(req), req.params.id) }),
  );

  app.get(
    '/api/admin/exchange/subscriptions/:id/deliveries',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Lịch sử gửi sự kiện của một đăng ký (trạng thái, số lần thử, mã HTTP, lỗi)',
        params: z.object({ id: uuid('đăng ký') }),
        querystring: z.object({ limit: z.coerce.number().int().min(1, 'Tối thiểu 1').max(500, 'Tối đa 500').default(100) }).strict(),
        response: { 200: z.object({ items: z.array(deliverySchema) }) },
      },
    },
    async (req) => ({ items: await adminDeliveryHistory(k, ctxOf(req), req.params.id, req.query.limit) }),
  );

  app.post(
    '/api/admin/exchange/deliveries/:id/replay',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Gửi lại một sự kiện cho đối tác (cùng mã lần gửi và nội dung, chữ ký mới); ghi nhật ký kiểm toán',
        params: z.object({ id: uuid('lần gửi') }),
        headers: replayHeaders,
        body: z.object({}).strict().optional(),
        response: { 202: replaySchema },
      },
    },
    async (req, reply) => reply.code(202).send(await adminReplay(k, ctxOf(req), req.params.id, idempotencyKeyOf(req.headers['idempotency-key']))),
  );
}
