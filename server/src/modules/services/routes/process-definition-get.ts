import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { jointPlanSchema } from '../joint.js';
import { MANAGE_CATALOGUE, procedureCode, TAG } from '../http.js';
import { getProcessDefinition } from '../process-definition.js';

export function processDefinitionGetRoute(app: App, k: Kernel) {
  app.get(
    '/api/admin/process-definitions/:procedureCode',
    {
      config: { access: { action: MANAGE_CATALOGUE } },
      schema: {
        tags: [TAG],
        summary: 'Quy trình xử lý hồ sơ của một thủ tục: phiên bản đã lưu, hoặc quy trình mặc định theo thời hạn giải quyết (phiên bản 0)',
        params: z.object({ procedureCode }),
        response: { 200: z.object({ procedureCode: z.string(), procedureName: z.string(), version: z.number(), definition: z.record(z.string(), z.unknown()), joint: jointPlanSchema }) },
      },
    },
    async (req) => getProcessDefinition(k, req.params.procedureCode),
  );
}
