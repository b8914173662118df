import { sql } from 'kysely';
import { z } from 'zod';
import { authorize } from './access.js';
import type { App } from './app.js';
import { errors } from '../errors.js';
import type { Kernel } from '../index.js';
import { pendingMigrations } from '../db/migrate.js';
import { calendarRoutes } from '../calendar/routes.js';

/** Routes of the kernel itself: health, dead letters, audit log. */
export function kernelRoutes(app: App, k: Kernel) {
  calendarRoutes(app, k);
  app.get(
    '/api/health',
    {
      config: { access: 'public', rateLimit: false },
      schema: {
        tags: ['kernel'],
        summary: 'Tình trạng hệ thống (cơ sở dữ liệu, migration)',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.literal('ok'), migrations: z.literal('current'), time: z.string() }),
          503: z.object({ status: z.literal('degraded'), database: z.string(), migrations: z.string(), pending: z.array(z.string()), time: z.string() }),
        },
      },
    },
    async (_req, reply) => {
      const time = new Date().toISOString();
      try {
        const pending = await pendingMigrations((q) => sql.raw(q).execute(k.db) as never);
        if (pending.length) {
          return reply.code(503).send({ status: 'degraded', database: 'ok', migrations: 'pending', pending, time });
        }
        return { status: 'ok' as const, database: 'ok' as const, migrations: 'current' as const, time };
      } catch (e) {
        return reply.code(503).send({ status: 'degraded', database: (e as Error).message.slice(0, 200), migrations: 'unknown', pending: [], time });
      }
    },
  );

  const deadLetter = z.object({
    id: z.number(),
    topic: z.string(),
    payload: z.unknown(),
    attempts: z.number(),
    last_error: z.string().nullable(),
    created_at: z.date(),
    run_at: z.date(),
  });

  app.get(
    '/api/admin/outbox',
    {
      config: { access: { action: 'system.outbox.manage' } },
      schema: {
        tags: ['kernel'],
        summary: 'Hàng đợi công việc: thống kê và thư chết (dead letters)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
        response: { 200: z.object({ pending: z.number(), dead: z.number(), done: z.number(), deadLetters: z.array(deadLetter) }) },
      },
    },
    async (req) => {
      authorize(req.actor, 'system.outbox.manage');
      const [stats, deadLetters] = await Promise.all([k.outbox.stats(), k.outbox.deadLetters(req.query.limit)]);
      return { ...stats, deadLetters };
    },
  );

  app.post(
    '/api/admin/outbox/:id/retry',
    {
      config: { access: { action: 'system.outbox.manage' } },
      schema: {
        tags: ['kernel'],
        summary: 'Chạy lại một thư chết',
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: { 200: z.object({ retried: z.literal(true) }) },
      },
    },
    async (req) => {
      authorize(req.actor, 'system.outbox.manage');
      const ok = await k.outbox.retry(req.params.id);
      if (!ok) throw errors.notFound(req.lang === 'vi' ? 'thư chết' : 'dead letter');
      return { retried: true as const };
    },
  );

  app.get(
    '/api/admin/audit',
    {
      config: { access: { action: 'system.audit.read' } },
      schema: {
        tags: ['kernel'],
        summary: 'Nhật ký kiểm tra (chỉ đọc)',
        querystring: z
          .object({
            entity: z.string().max(100).optional(),
            entityId: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            beforeSeq: z.coerce.number().int().positive().optional(),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                seq: z.number(),
                at: z.date(),
                actor_kind: z.string(),
                actor_id: z.string().nullable(),
                actor_name: z.string().nullable(),
                action: z.string(),
                entity: z.string(),
                entity_id: z.string().nullable(),
                before: z.unknown(),
                after: z.unknown(),
                request_id: z.string().nullable(),
                // Null for the second or so between an entry's commit and its sealing.
                hash: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      authorize(req.actor, 'system.audit.read');
      return { items: await k.audit.list(k.db, req.query) };
    },
  );

  app.get(
    '/api/admin/audit/verify',
    {
      config: { access: { action: 'system.audit.read' } },
      schema: {
        tags: ['kernel'],
        summary: 'Kiểm tra tính toàn vẹn chuỗi băm của nhật ký',
        response: { 200: z.object({ ok: z.boolean(), checked: z.number(), brokenAt: z.number().optional(), reason: z.string().optional() }) },
      },
    },
    async (req) => {
      authorize(req.actor, 'system.audit.read');
      return k.audit.verify(k.db);
    },
  );
}
