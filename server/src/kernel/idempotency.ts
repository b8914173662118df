import { createHash } from 'node:crypto';
import { type Generated, sql } from 'kysely';
import { canonical } from './audit/index.js';
import type { Executor, Tx } from './db/index.js';
import { errors } from './errors.js';

/**
 * Idempotency keys for commands that create things: a retried request (same
 * key, same body) gets the first answer and creates nothing; the same key with
 * another body is refused. Backed by a primary key, so two concurrent retries
 * cannot both run: the second waits on the first's row and then reads its answer.
 */

interface IdempotencyKeyTable {
  key: string;
  scope: string;
  request_hash: string;
  response: unknown;
  created_at: Generated<Date>;
}
declare module './db/index.js' {
  interface Database {
    idempotency_key: IdempotencyKeyTable;
  }
}

export async function idempotent<T>(
  tx: Tx,
  opts: { scope: string; key: string; request: unknown },
  run: () => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  if (!/^[A-Za-z0-9._:-]{8,128}$/.test(opts.key)) {
    throw errors.field('headers.idempotency-key', 'format', 'Khóa chống lặp phải gồm 8–128 ký tự chữ, số, dấu chấm, gạch');
  }
  const hash = createHash('sha256').update(canonical(opts.request)).digest('hex');
  const inserted = await sql<{ key: string }>`
    INSERT INTO idempotency_key (scope, key, request_hash) VALUES (${opts.scope}, ${opts.key}, ${hash})
    ON CONFLICT (scope, key) DO NOTHING RETURNING key`.execute(tx);
  if (inserted.rows.length === 0) {
    const prior = await tx
      .selectFrom('idempotency_key')
      .select(['request_hash', 'response'])
      .where('scope', '=', opts.scope)
      .where('key', '=', opts.key)
      .executeTakeFirstOrThrow();
    if (prior.request_hash !== hash) throw errors.idempotencyMismatch();
    return { result: prior.response as T, replayed: true };
  }
  const result = await run();
  await tx
    .updateTable('idempotency_key')
    .set({ response: JSON.stringify(result ?? null) })
    .where('scope', '=', opts.scope)
    .where('key', '=', opts.key)
    .execute();
  return { result, replayed: false };
}

/** Forgets keys older than `days`: a client retries within minutes, not weeks. */
export async function purgeIdempotencyKeys(db: Executor, days: number): Promise<number> {
  const r = await sql`DELETE FROM idempotency_key WHERE created_at < now() - make_interval(days => ${days})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
