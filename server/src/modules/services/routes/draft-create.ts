import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { createDraft } from '../dossier.service.js';
import { draftViewSchema, procedureCode, TAG } from '../http.js';

export function draftCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/dossier-drafts',
    {
      config: { access: { kinds: ['citizen', 'business', 'official'] } },
      schema: {
        tags: [TAG],
        summary: 'Bắt đầu hồ sơ nháp cho một thủ tục (điền sẵn thông tin từ tài khoản); lưu và tiếp tục trên thiết bị khác',
        body: z.object({ procedureCode, unitCode: z.string().regex(/^[0-9]{2,5}$/, 'Mã xã, phường gồm 2–5 chữ số').nullable().optional() }).strict(),
        response: { 201: draftViewSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await createDraft(k, ctxOf(req), req.body)),
  );
}
