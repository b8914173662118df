import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { boolParam, ckanAction, intParam, jsonParam, packageSchema } from '../ckan.js';
import { packageSearch } from '../ckan.service.js';

const facetItems = z.object({ title: z.string(), items: z.array(z.object({ name: z.string(), display_name: z.string(), count: z.number() })) });

export function ckanPackageSearchRoute(app: App, k: Kernel) {
  ckanAction(app, k, 'package_search', {
    summary: 'CKAN package_search: tìm bộ dữ liệu (q không dấu, fq trường:giá_trị, rows, start, sort, facet.field)',
    params: z.object({
      q: z.string().max(500, 'q tối đa 500 ký tự').optional(),
      fq: z.string().max(1000, 'fq tối đa 1000 ký tự').optional(),
      rows: intParam(0, 1000, 'rows').default(10),
      start: intParam(0, 100_000, 'start').default(0),
      sort: z.string().max(200, 'sort tối đa 200 ký tự').optional(),
      facet: boolParam.default(true),
      'facet.field': jsonParam(z.array(z.string().max(50), 'facet.field là danh sách JSON, ví dụ ["organization","tags"]').max(10, 'Tối đa 10 trường')).optional(),
      'facet.limit': intParam(-1, 1000, 'facet.limit').default(50),
      'facet.mincount': intParam(0, 1_000_000, 'facet.mincount').optional(),
      include_private: boolParam.optional(),
      include_drafts: boolParam.optional(),
      use_default_schema: boolParam.optional(),
    }),
    result: z.object({
      count: z.number(),
      sort: z.string(),
      facets: z.record(z.string(), z.record(z.string(), z.number())),
      search_facets: z.record(z.string(), facetItems),
      results: z.array(packageSchema),
    }),
  }, (p) => packageSearch(k, p));
}
