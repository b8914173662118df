import { z } from 'zod';
import { ctxOf, systemCtx } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import { verifiedEmail } from '../contact.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { idempotencyHeaders, reportViewSchema, submitBody, TAG } from '../http.js';
import { submit, view } from '../report.service.js';

export function reportSubmitRoute(app: App, k: Kernel) {
  app.post('/api/feedback/reports', {
    // Citizens and businesses for themselves; officials holding feedback.report.file on someone's behalf (hotline, desk, email);
    // people without an account with a verified email address (x-contact-token, see contact.ts). Checked below.
    config: { access: 'public', rateLimit: { max: k.config.FEEDBACK_REPORTS_PER_HOUR, timeWindow: '1 hour', hook: 'preHandler', keyGenerator: (req) => req.actor?.id ?? req.ip } },
    bodyLimit: 80 * 1_048_576,
    schema: {
      tags: [TAG],
      summary: 'Gửi phản ánh, kiến nghị (ảnh gửi kèm dạng base64, tối đa 5 ảnh; vị trí trên bản đồ hoặc địa chỉ); cán bộ tiếp nhận nhập thay qua đường dây nóng, tại quầy, từ email',
      headers: idempotencyHeaders.extend({ 'x-contact-token': z.string().max(100).optional() }),
      body: submitBody,
      response: { 201: reportViewSchema },
    },
  }, async (req, reply) => {
    const { photos, videos, ...rest } = req.body;
    const files = (photos ?? []).map((p) => ({ name: p.name, data: Buffer.from(p.data, 'base64') }));
    const input = { ...rest, videos: (videos ?? []).map((v) => ({ name: v.name, data: Buffer.from(v.data, 'base64') })) };
    if (!req.actor) {
      const token = req.headers['x-contact-token'];
      if (!token) throw errors.unauthenticated();
      const email = await verifiedEmail(k, token);
      const ctx = { ...systemCtx('feedback.contact'), requestId: req.id };
      const r = await submit(k, { ...ctx, actor: { ...ctx.actor!, name: input.reporter?.name ?? 'Người phản ánh', grants: [] } }, { ...input, channel: 'web' }, files, req.headers['idempotency-key'], { contactEmail: email });
      // The reporter has no account: they get the report as filed, with no actions to take here.
      return reply.code(201).send({ ...(await view(k, ctx, r.id)), allowedActions: [], clocks: [] });
    }
    const r = await submit(k, ctxOf(req), input, files, req.headers['idempotency-key']);
    return reply.code(201).send(await view(k, ctxOf(req), r.id));
  });
}
