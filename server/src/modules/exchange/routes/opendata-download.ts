import { Readable } from 'node:stream';
import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { OPENDATA_TAG, datasetIdParam } from '../http.js';
import { csvOf, datasetOrThrow, jsonOf } from '../opendata.service.js';

export function openDataDownloadRoute(app: App, k: Kernel) {
  app.get(
    '/api/open-data/datasets/:id/:file',
    {
      config: { access: 'public' },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'Tải một bộ dữ liệu mở: data.csv (UTF-8 có BOM cho Excel) hoặc data.json',
        params: z.object({ id: datasetIdParam, file: z.enum(['data.csv', 'data.json'], 'Tệp là data.csv hoặc data.json') }),
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const d = await datasetOrThrow(k, req.params.id);
      const csv = req.params.file === 'data.csv';
      const stream = Readable.from(csv ? csvOf(k, d.id) : jsonOf(k, d.id));
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${d.id}.${csv ? 'csv' : 'json'}"`)
        .header('cache-control', 'public, max-age=300')
        .header('last-modified', d.modified_at.toUTCString())
        .send(stream as never);
    },
  );
}
