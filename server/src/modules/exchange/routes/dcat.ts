import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { catalogueGraph, toJsonLd, toTurtle } from '../dcat.js';
import { OPENDATA_TAG } from '../http.js';
import { datasetOrThrow } from '../opendata.service.js';

const TYPES = { jsonld: 'application/ld+json; charset=utf-8', ttl: 'text/turtle; charset=utf-8' } as const;

export function dcatRoutes(app: App, k: Kernel) {
  app.get(
    '/dcat/:file',
    {
      config: { access: 'public' },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'DCAT-AP của toàn bộ danh mục dữ liệu mở: catalog.jsonld (JSON-LD) hoặc catalog.ttl (Turtle)',
        params: z.object({ file: z.enum(['catalog.jsonld', 'catalog.ttl'], 'Tệp là catalog.jsonld hoặc catalog.ttl') }),
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const format = req.params.file.endsWith('.ttl') ? 'ttl' : 'jsonld';
      const nodes = await catalogueGraph(k);
      return reply.type(TYPES[format]).header('cache-control', 'public, max-age=300').send(format === 'ttl' ? toTurtle(nodes) : JSON.stringify(toJsonLd(nodes), null, 2));
    },
  );
  app.get(
    '/dcat/datasets/:file',
    {
      config: { access: 'public' },
      schema: {
        tags: [OPENDATA_TAG],
        summary: 'DCAT-AP của một bộ dữ liệu: {id}.jsonld hoặc {id}.ttl',
        params: z.object({ file: z.string().regex(/^[a-z0-9][a-z0-9-]{1,99}\.(jsonld|ttl)$/, 'Tệp là {mã bộ dữ liệu}.jsonld hoặc .ttl') }),
        response: { 200: z.string() },
      },
    },
    async (req, reply) => {
      const [id, format] = req.params.file.split('.') as [string, 'jsonld' | 'ttl'];
      await datasetOrThrow(k, id);
      const nodes = await catalogueGraph(k, id);
      return reply.type(TYPES[format]).header('cache-control', 'public, max-age=300').send(format === 'ttl' ? toTurtle(nodes) : JSON.stringify(toJsonLd(nodes), null, 2));
    },
  );
}
