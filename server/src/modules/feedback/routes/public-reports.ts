import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { inWindow } from '../report.repo.js';
import { publicReportSchema, reportCode, TAG } from '../http.js';
import { follow, publicList, publicPhoto, publicView } from '../report.service.js';

export function publicReportRoutes(app: App, k: Kernel) {
  app.get('/api/feedback/public', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Phản ánh đã có trả lời công khai (không có thông tin cá nhân, trừ tên khi người gửi cho phép)',
      querystring: z.object({ q: z.string().trim().max(100).optional(), category: z.string().max(41).optional(), limit: z.coerce.number().int().min(1).max(100).default(20), offset: z.coerce.number().int().min(0).default(0) }),
      response: { 200: z.object({ items: z.array(publicReportSchema), total: z.number() }) },
    },
  }, async (req) => publicList(k, { q: req.query.q, categoryCode: req.query.category, limit: req.query.limit, offset: req.query.offset }));

  app.get('/api/feedback/map', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Phản ánh, kiến nghị trong một khung bản đồ (đang mở, hoặc đã trả lời công khai); không có khiếu nại, tố cáo',
      querystring: z.object({
        bbox: z.string().regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'bbox có dạng kinh độ tây,vĩ độ nam,kinh độ đông,vĩ độ bắc'),
        status: z.enum(['open', 'answered']).default('open'),
        category: z.string().max(41).optional(),
        limit: z.coerce.number().int().min(1).max(2000).default(500),
      }),
      response: { 200: z.array(z.object({ code: z.string(), title: z.string(), state: z.string(), lat: z.number(), lon: z.number(), categoryCode: z.string() })) },
    },
  }, async (req) => {
    const [minLon, minLat, maxLon, maxLat] = req.query.bbox.split(',').map(Number) as [number, number, number, number];
    const rows = await inWindow(k.db, { minLon, minLat, maxLon, maxLat }, { open: req.query.status === 'open', categoryCode: req.query.category, limit: req.query.limit });
    return rows.map((r) => ({ code: r.code, title: r.title, state: r.state, lat: r.lat, lon: r.lon, categoryCode: r.category_code }));
  });

  app.get('/api/feedback/public/:code', {
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Trang công khai của một phản ánh', params: z.object({ code: reportCode }), response: { 200: publicReportSchema } },
  }, async (req) => publicView(k, req.params.code));

  app.get('/api/feedback/public/:code/photos/:position', {
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Ảnh, video công khai của phản ánh (đã bỏ siêu dữ liệu vị trí, trừ khi người gửi giữ lại)', params: z.object({ code: reportCode, position: z.coerce.number().int().min(1).max(6) }) },
  }, async (req, reply) => {
    const m = await publicPhoto(k, req.params.code, req.params.position);
    return reply.header('content-type', m.mime).header('cache-control', 'public, max-age=300').send(m.data);
  });

  app.put('/api/feedback/public/:code/follow', {
    config: { access: { kinds: ['citizen', 'business'] } },
    schema: { tags: [TAG], summary: 'Theo dõi phản ánh (nhận thông báo mỗi khi có thay đổi công khai)', params: z.object({ code: reportCode }), response: { 200: z.object({ followers: z.number(), following: z.boolean() }) } },
  }, async (req) => follow(k, ctxOf(req), req.params.code, true));

  app.delete('/api/feedback/public/:code/follow', {
    config: { access: { kinds: ['citizen', 'business'] } },
    schema: { tags: [TAG], summary: 'Bỏ theo dõi phản ánh', params: z.object({ code: reportCode }), response: { 200: z.object({ followers: z.number(), following: z.boolean() }) } },
  }, async (req) => follow(k, ctxOf(req), req.params.code, false));
}
