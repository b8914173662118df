import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { DASHBOARD_READ, DTI_MANAGE, TAG, TARGETS_MANAGE } from '../http.js';
import { LEVELS, listTargets, removeTarget, saveEvidence, saveTarget } from '../targets.service.js';

const keyParam = z.string().regex(/^[a-z]+\.[A-Za-z0-9]+$/, 'Mã số liệu (key) có dạng nhóm.tên, ví dụ petitions.onTimeRate');
const level = z.enum(LEVELS as [string, ...string[]], { message: 'Cấp (level) là province, agency hoặc commune' });
const num = (what: string) => z.number({ message: `${what} phải là số` });
const list = z.object({
  figures: z.array(z.object({ key: z.string(), unit: z.string() })),
  targets: z.array(z.object({
    key: z.string(), level: z.string(), unit: z.string(), target: z.number(), amber: z.number(), direction: z.enum(['up', 'down']), basis: z.string(),
    updatedBy: z.string().nullable(), updatedAt: z.date().nullable(),
  })),
});

export function targetRoutes(app: App, k: Kernel) {
  app.get('/api/operations/targets', {
    config: { access: { action: DASHBOARD_READ } },
    schema: { tags: [TAG], summary: 'Chỉ tiêu và ngưỡng xanh/vàng/đỏ của các số liệu trực tiếp theo cấp (tỉnh, cơ quan, xã)', response: { 200: list } },
  }, async (req) => listTargets(k, ctxOf(req)));

  app.put('/api/operations/targets/:key/:level', {
    config: { access: { action: TARGETS_MANAGE } },
    schema: {
      tags: [TAG],
      summary: 'Đặt chỉ tiêu và ngưỡng vàng của một số liệu ở một cấp: tỷ lệ và điểm từ 0 đến 100, số đếm là số nguyên không âm; ngưỡng vàng ở phía xấu hơn của chỉ tiêu',
      params: z.object({ key: keyParam, level }),
      body: z.object({
        unit: z.enum(['count', 'percent', 'points'], { message: 'Đơn vị tính (unit) là count, percent hoặc points' }).optional(),
        target: num('Chỉ tiêu (target)'), amber: num('Ngưỡng vàng (amber)'),
        direction: z.enum(['up', 'down'], { message: 'Chiều (direction) là up (càng cao càng tốt) hoặc down' }),
        basis: z.string().trim().min(3, 'Căn cứ (basis) quá ngắn').max(500),
      }).strict(),
      response: { 200: list },
    },
  }, async (req) => saveTarget(k, ctxOf(req), req.params.key, req.params.level as never, req.body));

  app.delete('/api/operations/targets/:key/:level', {
    config: { access: { action: TARGETS_MANAGE } },
    schema: { tags: [TAG], summary: 'Bỏ chỉ tiêu của một số liệu ở một cấp (số liệu không còn tô màu)', params: z.object({ key: keyParam, level }), response: { 200: list } },
  }, async (req) => removeTarget(k, ctxOf(req), req.params.key, req.params.level as never));

  app.put('/api/operations/dti/frameworks/:version/indicators/:code/evidence', {
    config: { access: { action: DTI_MANAGE } },
    schema: {
      tags: [TAG],
      summary: 'Gắn (hoặc bỏ) số liệu congso làm minh chứng cho một chỉ số DTI',
      params: z.object({ version: z.string().regex(/^\d{4}$/, 'Phiên bản (version) là năm, ví dụ 2025'), code: z.string().regex(/^[A-Z]{2}(\.\d{1,2})?$/, 'Mã chỉ số DTI (code) có dạng CQ hoặc CQ.1') }),
      body: z.object({ evidenceKey: z.string().max(60).nullable(), evidenceNote: z.string().trim().max(300).nullable() }).strict(),
      response: { 200: z.object({ version: z.string(), code: z.string(), evidenceKey: z.string().nullable(), evidenceNote: z.string().nullable() }) },
    },
  }, async (req) => saveEvidence(k, ctxOf(req), req.params.version, req.params.code, req.body));
}
