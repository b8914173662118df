import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errors } from '../../../kernel/errors.js';
import type { App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { feedbackErrors } from '../errors.js';
import * as repo from '../report.repo.js';
import { clientOf, discovery, errorList, type Format, render, requests, serviceDefinition, services, submitInputOf } from '../open311.js';
import { submit } from '../report.service.js';

const TAG = 'open311';
const format = z.enum(['json', 'xml'], { message: 'Định dạng là json hoặc xml' });
const TYPES: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** Runs an Open311 operation and answers in its format; errors as the standard's list of {code, description}. */
async function answer(req: FastifyRequest, reply: FastifyReply, fmt: string, kind: Parameters<typeof render>[0], run: () => Promise<unknown>, status = 200) {
  const f: Format = fmt === 'xml' ? 'xml' : 'json';
  try {
    if (req.validationError) throw errors.field('query', 'format', req.validationError.message);
    if (fmt !== 'json' && fmt !== 'xml') throw errors.field('params.format', 'enum', 'Định dạng là json hoặc xml');
    const body = await run();
    return reply.code(status).header('content-type', TYPES[f]).send(render(kind, body, f));
  } catch (e) {
    const { status: s, body } = errorList(e);
    if (s >= 500) req.log.error({ err: e }, 'open311 error');
    return reply.code(s).header('content-type', TYPES[f]).send(render('errors', body, f));
  }
}

const dateParam = z.string().datetime({ offset: true, message: 'Thời điểm theo ISO 8601, ví dụ 2026-11-01T00:00:00+07:00' }).optional();

export function open311Routes(app: App, k: Kernel) {
  const common = { config: { access: 'public' as const }, attachValidation: true };

  app.get('/open311/v2/discovery.:format', { ...common, schema: { tags: [TAG], summary: 'Open311: tài liệu khám phá (discovery)', params: z.object({ format }) } },
    (req, reply) => answer(req, reply, req.params.format, 'discovery', async () => discovery(k.config.publicUrl)));

  app.get('/open311/v2/services.:format', { ...common, schema: { tags: [TAG], summary: 'Open311: danh sách dịch vụ (lĩnh vực phản ánh)', params: z.object({ format }) } },
    (req, reply) => answer(req, reply, req.params.format, 'services', () => services(k)));

  app.get('/open311/v2/services/:code.:format', { ...common, schema: { tags: [TAG], summary: 'Open311: định nghĩa một dịch vụ', params: z.object({ code: z.string().max(41), format }) } },
    (req, reply) => answer(req, reply, req.params.format, 'definition', () => serviceDefinition(k, req.params.code)));

  app.get('/open311/v2/requests.:format', {
    ...common,
    schema: {
      tags: [TAG], summary: 'Open311: các yêu cầu (lọc theo service_request_id, service_code, start_date, end_date, status)',
      params: z.object({ format }),
      querystring: z.object({
        service_request_id: z.string().max(2000).optional(), service_code: z.string().max(41).optional(),
        start_date: dateParam, end_date: dateParam, status: z.enum(['open', 'closed']).optional(), jurisdiction_id: z.string().max(100).optional(),
      }),
    },
  }, (req, reply) => answer(req, reply, req.params.format, 'requests', () => {
    const q = req.query;
    return requests(k, {
      ids: q.service_request_id ? q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 100) : undefined,
      serviceCode: q.service_code, start: q.start_date ? new Date(q.start_date) : undefined, end: q.end_date ? new Date(q.end_date) : undefined, status: q.status,
    });
  }));

  app.get('/open311/v2/requests/:id.:format', { ...common, schema: { tags: [TAG], summary: 'Open311: một yêu cầu', params: z.object({ id: z.string().max(40), format }) } },
    (req, reply) => answer(req, reply, req.params.format, 'requests', async () => {
      const list = await requests(k, { ids: [req.params.id] });
      if (!list.length) throw feedbackErrors.notFound();
      return list;
    }));

  app.get('/open311/v2/tokens/:token.:format', { ...common, schema: { tags: [TAG], summary: 'Open311: mã yêu cầu ứng với một token', params: z.object({ token: z.string().max(40), format }) } },
    (req, reply) => answer(req, reply, req.params.format, 'tokens', async () => {
      const r = /^[0-9a-f-]{36}$/.test(req.params.token) ? await repo.report(k.db, req.params.token) : undefined;
      if (!r || r.kind !== 'pakn') throw feedbackErrors.notFound();
      return [{ service_request_id: r.code, token: r.id }];
    }));

  app.post('/open311/v2/requests.:format', {
    ...common,
    config: { access: 'public' as const, rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: {
      tags: [TAG], summary: 'Open311: gửi một yêu cầu (cần api_key cấp cho ứng dụng đối tác; dạng form hoặc JSON)',
      params: z.object({ format }),
      body: z.record(z.string(), z.string().max(10_000)),
    },
  }, (req, reply) => answer(req, reply, req.params.format, 'created', async () => {
    const p = (req.body ?? {}) as Record<string, string>;
    const client = await clientOf(k, p.api_key);
    if (!p.service_code) throw errors.field('service_code', 'required', 'Thiếu service_code');
    if (p.lat === undefined && !p.address_string) throw errors.field('lat', 'required', 'Cần lat và long, hoặc address_string');
    for (const f of ['lat', 'long'] as const) if (p[f] !== undefined && !/^-?\d+(\.\d+)?$/.test(p[f])) throw errors.field(f, 'number', `${f} phải là số thập phân`);
    const actor = { kind: 'partner' as const, id: `open311:${client}`, name: client, grants: [] };
    const r = await submit(k, { actor, lang: 'vi', requestId: req.id }, submitInputOf(p, client), [], p.device_id ? `o311:${client}:${p.device_id}:${Date.now()}` : `o311:${randomUUID()}`);
    return [{ service_request_id: r.code, token: r.id, service_notice: `Đã tiếp nhận; hạn xử lý bước đầu ${r.due_at?.toISOString() ?? ''}`, account_id: '' }];
  }, 201));
}
