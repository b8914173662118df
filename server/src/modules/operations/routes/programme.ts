import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import type { App } from '../../../kernel/http/app.js';
import { isoDate } from '../../../kernel/http/schemas.js';
import type { Kernel } from '../../../kernel/index.js';
import { PROGRAMME_MANAGE, PROGRAMME_READ, PROGRAMME_REPORT, rag, TAG, uuidParam } from '../http.js';
import { FIGURE_KEYS } from '../live.service.js';
import { createIndicator, createProject, createTask, enterActual, listIndicators, listProgrammes, listProjects, listTasks, reportTask } from '../programme.service.js';

const code = z.string().regex(/^[A-Za-z0-9._-]{2,40}$/, 'Mã gồm 2–40 chữ, số, dấu chấm, gạch');
const agencyCode = z.string().regex(/^[A-Za-z0-9._-]{1,30}$/, 'Mã cơ quan gồm chữ, số, dấu chấm, gạch');
const year = z.coerce.number().int('Năm là số nguyên').min(2020, 'Năm từ 2020').max(2030, 'Năm đến 2030');
const text = (min: number, max: number, what: string) => z.string().trim().min(min, `${what} quá ngắn`).max(max, `${what} dài quá ${max} ký tự`);
const unit = z.enum(['percent', 'count', 'million_vnd', 'rank', 'score'], { message: 'Đơn vị tính (unit) là percent, count, million_vnd, rank hoặc score' });
/** Evidence files sent inline (base64), checked by content before anything is stored. */
const evidence = z.array(z.object({ name: z.string().min(1).max(255), data: z.string().max(28_000_000, 'Tệp minh chứng quá lớn (tối đa 20 MB)').base64('Tệp minh chứng phải mã hóa base64') }).strict())
  .max(5, 'Tối đa 5 tệp minh chứng').default([])
  .transform((a) => a.map((f) => ({ name: f.name, data: Buffer.from(f.data, 'base64') })));

const indicatorOut = z.object({
  code: z.string(), programme: z.object({ code: z.string(), number: z.string() }), group: z.object({ seq: z.number(), name: z.string() }).nullable(),
  name: z.string(), unit, baseline: z.number().nullable(), baselineYear: z.number().nullable(), direction: z.enum(['up', 'down']), ownerAgency: z.string().nullable(),
  legalBasis: z.string(), source: z.enum(['computed', 'entered', 'imported']), computedKey: z.string().nullable(), public: z.boolean(),
  targets: z.array(z.object({ year: z.number(), value: z.number() })), year: z.number(), target: z.number().nullable(), actual: z.number().nullable(),
  actualSource: z.enum(['computed', 'entered', 'imported']).nullable(), actualAt: z.date().nullable(), evidence: z.number(), rag,
});
export const taskOut = z.object({
  id: z.string(), code: z.string(), programme: z.string(), group: z.object({ seq: z.number(), name: z.string() }).nullable(), title: z.string(), agency: z.string(),
  dueOn: z.string(), progress: z.number(), doneAt: z.date().nullable(), status: z.enum(['done', 'overdue', 'due_soon', 'on_track']), rag: z.enum(['green', 'amber', 'red']),
  reports: z.number(), lastNote: z.string().nullable(),
});
const projectOut = z.object({
  code: z.string(), programme: z.string(), name: z.string(), agency: z.string(), years: z.object({ from: z.number(), to: z.number() }), budget: z.number(), cyber: z.number(),
  disbursed: z.number(), cyberShare: z.number(), disbursedShare: z.number(), cyberBelowMin: z.boolean(),
});

