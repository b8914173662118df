import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { boolParam, ckanAction, intParam, organizationSchema } from '../ckan.js';
import { organizationList } from '../ckan.service.js';

export function ckanOrganizationListRoute(app: App, k: Kernel) {
  ckanAction(app, k, 'organization_list', {
    summary: 'CKAN organization_list: các cơ quan công bố dữ liệu mở (tên, hoặc đầy đủ với all_fields)',
    params: z.object({
      all_fields: boolParam.default(false),
      sort: z.enum(['name', 'name asc', 'name desc', 'title', 'title asc', 'title desc', 'package_count', 'package_count asc', 'package_count desc'], 'sort: name, title hoặc package_count, kèm asc/desc').default('name asc'),
      limit: intParam(1, 1000, 'limit').optional(),
      offset: intParam(0, 100_000, 'offset').default(0),
      include_dataset_count: boolParam.optional(),
    }),
    result: z.union([z.array(z.string()), z.array(organizationSchema)]),
  }, (p) => organizationList(k, p));
}
