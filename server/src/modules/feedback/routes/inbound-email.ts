import { z } from 'zod';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { checkToken, fromEmail } from '../email.js';
import { TAG } from '../http.js';

export function inboundEmailRoute(app: App, k: Kernel) {
  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer', bodyLimit: 40 * 1_048_576 }, (_req, body, done) => done(null, body));
  app.post('/api/feedback/inbound-email', {
    // The mail server, not a person: it presents FEEDBACK_INBOUND_EMAIL_TOKEN (checked below, in constant time).
    config: { access: 'public' },
    bodyLimit: 40 * 1_048_576,
    schema: {
      tags: [TAG], summary: 'Máy chủ thư chuyển một thư gửi địa chỉ phản ánh (RFC 822 nguyên bản, Content-Type message/rfc822) để tạo phản ánh kênh thư điện tử',
      headers: z.object({ authorization: z.string().max(300).optional() }),
      response: { 201: z.object({ code: z.string(), id: z.string() }) },
    },
  }, async (req, reply) => {
    checkToken(k, req.headers.authorization);
    if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi thư nguyên bản với Content-Type message/rfc822');
    const r = await fromEmail(k, req.body);
    return reply.code(201).send({ code: r.code, id: r.id });
  });
}