export function programmeRoutes(app: App, k: Kernel) {
  app.get('/api/operations/programmes', {
    config: { access: { action: PROGRAMME_READ } },
    schema: {
      tags: [TAG], summary: 'Nghị quyết, kế hoạch, quyết định về chuyển đổi số (số, ngày, cơ quan ban hành, giai đoạn, nhóm nhiệm vụ)',
      response: { 200: z.array(z.object({ code: z.string(), kind: z.string(), number: z.string(), title: z.string(), issuedOn: z.string(), issuer: z.string(), level: z.enum(['national', 'provincial']), period: z.object({ from: z.number(), to: z.number() }), groups: z.array(z.object({ seq: z.number(), name: z.string() })) })) },
    },
  }, async (req) => listProgrammes(k, ctxOf(req)));

  app.get('/api/operations/indicators', {
    config: { access: { action: PROGRAMME_READ } },
    schema: {
      tags: [TAG], summary: 'Chỉ tiêu của chương trình: mục tiêu theo năm, kết quả (tự tính, tự nhập kèm minh chứng, nhập từ tệp), đánh giá xanh/vàng/đỏ',
      querystring: z.object({ programme: code.optional(), year: year.optional() }).strict(),
      response: { 200: z.object({ year: z.number(), computedAt: z.date(), items: z.array(indicatorOut) }) },
    },
  }, async (req) => listIndicators(k, ctxOf(req), req.query));

  app.post('/api/operations/indicators', {
    config: { access: { action: PROGRAMME_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Thêm chỉ tiêu (Ban chỉ đạo)',
      body: z.object({
        code, programme: code, group: z.number().int().min(1).max(30).nullable().optional(), name: text(3, 500, 'Tên chỉ tiêu'), unit,
        baseline: z.number().nullable().optional(), baselineYear: year.nullable().optional(), direction: z.enum(['up', 'down'], { message: 'Chiều (direction) là up hoặc down' }),
        ownerAgency: agencyCode.nullable().optional(), legalBasis: text(3, 500, 'Căn cứ pháp lý'), source: z.enum(['computed', 'entered', 'imported'], { message: 'Nguồn số liệu (source) là computed, entered hoặc imported' }),
        computedKey: z.enum(FIGURE_KEYS, { message: 'Mã số liệu tự tính (computedKey) không có' }).nullable().optional(), public: z.boolean().optional(),
        targets: z.array(z.object({ year: z.number().int().min(2020, 'Năm từ 2020').max(2030, 'Năm đến 2030'), value: z.number() }).strict()).min(1, 'Cần ít nhất một mục tiêu theo năm').max(11),
      }).strict(),
      response: { 201: z.object({ id: z.string(), code: z.string() }) },
    },
  }, async (req, reply) => reply.code(201).send(await createIndicator(k, ctxOf(req), req.body)));

  app.post('/api/operations/indicators/:code/actuals', {
    config: { access: { action: PROGRAMME_REPORT } },
    bodyLimit: 150 * 1_048_576,
    schema: {
      tags: [TAG], summary: 'Cơ quan chủ trì nhập kết quả một năm của chỉ tiêu, kèm tệp minh chứng (PDF, ảnh, .xlsx)',
      params: z.object({ code }),
      body: z.object({ year: z.number().int('Năm là số nguyên').min(2020, 'Năm từ 2020').max(2030, 'Năm đến 2030'), value: z.number({ message: 'Giá trị (value) phải là số' }), note: text(0, 2000, 'Ghi chú').nullable().optional(), evidence }).strict(),
      response: { 201: z.object({ id: z.string(), code: z.string(), year: z.number(), value: z.number(), evidence: z.number() }) },
    },
  }, async (req, reply) => reply.code(201).send(await enterActual(k, ctxOf(req), req.params.code, req.body)));

  app.get('/api/operations/tasks', {
    config: { access: { action: PROGRAMME_READ } },
    schema: {
      tags: [TAG], summary: 'Nhiệm vụ giao các cơ quan: hạn, tiến độ, quá hạn (đỏ), sắp đến hạn (vàng)',
      querystring: z.object({ agency: agencyCode.optional(), open: z.enum(['true', 'false']).optional().transform((v) => v === 'true') }).strict(),
      response: { 200: z.object({ computedAt: z.date(), items: z.array(taskOut) }) },
    },
  }, async (req) => listTasks(k, ctxOf(req), req.query));

  app.post('/api/operations/tasks', {
    config: { access: { action: PROGRAMME_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Giao nhiệm vụ cho một cơ quan (Ban chỉ đạo)',
      body: z.object({ code, programme: code, group: z.number().int().min(1).max(30).nullable().optional(), title: text(5, 1000, 'Tên nhiệm vụ'), agency: agencyCode, dueOn: isoDate }).strict(),
      response: { 201: z.object({ id: z.string() }) },
    },
  }, async (req, reply) => reply.code(201).send(await createTask(k, ctxOf(req), req.body)));

  app.post('/api/operations/tasks/:id/reports', {
    config: { access: { action: PROGRAMME_REPORT } },
    bodyLimit: 150 * 1_048_576,
    schema: {
      tags: [TAG], summary: 'Cơ quan được giao báo cáo tiến độ nhiệm vụ, kèm minh chứng; 100% là hoàn thành',
      params: z.object({ id: uuidParam }),
      body: z.object({ progress: z.number().int('Tiến độ (progress) là số nguyên').min(0, 'Tiến độ (progress) từ 0').max(100, 'Tiến độ (progress) không quá 100'), note: text(3, 2000, 'Nội dung báo cáo'), evidence }).strict(),
      response: { 200: taskOut },
    },
  }, async (req) => reportTask(k, ctxOf(req), req.params.id, req.body));

  app.get('/api/operations/projects', {
    config: { access: { action: PROGRAMME_READ } },
    schema: {
      tags: [TAG], summary: 'Dự án: kinh phí, giải ngân, phần dành cho an toàn thông tin (tối thiểu 10%)',
      response: { 200: z.object({ computedAt: z.date(), items: z.array(projectOut), totals: z.object({ budget: z.number(), cyber: z.number(), disbursed: z.number(), cyberShare: z.number().nullable(), cyberBelowMin: z.boolean(), minCyberShare: z.number() }) }) },
    },
  }, async (req) => listProjects(k, ctxOf(req)));

  app.post('/api/operations/projects', {
    config: { access: { action: PROGRAMME_MANAGE } },
    schema: {
      tags: [TAG], summary: 'Thêm dự án (triệu đồng)',
      body: z.object({
        code, programme: code, name: text(5, 500, 'Tên dự án'), agency: agencyCode, yearFrom: year, yearTo: year,
        budget: z.number().int('Kinh phí (budget) là số nguyên triệu đồng').positive('Kinh phí (budget) phải dương'),
        cyber: z.number().int('Kinh phí an toàn thông tin (cyber) là số nguyên').min(0, 'Kinh phí an toàn thông tin (cyber) không âm'),
        disbursed: z.number().int('Giải ngân (disbursed) là số nguyên').min(0, 'Giải ngân (disbursed) không âm').default(0),
      }).strict(),
      response: { 201: projectOut },
    },
  }, async (req, reply) => reply.code(201).send(await createProject(k, ctxOf(req), req.body)));
}
