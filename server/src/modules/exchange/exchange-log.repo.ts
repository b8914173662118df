import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the exchange log (the chain itself is computed in exchange-log.ts). */

interface ExchangeLogTable {
  seq: Generated<number>;
  at: Date;
  partner_id: string | null;
  kind: 'token' | 'call' | 'delivery';
  operation: string;
  status: number;
  duration_ms: number;
  request_id: string | null;
  detail: unknown;
  prev_hash: string;
  hash: string;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    exchange_log: ExchangeLogTable;
  }
}

export type LogRow = Omit<ExchangeLogTable, 'seq'> & { seq: number };
export type LogContent = Omit<ExchangeLogTable, 'seq' | 'prev_hash' | 'hash'>;

const LOCK = 4_242_070;

export async function lockChain(tx: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${LOCK})`.execute(tx);
}

export async function lastHash(tx: Executor): Promise<string | undefined> {
  return (await tx.selectFrom('exchange_log').select('hash').orderBy('seq', 'desc').limit(1).executeTakeFirst())?.hash;
}

export async function insertEntry(tx: Executor, e: LogContent & { prev_hash: string; hash: string }): Promise<void> {
  await tx.insertInto('exchange_log').values({ ...e, detail: e.detail === null ? null : JSON.stringify(e.detail) }).execute();
}

export async function entriesAfter(db: Executor, seq: number, limit: number): Promise<LogRow[]> {
  return (await db.selectFrom('exchange_log').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit).execute()) as LogRow[];
}

/** Volume, latency and errors per partner and kind over a period [from, to). */
export async function partnerFigures(db: Executor, from: Date, to: Date, partnerId?: string) {
  let q = db
    .selectFrom('exchange_log')
    .where('at', '>=', from)
    .where('at', '<', to)
    .where('partner_id', 'is not', null);
  if (partnerId) q = q.where('partner_id', '=', partnerId);
  return q
    .select([
      'partner_id', 'kind',
      sql<number>`count(*)::int`.as('total'),
      // Anything but a 2xx is an error: a refused call, a delivery the receiver did not acknowledge (a redirect too: deliveries never follow one), no answer (0).
      sql<number>`count(*) FILTER (WHERE status < 200 OR status >= 300)::int`.as('errors'),
      sql<number>`coalesce(avg(duration_ms), 0)::float8`.as('avg_ms'),
      sql<number>`coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms), 0)::float8`.as('p95_ms'),
    ])
    .groupBy(['partner_id', 'kind'])
    .orderBy('partner_id')
    .orderBy('kind')
    .execute() as Promise<{ partner_id: string; kind: string; total: number; errors: number; avg_ms: number; p95_ms: number }[]>;
}
