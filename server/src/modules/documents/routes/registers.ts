import { z } from 'zod';
import { ctxOf } from '../../../kernel/context.js';
import { XLSX_MIME, type App } from '../../../kernel/http/app.js';
import type { Kernel } from '../../../kernel/index.js';
import { closeRegister, MANAGE_REGISTERS, openRegister, registers, registerXlsx } from '../document.service.js';
import { TAG, uuidParam } from '../http.js';
import { DOC_TYPES } from '../types.js';

const year = z.coerce.number().int('Năm là số nguyên').min(2000, 'Năm từ 2000').max(2200, 'Năm đến 2200');

export function registerRoutes(app: App, k: Kernel) {
  app.get('/api/documents/registers', {
    config: { access: { action: 'documents.read' } },
    schema: { tags: [TAG], summary: 'Các sổ đăng ký văn bản (theo cơ quan, năm, luồng số) trong phạm vi', querystring: z.object({ year: year.optional() }).strict() },
  }, async (req) => registers(k, ctxOf(req), req.query.year));

  app.post('/api/documents/registers', {
    // The clerk (văn thư) of the agency, or whoever holds documents.number over it.
    config: { access: { action: MANAGE_REGISTERS } },
    schema: {
      tags: [TAG], summary: 'Mở sổ đăng ký văn bản cho một năm (năm trước, năm nay hoặc năm sau; số bắt đầu từ 01)',
      body: z.object({
        agencyId: uuidParam.optional(),
        year: z.number().int('Năm là số nguyên').min(2000, 'Năm từ 2000').max(2200, 'Năm đến 2200'),
        direction: z.enum(['outgoing', 'incoming'], { message: 'Sổ văn bản đi (outgoing) hoặc đến (incoming)' }),
        sequence: z.enum(['regular', 'normative', 'secret'], { message: 'Luồng số: regular, normative, secret' }).default('regular'),
      }).strict(),
    },
  }, async (req, reply) => reply.code(201).send(await openRegister(k, ctxOf(req), req.body)));

  for (const [verb, closed] of [['close', true], ['reopen', false]] as const) {
    app.post(`/api/documents/registers/:id/${verb}`, {
      config: { access: { action: MANAGE_REGISTERS } },
      schema: {
        tags: [TAG], summary: closed ? 'Khóa sổ văn bản (không cấp thêm số)' : 'Mở lại sổ văn bản đã khóa',
        params: z.object({ id: uuidParam }),
      },
    }, async (req) => closeRegister(k, ctxOf(req), req.params.id, closed));
  }

  app.get('/api/documents/registers/export', {
    config: { access: { action: 'documents.read' } },
    schema: {
      tags: [TAG], summary: 'Sổ đăng ký văn bản đi, văn bản đến, sổ theo dõi giải quyết văn bản đến của một cơ quan và năm (.xlsx)',
      querystring: z.object({ agencyId: uuidParam, year, kind: z.enum(['outgoing', 'incoming', 'followup'], { message: 'Loại sổ: outgoing, incoming, followup' }) }).strict(),
    },
  }, async (req, reply) => {
    const buf = await registerXlsx(k, ctxOf(req), req.query.agencyId, req.query.year, req.query.kind);
    return reply.header('content-type', XLSX_MIME).header('content-disposition', `attachment; filename="so-van-ban-${req.query.kind}-${req.query.year}.xlsx"`).send(buf);
  });

  app.get('/api/documents/types', {
    config: { access: 'signed-in' },
    schema: { tags: [TAG], summary: 'Loại văn bản và chữ viết tắt (Phụ lục III Nghị định 30/2020)' },
  }, async () => DOC_TYPES);
}
