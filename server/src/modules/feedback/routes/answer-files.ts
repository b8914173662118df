import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { reportCode, TAG, uuidParam } from '../http.js';
import { answerFile, attachToAnswer } from '../report.service.js';

const disposition = (name: string) => `inline; filename*=UTF-8''${encodeURIComponent(name)}`;

export function answerFileRoutes(app: App, k: Kernel) {
  app.post('/api/feedback/reports/:id/answer-files', {
    // Whoever may answer the report (feedback.report.answer on its scope), checked by the service.
    config: { access: 'signed-in' },
    bodyLimit: k.config.UPLOAD_LIMIT_BYTES,
    schema: {
      tags: [TAG], summary: 'Đính kèm tệp vào trả lời (PDF, JPEG, PNG; nội dung tệp trong thân yêu cầu), khi đang trả lời',
      params: z.object({ id: uuidParam }), querystring: z.object({ name: z.string().min(1).max(255) }),
      response: { 201: z.object({ name: z.string(), url: z.string() }) },
    },
  }, async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF, JPEG hoặc PNG với Content-Type tương ứng');
    return reply.code(201).send(await attachToAnswer(k, ctxOf(req), req.params.id, req.query.name, req.body));
  });

  app.get('/api/feedback/reports/:id/answer-files/:file', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Tệp đính kèm trả lời (người gửi, cán bộ phụ trách)', params: z.object({ id: uuidParam, file: uuidParam }) },
  }, async (req, reply) => {
    const f = await answerFile(k, ctxOf(req), { id: req.params.id }, req.params.file);
    return reply.header('content-type', f.mime).header('content-disposition', disposition(f.name)).send(f.data);
  });

  app.get('/api/feedback/public/:code/answer-files/:file', {
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Tệp đính kèm trả lời đã công khai', params: z.object({ code: reportCode, file: uuidParam }) },
  }, async (req, reply) => {
    const f = await answerFile(k, null, { code: req.params.code }, req.params.file);
    return reply.header('content-type', f.mime).header('content-disposition', disposition(f.name)).send(f.data);
  });
}
