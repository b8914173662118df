import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { PARTNER_TAG, partnerSchema } from '../http.js';
import { createPartner, PARTNER_MANAGE } from '../partner.service.js';

export function partnerCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/exchange/partners',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Đăng ký hệ thống đối tác (định danh kiểu X-Road: lớp thành viên/mã thành viên/phân hệ); khóa bí mật chỉ hiện một lần',
        body: z.object({
          memberClass: z.string().regex(/^[A-Z]{2,10}$/, 'Lớp thành viên gồm 2–10 chữ in hoa, ví dụ GOV'),
          memberCode: z.string().regex(/^[A-Za-z0-9.-]{2,40}$/, 'Mã thành viên gồm chữ, số, dấu chấm, gạch (2–40 ký tự), ví dụ 000.00.37.H40'),
          subsystem: z.string().regex(/^[A-Za-z0-9.-]{2,40}$/, 'Mã phân hệ gồm chữ, số, dấu chấm, gạch (2–40 ký tự)'),
          agencyName: z.string().trim().min(2, 'Nhập tên cơ quan').max(200),
          systemName: z.string().trim().min(2, 'Nhập tên hệ thống').max(200),
          contactName: z.string().trim().min(2, 'Nhập người liên hệ').max(200),
          contactEmail: z.email('Thư điện tử không hợp lệ').max(200),
        }).strict(),
        response: { 201: z.object({ partner: partnerSchema, clientId: z.string(), clientSecret: z.string() }) },
      },
    },
    async (req, reply) => reply.code(201).send(await createPartner(k, ctxOf(req), req.body)),
  );
}
