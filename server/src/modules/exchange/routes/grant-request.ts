import { z } from 'zod';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { grantSchema, PARTNER_TAG } from '../http.js';
import { partnerCall, requestGrant, SCOPES, type ScopeName } from '../partner.service.js';

export function grantRequestRoute(app: App, k: Kernel) {
  app.post(
    '/api/exchange/v1/grants',
    {
      // The token is checked in the handler: the kernel's authentication knows sessions only.
      config: { access: 'public', csrfExempt: true },
      schema: {
        tags: [PARTNER_TAG],
        summary: 'Hệ thống đối tác đề nghị cơ quan chủ quản dữ liệu mở quyền khai thác một phạm vi; cơ quan trả lời trong 2 ngày làm việc',
        security: [{ bearer: [] }],
        body: z.object({
          scope: z.enum(Object.keys(SCOPES) as [ScopeName, ...ScopeName[]], `Phạm vi là một trong: ${Object.keys(SCOPES).join(', ')}`),
          ownerAgency: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{1,29}$/, 'Mã cơ quan chủ quản không hợp lệ'),
          purpose: z.string().trim().min(10, 'Nêu mục đích khai thác (ít nhất 10 ký tự)').max(1000),
        }).strict(),
        response: { 201: grantSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await partnerCall(k, req, reply, 'grants.request', (auth) => requestGrant(k, auth, req.body))),
  );
}
