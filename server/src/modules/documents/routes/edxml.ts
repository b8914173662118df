import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { view } from '../document.service.js';
import { packetsOf, putRegistryEntry, REGISTRY_ADMIN, registry } from '../exchange-service.js';
import { plainText, TAG, uuidParam } from '../http.js';

const pem = (what: string) => z.string().max(20_000, `${what} quá dài`).regex(/-----BEGIN CERTIFICATE-----/, `${what} phải ở dạng PEM`);

/** The agency registry of the edXML exchange, and the packets of a document. The exchange endpoint itself is exchange-server.ts. */
export function edxmlRoutes(app: App, k: Kernel) {
  app.get('/api/documents/exchange/agencies', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Danh bạ trao đổi văn bản: cơ quan nhận qua trục liên thông (edXML), điểm nhận và dấu vân tay chứng thư TLS' },
  }, async () => registry(k));

  app.put('/api/documents/exchange/agencies/:organId', {
    config: { access: { action: REGISTRY_ADMIN } },
    schema: {
      tags: [TAG], summary: 'Khai báo hoặc cập nhật một cơ quan trong danh bạ trao đổi văn bản (điểm nhận HTTPS, chứng thư TLS và CA cấp)',
      params: z.object({ organId: z.string().regex(/^[A-Z0-9.-]{2,30}$/, 'Mã cơ quan (OrganId) chữ in hoa, số, dấu . -') }),
      body: z.object({
        name: plainText(2, 300, 'Tên cơ quan'),
        endpoint: z.string().url('Điểm nhận là một URL').startsWith('https://', 'Điểm nhận phải dùng HTTPS').max(500),
        certPem: pem('Chứng thư TLS'),
        caPem: pem('Chứng thư CA'),
      }).strict(),
    },
  }, async (req) => putRegistryEntry(k, ctxOf(req), { organId: req.params.organId, ...req.body }));

  app.get('/api/documents/:id/packets', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Các gói tin edXML đã gửi, nhận của văn bản (gói văn bản và gói trạng thái)', params: z.object({ id: uuidParam }) },
  }, async (req) => {
    await view(k, ctxOf(req), req.params.id); // readable, or 404
    return packetsOf(k, req.params.id);
  });
}
