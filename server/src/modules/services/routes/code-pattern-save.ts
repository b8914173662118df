import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { saveCodePattern } from '../dossier.service.js';
import { MANAGE_CATALOGUE, TAG } from '../http.js';

export function codePatternSaveRoute(app: App, k: Kernel) {
  app.put(
    '/api/admin/dossier-code-patterns/:owner',
    {
      config: { access: { action: MANAGE_CATALOGUE } },
      schema: {
        tags: [TAG],
        summary: 'Mẫu mã hồ sơ của một cơ quan (mã cơ quan) hoặc xã (mã đơn vị); "*" là mẫu mặc định. Ký hiệu: {ma} mã định danh, {yyMMdd}/{yyyyMMdd} ngày tiếp nhận, {n:4} số thứ tự trong ngày',
        params: z.object({ owner: z.string().regex(/^(\*|[A-Za-z0-9_-]{2,30})$/, 'Mã cơ quan hoặc mã đơn vị hành chính') }),
        body: z.object({
          ident: z.string().regex(/^[0-9A-Za-z.\-]{2,40}$/, 'Mã định danh điện tử của cơ quan, ví dụ 000.00.04.H42').nullable(),
          pattern: z.string().min(6).max(80),
        }).strict(),
        response: { 204: z.null() },
      },
    },
    async (req, reply) => {
      await saveCodePattern(k, ctxOf(req), req.params.owner, req.body);
      return reply.code(204).send(null);
    },
  );
}
