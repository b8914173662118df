import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { dossierFile } from '../dossier.service.js';
import { TAG, uuidParam } from '../http.js';

export function dossierFileRoute(app: App, k: Kernel) {
  app.get(
    '/api/dossiers/:id/files/:fileId',
    {
      config: { access: 'signed-in' },
      schema: { tags: [TAG], summary: 'Tải một tệp của hồ sơ (thành phần, bổ sung, kết quả)', params: z.object({ id: uuidParam, fileId: uuidParam }) },
    },
    async (req, reply) => {
      const f = await dossierFile(k, ctxOf(req), req.params.id, req.params.fileId);
      return reply
        .header('content-type', f.mime)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.name)}`)
        .header('cache-control', 'private, no-store')
        .send(f.data);
    },
  );
}
