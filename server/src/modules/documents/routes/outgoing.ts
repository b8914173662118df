import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { addDraft, agencySeal, createOutgoing, dispatch, issue, pagePng, sign, signingLayout } from '../document.service.js';
import { addImage, imageBytes, imagePng, myImages, removeImage, SIGN, signingOptions, signRequest, startRemoteSign } from '../signing.js';
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
        // Or one of the signer's registered signature images (GET /api/documents/signature-images).
        imageId: uuidParam.optional(),
      }).strict().refine((b) => !(b.image && b.imageId), { message: 'Gửi ảnh chữ ký (image) hoặc mã ảnh đã lưu (imageId), không cả hai', path: ['imageId'] }),
    },
  }, async (req) => sign(k, ctxOf(req), req.params.id, {
    data: Buffer.from(req.body.p12, 'base64'), password: req.body.password,
    image: req.body.image ? Buffer.from(req.body.image, 'base64') : await imageBytes(k, ctxOf(req), req.body.imageId),
  }, req.headers['idempotency-key']));

  app.post('/api/documents/:id/sign/remote', {
    // Remote signing (CSC: SIM-PKI on the phone, cloud HSM): answered at once; poll the request.
    config: { access: { action: SIGN } },
    schema: {
      tags: [TAG], summary: 'Lãnh đạo ký số từ xa (dịch vụ ký số, xác nhận trên điện thoại): tạo yêu cầu, theo dõi tại /api/documents/sign-requests/{id}',
      params: z.object({ id: uuidParam }), headers: idempotencyHeaders,
      body: z.object({ imageId: uuidParam.optional() }).strict(),
    },
  }, async (req, reply) => reply.code(202).send(await startRemoteSign(k, ctxOf(req), req.params.id, req.body, req.headers['idempotency-key'])));

  app.get('/api/documents/sign-requests/:id', {
    config: { access: { action: SIGN } },
    schema: { tags: [TAG], summary: 'Một yêu cầu ký số từ xa của chính người ký: đang chờ xác nhận, đã ký, hoặc lỗi', params: z.object({ id: uuidParam }) },
  }, async (req) => signRequest(k, ctxOf(req), req.params.id));

  app.get('/api/documents/signing/options', {
    config: { access: { action: SIGN } },
    schema: { tags: [TAG], summary: 'Người ký: các ảnh chữ ký đã lưu và dịch vụ ký số từ xa được cấu hình cho tài khoản' },
  }, async (req) => signingOptions(k, ctxOf(req)));

  app.get('/api/documents/signature-images', {
    config: { access: { action: SIGN } },
    schema: { tags: [TAG], summary: 'Ảnh chữ ký tay của chính người ký (Phụ lục I Nghị định 30/2020)' },
  }, async (req) => myImages(k, ctxOf(req)));

  app.post('/api/documents/signature-images', {
    config: { access: { action: SIGN } },
    bodyLimit: 1_048_576,
    schema: {
      tags: [TAG], summary: 'Lưu một ảnh chữ ký tay (PNG nền trong suốt, tối đa 500 KB)',
      body: z.object({
        label: plainText(1, 100, 'Tên ảnh chữ ký'),
        data: z.string().min(1, 'Thiếu ảnh').max(700_000, 'Ảnh chữ ký quá lớn (tối đa 500 KB)').base64('Ảnh chữ ký phải mã hóa base64'),
      }).strict(),
    },
  }, async (req, reply) => reply.code(201).send(await addImage(k, ctxOf(req), { label: req.body.label, data: Buffer.from(req.body.data, 'base64') })));

  app.get('/api/documents/signature-images/:id/png', {
    config: { access: { action: SIGN } },
    schema: { tags: [TAG], summary: 'Tệp PNG của một ảnh chữ ký của chính người ký', params: z.object({ id: uuidParam }) },
  }, async (req, reply) => reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=300').send(await imagePng(k, ctxOf(req), req.params.id)));

  app.delete('/api/documents/signature-images/:id', {
    config: { access: { action: SIGN } },
    schema: { tags: [TAG], summary: 'Xóa một ảnh chữ ký của chính người ký', params: z.object({ id: uuidParam }) },
  }, async (req, reply) => {
    await removeImage(k, ctxOf(req), req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/documents/:id/signing-layout', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Vị trí chữ ký của người ký và dấu của cơ quan (khi phát hành) trên trang cuối, để xem trước', params: z.object({ id: uuidParam }) },
  }, async (req) => signingLayout(k, ctxOf(req), req.params.id));

  app.get('/api/documents/:id/seal.png', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Ảnh con dấu của cơ quan ban hành văn bản, để xem trước', params: z.object({ id: uuidParam }) },
  }, async (req, reply) => reply.header('content-type', 'image/png').header('cache-control', 'private, max-age=300').send(Buffer.from(await agencySeal(k, ctxOf(req), req.params.id))));

  app.get('/api/documents/:id/page.png', {
    config: { access: 'signed-in' },
    schema: {
      tags: [TAG], summary: 'Một trang của tệp PDF hiện hành dưới dạng ảnh PNG (xem trước vị trí chữ ký)',
      params: z.object({ id: uuidParam }), querystring: z.object({ page: z.coerce.number().int('Trang là số nguyên').min(0, 'Trang từ 0').max(9999).default(0) }).strict(),
    },
  }, async (req, reply) => reply.header('content-type', 'image/png').header('cache-control', 'private, no-store').send(await pagePng(k, ctxOf(req), req.params.id, req.query.page)));

  app.post('/api/documents/:id/issue', {
    config: { access: { action: 'documents.issue' } },
    schema: { tags: [TAG], summary: 'Văn thư cấp số, ngày và ký số cơ quan (chữ ký thứ hai), phát hành văn bản', params: z.object({ id: uuidParam }), headers: idempotencyHeaders },
  }, async (req) => issue(k, ctxOf(req), req.params.id, req.headers['idempotency-key']));

  app.post('/api/documents/:id/dispatch', {
    config: { access: { action: 'documents.distribute' } },
    schema: { tags: [TAG], summary: 'Gửi văn bản đã phát hành đến nơi nhận (cơ quan trên hệ thống nhận ngay như văn bản đến)', params: z.object({ id: uuidParam }), headers: idempotencyHeaders },
  }, async (req) => dispatch(k, ctxOf(req), req.params.id, req.headers['idempotency-key']));
}
