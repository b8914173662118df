import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { act, list, verify, versionPdf, view } from '../document.service.js';
import { idempotencyHeaders, listQuery, plainText, TAG, uuidParam } from '../http.js';
import { incomingCaseType } from '../incoming.workflow.js';
import { outgoingCaseType } from '../outgoing.workflow.js';

const actions = [...new Set([...Object.keys(outgoingCaseType.actions), ...Object.keys(incomingCaseType.actions)])] as [string, ...string[]];

export function documentRoutes(app: App, k: Kernel) {
  app.get('/api/documents', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Văn bản trong phạm vi (đi, đến, của tôi), tìm kiếm không dấu theo số ký hiệu, trích yếu và nội dung', querystring: listQuery },
  }, async (req) => list(k, ctxOf(req), { ...req.query, state: req.query.state?.split(',') }));

  app.get('/api/documents/:id', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Một văn bản: thông tin, các phiên bản, chữ ký, nơi nhận, người xử lý, lịch sử, lượt xem', params: z.object({ id: uuidParam }) },
  }, async (req) => view(k, ctxOf(req), req.params.id));

  app.get('/api/documents/:id/pdf', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Tệp PDF hiện hành của văn bản, hoặc một phiên bản', params: z.object({ id: uuidParam }), querystring: z.object({ version: uuidParam.optional() }).strict() },
  }, async (req, reply) => {
    const f = await versionPdf(k, ctxOf(req), req.params.id, req.query.version);
    return reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${encodeURIComponent(f.name)}"`).header('cache-control', 'private, no-store').send(f.bytes);
  });

  app.post('/api/documents/:id/actions/:action', {
    // Who may take which action is the case type's table (roles and scope), checked by the case engine.
    config: { access: 'signed-in' },
    schema: {
      tags: [TAG], summary: 'Thao tác: trình, góp ý, rút về, duyệt, trả lại, thu hồi, hủy; trả lại văn bản đến, cập nhật tiến độ, ý kiến, hoàn thành (kèm văn bản trả lời)',
      params: z.object({ id: uuidParam, action: z.enum(actions, { message: 'Thao tác không hợp lệ' }) }), headers: idempotencyHeaders,
      body: z.object({ note: plainText(1, 5000, 'Nội dung').optional(), replyId: uuidParam.optional() }).strict(),
    },
  }, async (req) => act(k, ctxOf(req), req.params.id, req.params.action, req.body, req.headers['idempotency-key']));

  app.post('/api/documents/verify', {
    // Anyone may check a PDF's signatures against the platform's trusted roots; nothing is stored.
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Kiểm tra chữ ký số của một tệp PDF (báo cáo theo từng chữ ký: TOTAL_PASSED / INDETERMINATE / TOTAL_FAILED)' },
  }, async (req) => {
    if (!Buffer.isBuffer(req.body)) throw errors.field('body', 'type', 'Gửi nội dung tệp PDF với Content-Type: application/pdf');
    return verify(k, req.body);
  });
}
