import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { confirm, requestCode } from '../contact.js';
import { TAG, uuidParam } from '../http.js';

export function contactRoutes(app: App, k: Kernel) {
  app.post('/api/feedback/contacts', {
    // Anyone: this is how people without an account prove an address. Limited per client address.
    config: { access: 'public', rateLimit: { max: 5, timeWindow: '1 hour' } },
    schema: {
      tags: [TAG], summary: 'Gửi mã xác thực (6 số, hiệu lực 15 phút) tới địa chỉ thư điện tử để gửi phản ánh không cần tài khoản',
      body: z.object({ email: z.string().trim().toLowerCase().email('Địa chỉ thư điện tử không hợp lệ').max(200) }).strict(),
      response: { 202: z.object({ id: z.string(), expiresAt: z.date() }) },
    },
  }, async (req, reply) => reply.code(202).send(await requestCode(k, req.body.email, req.id)));

  app.post('/api/feedback/contacts/:id/confirm', {
    config: { access: 'public', rateLimit: { max: 20, timeWindow: '1 hour' } },
    schema: {
      tags: [TAG], summary: 'Xác nhận mã; nhận mã truy cập (x-contact-token, hiệu lực 2 giờ) để gửi phản ánh',
      params: z.object({ id: uuidParam }),
      body: z.object({ code: z.string().regex(/^\d{6}$/, 'Mã xác thực gồm 6 chữ số') }).strict(),
      response: { 200: z.object({ token: z.string(), email: z.string(), expiresAt: z.date() }) },
    },
  }, async (req) => confirm(k, req.params.id, req.body.code));
}
