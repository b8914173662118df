import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { jointPlanSchema } from '../joint.js';
import { MANAGE_CATALOGUE, procedureCode, TAG } from '../http.js';
import { saveProcessDefinition } from '../process-definition.js';

export function processDefinitionSaveRoute(app: App, k: Kernel) {
  app.put(
    '/api/admin/process-definitions/:procedureCode',
    {
      config: { access: { action: MANAGE_CATALOGUE } },
      schema: {
        tags: [TAG],
        summary: 'Lưu phiên bản mới của quy trình xử lý hồ sơ của một thủ tục (chỉ sửa vai trò, nhãn, thời hạn); hồ sơ đã bắt đầu giữ phiên bản cũ',
        params: z.object({ procedureCode }),
        // The body is checked against the case engine's schema in the service, which names every problem.
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ procedureCode: z.string(), procedureName: z.string(), version: z.number(), definition: z.record(z.string(), z.unknown()), joint: jointPlanSchema }) },
      },
    },
    async (req) => saveProcessDefinition(k, ctxOf(req), req.params.procedureCode, req.body),
  );
}
