import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { boolParam, ckanAction, organizationSchema, packageSchema, resourceSchema } from '../ckan.js';
import { organizationShow, resourceShow, statusShow } from '../ckan.service.js';

/** CKAN organization_show, resource_show and status_show: what harvesters and client libraries call besides search. */
export function ckanShowRoutes(app: App, k: Kernel) {
  ckanAction(app, k, 'organization_show', {
    summary: 'CKAN organization_show: một cơ quan công bố dữ liệu (theo tên là mã cơ quan viết thường, hoặc id), kèm các bộ dữ liệu nếu include_datasets',
    params: z.object({
      id: z.string('Cần id hoặc tên cơ quan').min(1, 'Cần id hoặc tên cơ quan').max(100, 'Tối đa 100 ký tự'),
      include_datasets: boolParam.default(false),
      include_dataset_count: boolParam.optional(),
      include_extras: boolParam.optional(),
      include_users: boolParam.optional(),
      include_groups: boolParam.optional(),
      include_tags: boolParam.optional(),
      include_followers: boolParam.optional(),
    }),
    result: organizationSchema.extend({
      package_count: z.number(), users: z.array(z.unknown()), extras: z.array(z.unknown()), groups: z.array(z.unknown()), tags: z.array(z.unknown()),
      packages: z.array(packageSchema).optional(),
    }),
  }, (p) => organizationShow(k, p));

  ckanAction(app, k, 'resource_show', {
    summary: 'CKAN resource_show: một tài nguyên (CSV hoặc JSON) của bộ dữ liệu, id dạng {bộ dữ liệu}-csv',
    params: z.object({
      id: z.string('Cần id tài nguyên').min(1, 'Cần id tài nguyên').max(120, 'Tối đa 120 ký tự'),
      include_tracking: boolParam.optional(),
    }),
    result: resourceSchema,
  }, (p) => resourceShow(k, p.id));

  ckanAction(app, k, 'status_show', {
    summary: 'CKAN status_show: phiên bản API tương thích, tên và địa chỉ cổng, phần mở rộng',
    params: z.object({}),
    result: z.object({
      site_title: z.string(), site_description: z.string(), site_url: z.string(), ckan_version: z.string(), error_emails_to: z.null(),
      locale_default: z.string(), extensions: z.array(z.string()),
    }),
  }, async () => statusShow(k));
}
