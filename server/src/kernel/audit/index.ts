import { createHash } from 'node:crypto';
import { type Generated, sql } from 'kysely';
import type { Ctx } from '../context.js';
import { beforeCommit, type Db, type Executor } from '../db/index.js';

/**
 * Append-only, hash-chained audit log. Every state change writes an entry in the
 * same transaction as the change; each entry's hash covers its content and the
 * previous entry's hash, so editing or deleting any row breaks the chain from
 * there on and `congso audit verify` names the first broken link.
 */

interface AuditLogTable {
  seq: Generated<number>;
  at: Date;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

declare module '../db/index.js' {
  interface Database {
    audit_log: AuditLogTable;
  }
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

const GENESIS = '0'.repeat(64);
const LOCK = 4_242_002;

/** Stable JSON: keys sorted, so the hash does not depend on key order after a jsonb round trip. */
export function canonical(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

type AuditContent = Omit<AuditLogTable, 'seq' | 'hash' | 'prev_hash'>;

function hashOf(prev: string, e: AuditContent): string {
  return createHash('sha256')
    .update(prev)
    .update('\n')
    .update(
      canonical({
        at: e.at.toISOString(),
        actor_kind: e.actor_kind,
        actor_id: e.actor_id,
        actor_name: e.actor_name,
        action: e.action,
        entity: e.entity,
        entity_id: e.entity_id,
        before: e.before ?? null,
        after: e.after ?? null,
        request_id: e.request_id,
      }),
    )
    .digest('hex');
}

/** JSON values as they come back from jsonb (dates as strings, no undefined). */
function normalise(v: unknown): unknown {
  return v === undefined || v === null ? null : JSON.parse(JSON.stringify(v));
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** The first entry whose hash or link does not match. */
  brokenAt?: number;
  reason?: string;
}

export class AuditLog {
  /**
   * Appends an entry in `tx`. Appends are serialised by a transaction-scoped
   * advisory lock, so concurrent transactions chain in commit order.
   */
  async record(tx: Executor, ctx: Ctx | null, entry: AuditEntry): Promise<void> {
    if (!tx.isTransaction) throw new Error('audit.record needs the transaction of the change it records');
    // Millisecond precision: what JS can hold is what the hash covers.
    const at = new Date(Math.floor(Date.now()));
    // Chained at the end of the transaction: the chain's lock is held only while committing.
    await beforeCommit(tx, () => this.append(tx, ctx, entry, at));
  }

  private async append(tx: Executor, ctx: Ctx | null, entry: AuditEntry, at: Date): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${LOCK})`.execute(tx);
    const last = await tx
      .selectFrom('audit_log')
      .select(['hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const prev = last?.hash ?? GENESIS;
    const row = {
      at,
      actor_kind: ctx?.actor?.kind ?? 'system',
      actor_id: ctx?.actor?.id ?? null,
      actor_name: ctx?.actor?.name ?? null,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId ?? null,
      before: normalise(entry.before),
      after: normalise(entry.after),
      request_id: ctx?.requestId ?? null,
    };
    const hash = hashOf(prev, row);
    await tx
      .insertInto('audit_log')
      .values({
        ...row,
        before: row.before === null ? null : JSON.stringify(row.before),
        after: row.after === null ? null : JSON.stringify(row.after),
        prev_hash: prev,
        hash,
      })
      .execute();
  }

  /** Walks the whole chain in order; stops at the first entry that does not hold. */
  async verify(db: Db, onProgress?: (checked: number, total: number) => void): Promise<VerifyResult> {
    const total = Number(
      (await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0,
    );
    let prev = GENESIS;
    let checked = 0;
    let lastSeq = 0;
    let expectedSeq: number | null = null;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>', lastSeq)
        .orderBy('seq')
        .limit(5000)
        .execute();
      if (!rows.length) break;
      for (const r of rows) {
        if (r.prev_hash !== prev) {
          return { ok: false, checked, brokenAt: r.seq, reason: 'link to the previous entry does not match (an entry was removed or changed)' };
        }
        const h = hashOf(prev, { ...r, at: new Date(r.at) });
        if (h !== r.hash) return { ok: false, checked, brokenAt: r.seq, reason: 'content does not match its hash (the entry was edited)' };
        // Sequence gaps are normal (rolled-back inserts consume numbers); the hash link is what counts.
        void expectedSeq;
        prev = r.hash;
        lastSeq = r.seq;
        checked++;
      }
      onProgress?.(checked, total);
    }
    return { ok: true, checked };
  }

  async list(db: Db, filter: { entity?: string; entityId?: string; limit: number; beforeSeq?: number }) {
    let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(filter.limit);
    if (filter.entity) q = q.where('entity', '=', filter.entity);
    if (filter.entityId) q = q.where('entity_id', '=', filter.entityId);
    if (filter.beforeSeq) q = q.where('seq', '<', filter.beforeSeq);
    return q.execute();
  }
}
