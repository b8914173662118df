import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { saveDraft } from '../dossier.service.js';
import { applicantInput, draftViewSchema, formsInput, TAG, uuidParam } from '../http.js';

export function draftSaveRoute(app: App, k: Kernel) {
  app.put(
    '/api/dossier-drafts/:id',
    {
      config: { access: 'signed-in' },
      schema: {
        tags: [TAG],
        summary: 'Lưu hồ sơ nháp (chưa kiểm tra đủ thành phần); version là phiên bản đã đọc, nếu thiết bị khác đã lưu sau đó thì trả 409',
        params: z.object({ id: uuidParam }),
        body: z.object({
          version: z.number().int().positive(),
          applicant: applicantInput.optional(),
          forms: formsInput.optional(),
          unitCode: z.string().regex(/^[0-9]{2,5}$/, 'Mã xã, phường gồm 2–5 chữ số').nullable().optional(),
        }).strict(),
        response: { 200: draftViewSchema },
      },
    },
    async (req) => saveDraft(k, ctxOf(req), req.params.id, req.body),
  );
}
