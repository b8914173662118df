import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { addDraft, createOutgoing, dispatch, issue, sign } from '../document.service.js';
import { createOutgoingBody, fileBody, idempotencyHeaders, plainText, TAG, toFile, UPLOAD_BODY_LIMIT, uuidParam } from '../http.js';

export function outgoingRoutes(app: App, k: Kernel) {
  app.post('/api/documents/outgoing', {
    config: { access: { action: 'documents.draft' } },
    bodyLimit: UPLOAD_BODY_LIMIT,
    schema: {
      tags: [TAG], summary: 'Tạo dự thảo văn bản đi (thông tin theo Nghị định 30/2020, nơi nhận, tệp PDF dự thảo)',
      headers: idempotencyHeaders, body: createOutgoingBody,
    },
  }, async (req, reply) => {
    const { file, ...meta } = req.body;
    return reply.code(201).send(await createOutgoing(k, ctxOf(req), { ...meta, file: file ? toFile(file) : undefined }, req.headers['idempotency-key']));
  });

  app.post('/api/documents/:id/drafts', {
    config: { access: { action: 'documents.draft' } },
    bodyLimit: UPLOAD_BODY_LIMIT,
    schema: {
      tags: [TAG], summary: 'Thêm một bản dự thảo (PDF, hoặc .docx nếu máy chủ có LibreOffice); mọi bản dự thảo đều được giữ',
      params: z.object({ id: uuidParam }), body: z.object({ file: fileBody, note: plainText(1, 2000, 'Ghi chú').optional() }).strict(),
    },
  }, async (req) => addDraft(k, ctxOf(req), req.params.id, toFile(req.body.file), req.body.note));

  app.post('/api/documents/:id/sign', {
    // The leader signs with the PKCS#12 of their own certificate, sent for this signature only and never stored.
    config: { access: { action: 'documents.outgoing.sign' } },
    bodyLimit: 1_048_576,
    schema: {
      tags: [TAG], summary: 'Lãnh đạo ký số văn bản đã duyệt (PAdES, tệp PKCS#12 và mật khẩu của người ký)',
      params: z.object({ id: uuidParam }), headers: idempotencyHeaders,
      body: z.object({
        p12: z.string().min(1, 'Thiếu tệp chứng thư số (.p12)').max(1_000_000, 'Tệp .p12 quá lớn').base64('Tệp .p12 phải mã hóa base64'),
        password: z.string().min(1, 'Thiếu mật khẩu tệp .p12').max(200),
        // The signer's handwritten signature as a PNG: the signature's appearance (Decree 30 appendix I).
        image: z.string().max(700_000, 'Ảnh chữ ký quá lớn (tối đa 500 KB)').base64('Ảnh chữ ký phải mã hóa base64').optional(),
      }).strict(),
    },
  }, async (req) => sign(k, ctxOf(req), req.params.id, {
    data: Buffer.from(req.body.p12, 'base64'), password: req.body.password, image: req.body.image ? Buffer.from(req.body.image, 'base64') : undefined,
  }, req.headers['idempotency-key']));

  app.post('/api/documents/:id/issue', {
    config: { access: { action: 'documents.issue' } },
    schema: { tags: [TAG], summary: 'Văn thư cấp số, ngày và ký số cơ quan (chữ ký thứ hai), phát hành văn bản', params: z.object({ id: uuidParam }), headers: idempotencyHeaders },
  }, async (req) => issue(k, ctxOf(req), req.params.id, req.headers['idempotency-key']));

  app.post('/api/documents/:id/dispatch', {
    config: { access: { action: 'documents.distribute' } },
    schema: { tags: [TAG], summary: 'Gửi văn bản đã phát hành đến nơi nhận (cơ quan trên hệ thống nhận ngay như văn bản đến)', params: z.object({ id: uuidParam }), headers: idempotencyHeaders },
  }, async (req) => dispatch(k, ctxOf(req), req.params.id, req.headers['idempotency-key']));
}
