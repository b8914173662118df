import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { TAG, uuidParam } from '../http.js';
import { fileByLink } from '../national.files.js';

export function nationalFileRoute(app: App, k: Kernel) {
  app.get(
    '/api/national/files/:id/:fileId',
    {
      // No session: the signed, expiring link is the authorisation (national.files.ts).
      config: { access: 'public' },
      schema: {
        tags: [TAG],
        summary: 'Tải tệp của hồ sơ bằng đường dẫn có chữ ký và thời hạn gửi cho Cổng Dịch vụ công quốc gia',
        params: z.object({ id: uuidParam, fileId: uuidParam }),
        querystring: z.object({ exp: z.coerce.number().int().positive(), sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Chữ ký không hợp lệ') }),
      },
    },
    async (req, reply) => {
      const f = await fileByLink(k, req.params.id, req.params.fileId, req.query.exp, req.query.sig);
      return reply
        .header('content-type', f.mime)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`)
        .header('digest', `sha-256=${Buffer.from(f.sha256, 'hex').toString('base64')}`)
        .header('cache-control', 'private, no-store')
        .send(f.data);
    },
  );
}
