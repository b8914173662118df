import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { nearby } from '../report.service.js';

export function nearbyRoute(app: App, k: Kernel) {
  app.get('/api/feedback/nearby', {
    config: { access: 'public' },
    schema: {
      tags: [TAG], summary: 'Phản ánh đang mở cùng lĩnh vực ở gần một điểm (mặc định 50 m), để theo dõi thay vì gửi trùng',
      querystring: z.object({
        lat: z.coerce.number().gte(-90, 'Vĩ độ từ -90 đến 90').lte(90, 'Vĩ độ từ -90 đến 90'),
        lon: z.coerce.number().gte(-180, 'Kinh độ từ -180 đến 180').lte(180, 'Kinh độ từ -180 đến 180'),
        category: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Lĩnh vực không hợp lệ'),
      }),
      response: { 200: z.array(z.object({ code: z.string(), title: z.string(), state: z.string(), stateLabel: z.string(), distance: z.number(), createdAt: z.date() })) },
    },
  }, async (req) => nearby(k, { lat: req.query.lat, lon: req.query.lon, categoryCode: req.query.category }));
}
