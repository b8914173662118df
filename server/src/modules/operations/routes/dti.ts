import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { dtiView, saveRank, saveScores } from '../dti.service.js';
import { DTI_MANAGE, PROGRAMME_READ, TAG } from '../http.js';

const year = z.coerce.number().int('Năm là số nguyên').min(2020, 'Năm từ 2020').max(2035, 'Năm đến 2035');
const score = (what: string) => z.number({ message: `${what} phải là số` }).min(0, `${what} từ 0 đến 1`).max(1, `${what} từ 0 đến 1 (DTI công bố theo thang 0–1)`).nullable().optional();
const node = z.object({
  code: z.string(), name: z.string(), weight: z.number(), self: z.number().nullable(), appraised: z.number().nullable(), final: z.number().nullable(),
  evidenceKey: z.string().nullable(), evidenceNote: z.string().nullable(), evidenceValue: z.number().nullable(),
});
const view = z.object({
  year: z.number(), framework: z.object({ version: z.string(), decision: z.string(), issuedOn: z.string().nullable() }), computedAt: z.date(),
  index: z.object({ self: z.number().nullable(), appraised: z.number().nullable(), final: z.number().nullable() }),
  indicators: z.array(node.extend({ components: z.array(node) })), evidenced: z.number(), components: z.number(),
  ranks: z.array(z.object({ year: z.number(), rank: z.number(), of: z.number(), score: z.number().nullable(), source: z.string() })),
});

export function dtiRoutes(app: App, k: Kernel) {
  app.get('/api/operations/dti', {
    config: { access: { action: PROGRAMME_READ } },
    schema: {
      tags: [TAG], summary: 'Chỉ số chuyển đổi số cấp tỉnh (DTI) của một năm: bộ chỉ số áp dụng, điểm tự đánh giá, thẩm định, chính thức, xếp hạng qua các năm, chỉ số congso có minh chứng',
      querystring: z.object({ year: year.default(new Date().getFullYear()) }).strict(),
      response: { 200: view },
    },
  }, async (req) => dtiView(k, ctxOf(req), req.query.year));

  app.put('/api/operations/dti/:year/scores', {
    config: { access: { action: DTI_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Ghi điểm DTI của năm (tự đánh giá, thẩm định, chính thức) cho các chỉ số',
      params: z.object({ year }),
      body: z.object({ scores: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}(\.\d{1,2})?$/, 'Mã chỉ số DTI (code) có dạng CQ hoặc CQ.1'), self: score('Điểm tự đánh giá (self)'), appraised: score('Điểm thẩm định (appraised)'), final: score('Điểm chính thức (final)') }).strict()).min(1).max(100) }).strict(),
      response: { 200: view },
    },
  }, async (req) => saveScores(k, ctxOf(req), req.params.year, req.body));

  app.put('/api/operations/dti/:year/rank', {
    config: { access: { action: DTI_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Ghi thứ hạng DTI của tỉnh trong năm',
      params: z.object({ year }),
      body: z.object({
        rank: z.number().int('Thứ hạng (rank) là số nguyên').min(1, 'Thứ hạng (rank) từ 1'), of: z.number().int().min(1).max(100),
        score: score('Điểm DTI (score)'), source: z.string().trim().min(3, 'Nguồn công bố (source) quá ngắn').max(300),
      }).strict().refine((b) => b.rank <= b.of, { message: 'Thứ hạng (rank) không lớn hơn số tỉnh xếp hạng (of)', path: ['rank'] }),
      response: { 200: z.object({ year: z.number(), rank: z.number(), of: z.number(), score: z.number().nullable().optional(), source: z.string() }) },
    },
  }, async (req) => saveRank(k, ctxOf(req), req.params.year, req.body));
}
