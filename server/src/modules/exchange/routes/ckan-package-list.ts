import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { ckanAction, intParam } from '../ckan.js';
import { packageList } from '../ckan.service.js';

export function ckanPackageListRoute(app: App, k: Kernel) {
  ckanAction(app, k, 'package_list', {
    summary: 'CKAN package_list: tên các bộ dữ liệu mở',
    params: z.object({ limit: intParam(1, 1000, 'limit').optional(), offset: intParam(0, 1_000_000, 'offset').default(0) }),
    result: z.array(z.string()),
  }, (p) => packageList(k, p));
}
