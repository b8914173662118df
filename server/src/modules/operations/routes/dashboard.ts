import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { DASHBOARD_READ, levelQuery, rag, TAG } from '../http.js';
import { dashboard, FIGURE_KEYS, trend } from '../live.service.js';
import { dashboardPdf } from '../report.service.js';
import { exchangeCard } from '../exchange-card.js';

const figure = z.object({
  key: z.string(), value: z.number().nullable(), unit: z.enum(['count', 'percent', 'points']), target: z.number().nullable(),
  direction: z.enum(['up', 'down']).nullable(), rag, basis: z.string().nullable(), link: z.string().nullable(), computedAt: z.date(),
});
const ranked = z.array(z.object({ code: z.string(), name: z.string(), value: z.number() }));
const levelOut = z.object({ kind: z.enum(['province', 'agency', 'commune']), code: z.string(), name: z.string() });

export function dashboardRoutes(app: App, k: Kernel) {
  app.get('/api/operations/dashboard', {
    config: { access: { action: DASHBOARD_READ } },
    schema: {
      tags: [TAG],
      summary: 'Trung tâm điều hành: số liệu trực tiếp của tỉnh, một cơ quan (agency) hoặc một xã, phường (unit) trong kỳ, so với chỉ tiêu, kèm các đơn vị cấp dưới',
      querystring: levelQuery.strict(),
      response: {
        200: z.object({
          level: levelOut,
          period: z.object({ from: z.string(), to: z.string() }),
          computedAt: z.date(),
          dataAsOf: z.date().nullable(),
          figures: z.array(figure),
          channels: z.object({ dossiers: z.array(z.object({ channel: z.string(), n: z.number() })), petitions: z.array(z.object({ channel: z.string(), n: z.number() })) }),
          children: z.array(z.object({ kind: z.enum(['agency', 'commune']), code: z.string(), name: z.string(), values: z.record(z.string(), z.number().nullable()), rag: z.record(z.string(), rag) })),
          rankings: z.object({ key: z.string(), communes: z.object({ top: ranked, bottom: ranked }), agencies: z.object({ top: ranked, bottom: ranked }) }),
        }),
      },
    },
  }, async (req) => dashboard(k, ctxOf(req), req.query));

  app.get('/api/operations/dashboard.pdf', {
    config: { access: { action: DASHBOARD_READ } },
    schema: {
      tags: [TAG],
      summary: 'Màn hình điều hành đang xem, dạng PDF: cùng cấp, kỳ và số liệu, kèm thời điểm tính',
      querystring: levelQuery.strict(),
    },
  }, async (req, reply) => {
    const f = await dashboardPdf(k, ctxOf(req), req.query);
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="${f.name}"`).header('cache-control', 'private, no-store').send(f.data);
  });

  app.get('/api/operations/exchange', {
    config: { access: { action: DASHBOARD_READ } },
    schema: {
      tags: [TAG],
      summary: 'Nền tảng trao đổi dữ liệu trên màn hình cấp tỉnh: số lượt, lỗi, độ trễ (trung bình, p95) theo hệ thống đối tác trong kỳ',
      querystring: z.object({ from: levelQuery.shape.from, to: levelQuery.shape.to }).strict(),
      response: {
        200: z.object({
          period: z.object({ from: z.string(), to: z.string() }), computedAt: z.date(),
          totals: z.object({ total: z.number(), errors: z.number(), errorRate: z.number().nullable(), p95Ms: z.number().nullable() }),
          partners: z.array(z.object({ partnerId: z.string(), name: z.string(), member: z.string().nullable(), kind: z.string(), total: z.number(), errors: z.number(), avgMs: z.number(), p95Ms: z.number() })),
        }),
      },
    },
  }, async (req) => exchangeCard(k, ctxOf(req), req.query));

  app.get('/api/operations/trend', {
    config: { access: { action: DASHBOARD_READ } },
    schema: {
      tags: [TAG],
      summary: 'Xu hướng của các số liệu theo ngày, tuần, tháng, quý, năm',
      querystring: levelQuery.extend({
        grain: z.enum(['day', 'week', 'month', 'quarter', 'year'], { message: 'Kỳ (grain) là day, week, month, quarter hoặc year' }).default('month'),
        keys: z.string().max(500).default('dossiers.received,dossiers.onTimeRate')
          .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
          .refine((a) => a.length > 0 && a.length <= 8 && a.every((x) => (FIGURE_KEYS as readonly string[]).includes(x)), 'Danh sách số liệu (keys) có 1–8 mã hợp lệ, cách nhau bởi dấu phẩy'),
      }).strict(),
      response: {
        200: z.object({
          level: levelOut, period: z.object({ from: z.string(), to: z.string() }), grain: z.string(), computedAt: z.date(),
          periods: z.array(z.string()), series: z.array(z.object({ key: z.string(), values: z.array(z.number().nullable()) })),
        }),
      },
    },
  }, async (req) => trend(k, ctxOf(req), req.query));
}
