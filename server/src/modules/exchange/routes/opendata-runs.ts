import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { OPENDATA_TAG, runSchema } from '../http.js';
import { getRun, OPENDATA_MANAGE, requestRun } from '../opendata.service.js';

export function openDataRunCreateRoute(app: App, k: Kernel) {
  app.post(
    '/api/admin/open-data/runs',
    {
      config: { access: { action: OPENDATA_MANAGE } },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'Cập nhật lại toàn bộ dữ liệu mở ngay (chạy nền; xem tiến độ ở lượt cập nhật)',
        body: z.object({}).strict(),
        response: { 202: runSchema },
      },
    },
    async (req, reply) => reply.code(202).send(await requestRun(k, ctxOf(req))),
  );
}

export function openDataRunGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/open-data/runs/:id',
    {
      config: { access: { action: OPENDATA_MANAGE } },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'Tiến độ một lượt cập nhật dữ liệu mở',
        params: z.object({ id: z.coerce.number('Mã lượt cập nhật là số').int().positive('Mã lượt cập nhật là số dương') }),
        response: { 200: runSchema },
      },
    },
    async (req) => getRun(k, ctxOf(req), req.params.id),
  );
}
