import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { authorize } from '../../../kernel/http/access.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { displayBoundaries } from '../report.repo.js';
import { MANAGE_BOUNDARIES, TAG } from '../http.js';
import { importBoundaries } from '../report.service.js';

export function boundariesRoutes(app: App, k: Kernel) {
  app.get('/api/feedback/boundaries', {
    config: { access: 'public' },
    schema: { tags: [TAG], summary: 'Địa giới tỉnh và xã, phường (GeoJSON rút gọn để vẽ bản đồ, không cần máy chủ bản đồ nền)' },
  }, async (_req, reply) => {
    reply.header('content-type', 'application/geo+json; charset=utf-8').header('cache-control', 'public, max-age=300');
    return reply.send(await displayBoundaries(k.db));
  });

  app.post('/api/feedback/boundaries', {
    config: { access: { action: MANAGE_BOUNDARIES } },
    bodyLimit: 200 * 1_048_576,
    schema: {
      tags: [TAG], summary: 'Nhập địa giới từ GeoJSON (FeatureCollection; mã đơn vị 2 chữ số là tỉnh, 5 chữ số là xã, phường); tất cả hoặc không',
      body: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).min(1, 'Cần ít nhất một đối tượng') }).passthrough(),
      response: { 200: z.object({ imported: z.number(), communes: z.number() }) },
    },
  }, async (req) => {
    authorize(req.actor, MANAGE_BOUNDARIES);
    return importBoundaries(k, ctxOf(req), [req.body]);
  });
}
