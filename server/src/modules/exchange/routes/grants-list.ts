import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { grantSchema, PARTNER_TAG } from '../http.js';
import { GRANT_DECIDE, grantsToAnswer } from '../partner.service.js';

export function grantsListRoute(app: App, k: Kernel) {
  app.get(
    '/api/exchange/grants',
    {
      config: { access: { action: GRANT_DECIDE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Các yêu cầu khai thác dữ liệu gửi cơ quan mình (lãnh đạo cơ quan chủ quản dữ liệu), kèm hạn trả lời',
        querystring: z.object({ status: z.enum(['pending', 'granted', 'refused', 'revoked'], 'Trạng thái là pending, granted, refused hoặc revoked').optional() }).strict(),
        response: { 200: z.object({ items: z.array(grantSchema.extend({ partner: z.object({ identifier: z.string(), agencyName: z.string(), systemName: z.string() }).nullable() })) }) },
      },
    },
    async (req) => ({ items: await grantsToAnswer(k, ctxOf(req), req.query.status) }),
  );
}
