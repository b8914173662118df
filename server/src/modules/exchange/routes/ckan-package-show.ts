import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { boolParam, ckanAction, packageSchema } from '../ckan.js';
import { packageShow } from '../ckan.service.js';

export function ckanPackageShowRoute(app: App, k: Kernel) {
  ckanAction(app, k, 'package_show', {
    summary: 'CKAN package_show: siêu dữ liệu một bộ dữ liệu (theo id hoặc tên) và các tài nguyên CSV, JSON',
    params: z.object({
      id: z.string('Cần id hoặc tên bộ dữ liệu').min(1, 'Cần id hoặc tên bộ dữ liệu').max(100, 'Tối đa 100 ký tự'),
      use_default_schema: boolParam.optional(),
      include_tracking: boolParam.optional(),
    }),
    result: packageSchema,
  }, (p) => packageShow(k, p.id));
}
