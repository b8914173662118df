import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { idempotencyHeaders, reportViewSchema, submitBody, TAG } from '../http.js';
import { submit, view } from '../report.service.js';

export function reportSubmitRoute(app: App, k: Kernel) {
  app.post('/api/feedback/reports', {
    // Citizens and businesses for themselves; officials holding feedback.report.file on someone's behalf (hotline, desk, email).
    config: { access: 'signed-in', rateLimit: { max: k.config.FEEDBACK_REPORTS_PER_HOUR, timeWindow: '1 hour', hook: 'preHandler', keyGenerator: (req) => req.actor?.id ?? req.ip } },
    bodyLimit: 80 * 1_048_576,
    schema: {
      tags: [TAG],
      summary: 'Gửi phản ánh, kiến nghị (ảnh gửi kèm dạng base64, tối đa 5 ảnh; vị trí trên bản đồ hoặc địa chỉ); cán bộ tiếp nhận nhập thay qua đường dây nóng, tại quầy, từ email',
      headers: idempotencyHeaders,
      body: submitBody,
      response: { 201: reportViewSchema },
    },
  }, async (req, reply) => {
    const { photos, ...input } = req.body;
    const files = (photos ?? []).map((p) => ({ name: p.name, data: Buffer.from(p.data, 'base64') }));
    const r = await submit(k, ctxOf(req), input, files, req.headers['idempotency-key']);
    return reply.code(201).send(await view(k, ctxOf(req), r.id));
  });
}
