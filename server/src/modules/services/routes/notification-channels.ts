import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG } from '../http.js';
import { getPreference, savePreference } from '../notify.service.js';

const channel = z.enum(['email', 'sms', 'zalo']);
const view = z.object({ channels: z.array(channel), chosen: z.boolean(), available: z.array(channel) });
const PUBLIC = { kinds: ['citizen', 'business'] as ('citizen' | 'business')[] };

export function notificationChannelsRoutes(app: App, k: Kernel) {
  app.get(
    '/api/notification-channels',
    {
      config: { access: PUBLIC },
      schema: { tags: [TAG], summary: 'Kênh nhận thông báo về hồ sơ mà người nộp đã chọn (thư điện tử, SMS, Zalo) và các kênh đang có', response: { 200: view } },
    },
    async (req) => getPreference(k, ctxOf(req)),
  );
  app.put(
    '/api/notification-channels',
    {
      config: { access: PUBLIC },
      schema: {
        tags: [TAG],
        summary: 'Chọn kênh nhận thông báo về hồ sơ',
        body: z.object({ channels: z.array(z.string().max(20)).max(3) }).strict(),
        response: { 200: view },
      },
    },
    async (req) => savePreference(k, ctxOf(req), req.body.channels),
  );
}
