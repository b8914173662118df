import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { slaSchema } from '../../../kernel/workflow/definition.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { plainText, TAG } from '../http.js';
import { CATEGORY_MANAGE, saveCategory } from '../report.service.js';

const limit = slaSchema.pick({ days: true, hours: true }).refine((l) => (l.days === undefined) !== (l.hours === undefined), 'Ghi days hoặc hours');

export function categorySaveRoute(app: App, k: Kernel) {
  app.put('/api/feedback/categories/:code', {
    config: { access: { action: CATEGORY_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Thêm hoặc sửa một lĩnh vực phản ánh: loại, cơ quan chịu trách nhiệm, khẩn cấp, thời hạn riêng (phân loại, trả lời, công khai); áp dụng cho phản ánh gửi sau',
      params: z.object({ code: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Mã lĩnh vực gồm chữ thường, số, gạch dưới') }),
      body: z.object({
        name: plainText(2, 200, 'Tên lĩnh vực'),
        nameEn: plainText(2, 200, 'Tên tiếng Anh').nullable().optional(),
        kind: z.enum(['pakn', 'complaint', 'denunciation']),
        agencyCode: z.string().max(40).nullable().optional(),
        urgent: z.boolean().default(false),
        limits: z.object({ triage: limit.optional(), answer: limit.optional(), publish: limit.optional() }).strict().nullable().optional(),
        active: z.boolean().default(true),
        sort: z.number().int().min(0).max(10_000).default(100),
      }).strict(),
    },
  }, async (req, reply) => {
    await saveCategory(k, ctxOf(req), req.params.code, req.body);
    return reply.code(204).send();
  });
}
