import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { boolParam, ckanAction, intParam, jsonParam, paramError } from '../ckan.js';
import { datastoreSearch } from '../ckan.service.js';

const scalar = z.union([z.string().max(500), z.number(), z.boolean(), z.null()]);
const cell = z.union([z.string(), z.number(), z.null()]);

export function ckanDatastoreSearchRoute(app: App, k: Kernel) {
  ckanAction(app, k, 'datastore_search', {
    summary: 'CKAN datastore_search: các dòng của một tài nguyên (filters, q không dấu, limit, offset, sort, fields)',
    params: z
      .object({
        resource_id: z.string().min(1).max(120, 'Tối đa 120 ký tự').optional(),
        id: z.string().min(1).max(120, 'Tối đa 120 ký tự').optional(),
        filters: jsonParam(z.record(z.string().max(63), z.union([scalar, z.array(scalar).max(100)]), 'filters là đối tượng JSON, ví dụ {"thang":"2026-03"}')).optional(),
        q: z.string().max(200, 'q tối đa 200 ký tự').optional(),
        limit: intParam(0, 10_000, 'limit').default(100),
        offset: intParam(0, 10_000_000, 'offset').default(0),
        sort: z.string().max(200, 'sort tối đa 200 ký tự').optional(),
        fields: z.union([z.string().max(2000), z.array(z.string().max(63)).max(100)]).optional(),
        include_total: boolParam.default(true),
        total_estimation_threshold: intParam(0, 2_000_000_000, 'total_estimation_threshold').optional(),
        records_format: z.literal('objects', 'Chỉ hỗ trợ records_format=objects').optional(),
        plain: boolParam.optional(),
        language: z.string().max(20).optional(),
      }),
    result: z.object({
      resource_id: z.string(),
      fields: z.array(z.object({ id: z.string(), type: z.string(), info: z.record(z.string(), z.string()).optional() })),
      records: z.array(z.record(z.string(), cell)),
      records_format: z.literal('objects'),
      limit: z.number(),
      offset: z.number(),
      total: z.number().optional(),
      total_was_estimated: z.boolean(),
      include_total: z.boolean(),
      filters: z.record(z.string(), z.unknown()).optional(),
      q: z.string().optional(),
      sort: z.string().optional(),
      _links: z.object({ start: z.string(), next: z.string() }),
    }),
  }, async (p) => {
    const rid = p.resource_id ?? p.id;
    if (!rid) throw paramError('resource_id', 'Trường này là bắt buộc');
    return datastoreSearch(k, { ...p, resource_id: rid });
  });
}
