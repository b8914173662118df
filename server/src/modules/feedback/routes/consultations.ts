import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { answer, attach, attachment, comment, conclude, create, list, MANAGE, respond, support, view } from '../consultation.service.js';
import { plainText, uuidParam } from '../http.js';

const TAG = 'consultations';
const when = z.coerce.date({ message: 'Thời điểm theo ISO 8601' });

export function consultationRoutes(app: App, k: Kernel) {
  app.get('/api/consultations', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Các đợt lấy ý kiến dự thảo (đang mở, sắp mở, đã kết thúc)',
      querystring: z.object({ phase: z.enum(['open', 'closed', 'upcoming']).optional() }),
      response: { 200: z.array(z.object({ id: z.string(), title: z.string(), agency: z.string(), opensAt: z.date(), closesAt: z.date(), phase: z.string(), comments: z.number(), concluded: z.boolean() })) },
    },
  }, async (req) => list(k, req.query.phase));

  app.post('/api/consultations', {
    config: { access: { action: MANAGE } },
    schema: {
      tags: [TAG], summary: 'Đăng dự thảo lấy ý kiến: các mục, thời gian mở và kết thúc, phiếu khảo sát (tùy chọn)',
      body: z.object({
        agencyCode: z.string().min(2).max(40),
        title: plainText(5, 300, 'Tên dự thảo'),
        summary: plainText(10, 5000, 'Tóm tắt'),
        opensAt: when,
        closesAt: when,
        sections: z.array(z.object({ heading: plainText(1, 300, 'Tên mục'), body: plainText(1, 50_000, 'Nội dung mục') }).strict()).min(1, 'Cần ít nhất một mục').max(200),
        questions: z.array(z.object({
          kind: z.enum(['single', 'multiple', 'scale', 'text']),
          prompt: plainText(3, 500, 'Câu hỏi'),
          options: z.array(plainText(1, 200, 'Phương án')).max(20).optional(),
        }).strict()).max(30).optional(),
      }).strict(),
      response: { 201: z.object({ id: z.string() }) },
    },
  }, async (req, reply) => reply.code(201).send({ id: await create(k, ctxOf(req), req.body) }));

  const commentView = z.object({
    id: z.string(), section: z.number().nullable(), author: z.string(), body: z.string(), supports: z.number(), answer: z.string().nullable(),
    accepted: z.boolean().nullable(), answeredAt: z.date().nullable(), createdAt: z.date(), mine: z.boolean(), hidden: z.boolean(),
  });
  app.get('/api/consultations/:id', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Một dự thảo: các mục, tệp đính kèm, ý kiến và trả lời, phiếu khảo sát và kết quả (sau khi kết thúc), báo cáo tiếp thu',
      params: z.object({ id: uuidParam }),
      response: { 200: z.object({
        id: z.string(), title: z.string(), summary: z.string(), agency: z.string(), opensAt: z.date(), closesAt: z.date(), phase: z.string(),
        conclusion: z.string().nullable(), concludedAt: z.date().nullable(), canManage: z.boolean(),
        sections: z.array(z.object({ position: z.number(), heading: z.string(), body: z.string() })),
        attachments: z.array(z.object({ name: z.string(), url: z.string() })),
        questions: z.array(z.object({ position: z.number(), kind: z.string(), prompt: z.string(), options: z.array(z.string()) })),
        results: z.array(z.object({ position: z.number(), count: z.number(), counts: z.record(z.string(), z.number()), texts: z.array(z.string()) })).nullable(),
        comments: z.array(commentView),
      }) },
    },
  }, async (req) => view(k, ctxOf(req), req.params.id));

  app.post('/api/consultations/:id/comments', {
    config: { access: { kinds: ['citizen', 'business'] }, rateLimit: { max: 30, timeWindow: '1 hour', hook: 'preHandler', keyGenerator: (req) => req.actor?.id ?? req.ip } },
    schema: {
      tags: [TAG], summary: 'Góp ý vào một mục hoặc toàn bộ dự thảo (khi đang lấy ý kiến)',
      params: z.object({ id: uuidParam }),
      body: z.object({ section: z.number().int().positive().nullable().optional(), body: plainText(5, 5000, 'Nội dung góp ý') }).strict(),
      response: { 201: z.object({ id: z.string() }) },
    },
  }, async (req, reply) => reply.code(201).send({ id: await comment(k, ctxOf(req), req.params.id, req.body) }));

  for (const [method, on] of [['put', true], ['delete', false]] as const) {
    app[method]('/api/consultations/comments/:id/support', {
      config: { access: { kinds: ['citizen', 'business'] } },
      schema: { tags: [TAG], summary: on ? 'Ủng hộ một ý kiến của người khác' : 'Bỏ ủng hộ', params: z.object({ id: uuidParam }), response: { 200: z.object({ supports: z.number() }) } },
    }, async (req) => support(k, ctxOf(req), req.params.id, on));
  }

  app.post('/api/consultations/comments/:id/answer', {
    config: { access: { action: MANAGE } },
    schema: {
      tags: [TAG], summary: 'Cơ quan trả lời một ý kiến: tiếp thu hay không, và lý do',
      params: z.object({ id: uuidParam }),
      body: z.object({ answer: plainText(3, 5000, 'Nội dung trả lời'), accepted: z.boolean().nullable() }).strict(),
    },
  }, async (req, reply) => {
    await answer(k, ctxOf(req), req.params.id, req.body);
    return reply.code(204).send();
  });

  app.post('/api/consultations/:id/conclusion', {
    config: { access: { action: MANAGE } },
    schema: { tags: [TAG], summary: 'Công bố báo cáo tiếp thu, giải trình (sau khi kết thúc)', params: z.object({ id: uuidParam }), body: z.object({ conclusion: plainText(10, 50_000, 'Báo cáo tiếp thu') }).strict() },
  }, async (req, reply) => {
    await conclude(k, ctxOf(req), req.params.id, req.body.conclusion);
    return reply.code(204).send();
  });

  app.post('/api/consultations/:id/responses', {
    config: { access: { kinds: ['citizen', 'business'] } },
    schema: {
      tags: [TAG], summary: 'Trả lời phiếu khảo sát (một lần mỗi người)',
      params: z.object({ id: uuidParam }),
      body: z.object({ answers: z.record(z.string().regex(/^\d{1,3}$/, 'Số thứ tự câu hỏi'), z.union([z.string().max(2000), z.array(z.string().max(200)).max(20)])) }).strict(),
    },
  }, async (req, reply) => {
    await respond(k, ctxOf(req), req.params.id, req.body.answers);
    return reply.code(204).send();
  });

  app.post('/api/consultations/:id/attachments', {
    config: { access: { action: MANAGE } },
    bodyLimit: k.config.UPLOAD_LIMIT_BYTES,
    schema: {
      tags: [TAG], summary: 'Đính kèm một tệp PDF vào dự thảo (nội dung tệp trong thân yêu cầu)',
      params: z.object({ id: uuidParam }), querystring: z.object({ name: z.string().min(1).max(255) }),
      response: { 201: z.object({ name: z.string(), url: z.string() }) },
    },
  }, async (req, reply) => {
    if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF với Content-Type application/pdf');
    return reply.code(201).send(await attach(k, ctxOf(req), req.params.id, req.query.name, req.body));
  });

  app.get('/api/consultations/:id/attachments/:file', {
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Tải tệp đính kèm của dự thảo', params: z.object({ id: uuidParam, file: uuidParam }) },
  }, async (req, reply) => {
    const a = await attachment(k, req.params.id, req.params.file);
    return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(a.name)}`).send(a.data);
  });
}
