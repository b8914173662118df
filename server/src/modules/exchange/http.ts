import { z } from 'zod';

/** Schemas and tags shared by the exchange routes. */
export const OPENDATA_TAG = 'open-data';
export const PARTNER_TAG = 'exchange: partners';

export const datasetIdParam = z.string().regex(/^[a-z0-9][a-z0-9-]{1,99}$/, 'Mã bộ dữ liệu gồm chữ thường, số và dấu gạch ngang');

export const runSchema = z.object({
  id: z.number(),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  total: z.number(),
  done: z.number(),
  current: z.string().nullable(),
  changed: z.array(z.string()),
  errors: z.array(z.object({ dataset: z.string(), message: z.string() })),
  created_by: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});

export const partnerSchema = z.object({
  id: z.string(), identifier: z.string(), memberClass: z.string(), memberCode: z.string(), subsystem: z.string(), agencyName: z.string(),
  systemName: z.string(), contactName: z.string(), contactEmail: z.string(), active: z.boolean(), createdAt: z.date(),
});

export const grantSchema = z.object({
  id: z.string(), scope: z.string(), ownerAgency: z.object({ code: z.string(), name: z.string() }), purpose: z.string(),
  status: z.enum(['pending', 'granted', 'refused', 'revoked']), requestedAt: z.date(), dueAt: z.date(), decidedAt: z.date().nullable(), reason: z.string().nullable(),
});

export const deliverySchema = z.object({
  id: z.string(), eventId: z.string(), eventType: z.string(), status: z.enum(['pending', 'delivered', 'failing']), attempts: z.number(),
  lastStatus: z.number().nullable(), lastError: z.string().nullable(), createdAt: z.date(), deliveredAt: z.date().nullable(),
  replays: z.number(), replayPending: z.boolean(), lastReplayedAt: z.date().nullable(),
});

/** The answer to a replay request: the delivery, whether this request queued a send, and whether it repeated an earlier request (same Idempotency-Key). */
export const replaySchema = deliverySchema.extend({ queued: z.boolean(), duplicate: z.boolean() });

/** An optional Idempotency-Key header (documented in the OpenAPI document; other headers pass untouched). */
export const replayHeaders = z.looseObject({
  'idempotency-key': z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Khóa chống lặp (Idempotency-Key) gồm 8–128 ký tự chữ, số, dấu chấm, gạch').optional(),
});

/** The optional Idempotency-Key of a request, checked by the kernel's idempotency store (8–128 characters). */
export const idempotencyKeyOf = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h) || undefined;
