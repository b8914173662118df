import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { plainText, TAG, uuidParam } from '../http.js';
import { blockAccount, editReport, moderatePhoto } from '../moderation.service.js';
import { MODERATE } from '../report.service.js';

const reason = plainText(3, 1000, 'Lý do');
const fraction = z.number().min(0, 'Tỷ lệ từ 0 đến 1').max(1, 'Tỷ lệ từ 0 đến 1');

export function moderationRoutes(app: App, k: Kernel) {
  app.patch('/api/feedback/reports/:id/moderation', {
    config: { access: { action: MODERATE } },
    schema: {
      tags: [TAG], summary: 'Kiểm duyệt: sửa tiêu đề, nội dung (xóa lời lẽ xúc phạm, thông tin cá nhân), ẩn hoặc hiện phản ánh; có lý do, ghi nhật ký',
      params: z.object({ id: uuidParam }),
      body: z.object({ title: plainText(5, 200, 'Tiêu đề').optional(), body: plainText(10, 5000, 'Nội dung').optional(), hidden: z.boolean().optional(), reason }).strict(),
    },
  }, async (req, reply) => {
    await editReport(k, ctxOf(req), req.params.id, req.body);
    return reply.code(204).send();
  });

  app.post('/api/feedback/reports/:id/photos/:position/moderation', {
    config: { access: { action: MODERATE } },
    schema: {
      tags: [TAG], summary: 'Kiểm duyệt ảnh: làm mờ các vùng (khuôn mặt, biển số; tọa độ theo tỷ lệ ảnh) hoặc ẩn ảnh; có lý do, ghi nhật ký',
      params: z.object({ id: uuidParam, position: z.coerce.number().int().min(1).max(6) }),
      body: z.object({
        blur: z.array(z.object({ x: fraction, y: fraction, width: fraction, height: fraction }).strict()).max(20).optional(),
        hidden: z.boolean().optional(),
        reason,
      }).strict(),
    },
  }, async (req, reply) => {
    await moderatePhoto(k, ctxOf(req), req.params.id, req.params.position, req.body);
    return reply.code(204).send();
  });

  app.post('/api/feedback/blocks', {
    config: { access: { action: MODERATE } },
    schema: { tags: [TAG], summary: 'Khóa quyền gửi phản ánh của một tài khoản vi phạm quy định sử dụng', body: z.object({ accountId: uuidParam, reason }).strict() },
  }, async (req, reply) => {
    await blockAccount(k, ctxOf(req), req.body.accountId, req.body.reason);
    return reply.code(204).send();
  });
}
