import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import { errors } from '../../../kernel/errors.js';
import { authorize } from '../../../kernel/http/access.js';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { Kernel } from '../../../kernel/index.js';
import { partnerFigures, verifyLog } from '../exchange-log.js';
import { PARTNER_TAG } from '../http.js';
import { PARTNER_MANAGE } from '../partner.service.js';

export function exchangeFiguresRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/exchange/figures',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Số lượt, độ trễ (trung bình, p95) và lỗi theo hệ thống đối tác, từ nhật ký trao đổi',
        querystring: z.object({ from: isoDate, to: isoDate }).strict(),
        response: { 200: z.object({ items: z.array(z.object({ partnerId: z.string(), kind: z.string(), total: z.number(), errors: z.number(), avgMs: z.number(), p95Ms: z.number() })) }) },
      },
    },
    async (req) => {
      authorize(req.actor, PARTNER_MANAGE);
      // Days are Vietnamese days: [from 00:00, the day after `to` 00:00) in UTC+7.
      const from = new Date(`${req.query.from}T00:00:00+07:00`);
      const to = new Date(Date.parse(`${req.query.to}T00:00:00+07:00`) + 86_400_000);
      if (to <= from) throw errors.field('querystring.to', 'range', 'Ngày kết thúc phải không trước ngày bắt đầu');
      if (to.getTime() - from.getTime() > 366 * 86_400_000) throw errors.field('querystring.to', 'range', 'Khoảng thời gian tối đa 366 ngày');
      const rows = await partnerFigures(k, from, to);
      return { items: rows.map((r) => ({ partnerId: r.partner_id, kind: r.kind, total: r.total, errors: r.errors, avgMs: Math.round(r.avg_ms * 10) / 10, p95Ms: Math.round(r.p95_ms * 10) / 10 })) };
    },
  );
}

export function exchangeLogVerifyRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/exchange/log/verify',
    {
      config: { access: { action: PARTNER_MANAGE } },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Kiểm tra chuỗi băm của nhật ký trao đổi (phát hiện sửa, xóa)',
        response: { 200: z.object({ ok: z.boolean(), checked: z.number(), brokenAt: z.number().optional(), reason: z.string().optional() }) },
      },
    },
    async (req) => {
      authorize(req.actor, PARTNER_MANAGE);
      return verifyLog(k);
    },
  );
}
