import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { grantSchema, PARTNER_TAG } from '../http.js';
import { decideGrant, GRANT_DECIDE } from '../partner.service.js';

export function grantDecideRoute(app: App, k: Kernel) {
  app.post(
    '/api/exchange/grants/:id/decision',
    {
      config: { access: { action: GRANT_DECIDE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Lãnh đạo cơ quan chủ quản dữ liệu cấp quyền, hoặc từ chối có nêu lý do',
        params: z.object({ id: z.string().uuid('Mã yêu cầu không hợp lệ') }),
        body: z.object({ decision: z.enum(['grant', 'refuse'], 'Quyết định là grant hoặc refuse'), reason: z.string().max(2000).optional() }).strict(),
        response: { 200: grantSchema },
      },
    },
    async (req) => decideGrant(k, ctxOf(req), req.params.id, req.body),
  );
}
