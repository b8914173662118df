import { createHash } from 'node:crypto';
import { type Generated, sql } from 'kysely';
import type { Ctx } from '../context.js';
import { beforeCommit, type Db, type Executor } from '../db/index.js';

/**
 * Append-only, hash-chained audit log. Every state change writes an entry in the
 * same transaction as the change; each entry's hash covers its content and the
 * previous entry's hash, so editing or deleting any row breaks the chain from
 * there on and `congso audit verify` names the first broken link.
 *
 * Writers do not chain: a chain built at insert time needs one lock held through
 * every commit in the platform, and commits then queue behind each other. Entries
 * are inserted unsealed and the sealer (every worker instance, every
 * `JOBS_POLL_MS`, and `verify`) chains committed ones after the last sealed one.
 * The database refuses UPDATE and DELETE except the one update that seals.
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
  /** Null until the sealer chains the entry (within a second of its commit). */
  prev_hash: string | null;
  hash: string | null;
  /** Position in the chain, assigned when sealed. */
  chain_seq: number | null;
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

type AuditContent = Omit<AuditLogTable, 'seq' | 'hash' | 'prev_hash' | 'chain_seq'>;

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
  private pending = new WeakMap<object, AuditContent[]>();
  private sealTimer: NodeJS.Timeout | null = null;
  private sealing: Promise<unknown> | null = null;

  /**
   * Records an entry in `tx`, written with the change it records (or rolled back with it).
   * The entries of one transaction go in one statement at its end; they take no lock, so
   * concurrent transactions commit side by side. The sealer chains them after commit.
   */
  async record(tx: Executor, ctx: Ctx | null, entry: AuditEntry): Promise<void> {
    if (!tx.isTransaction) throw new Error('audit.record needs the transaction of the change it records');
    const row: AuditContent = {
      // Millisecond precision: what JS can hold is what the hash covers.
      at: new Date(Math.floor(Date.now())),
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
    const queued = this.pending.get(tx);
    if (queued) {
      queued.push(row);
      return;
    }
    const rows = [row];
    this.pending.set(tx, rows);
    await beforeCommit(tx, async () => {
      // Entries recorded by later commit hooks start a new batch.
      this.pending.delete(tx);
      await tx
        .insertInto('audit_log')
        .values(rows.map((r) => ({
          ...r,
          before: r.before === null ? null : JSON.stringify(r.before),
          after: r.after === null ? null : JSON.stringify(r.after),
        })))
        .execute();
    });
  }

  /**
   * Chains every committed entry not chained yet, in the order found (by seq), after the last
   * chained one. Sealers (one per worker instance, and `verify`) take turns under an advisory
   * lock that writers never take. Returns how many entries it sealed.
   */
  async seal(db: Db, batch = 2000): Promise<number> {
    let sealed = 0;
    for (;;) {
      const n = await db.transaction().execute(async (tx) => {
        await sql`SELECT pg_advisory_xact_lock(${LOCK})`.execute(tx);
        const rows = await tx.selectFrom('audit_log').selectAll().where('hash', 'is', null).orderBy('seq').limit(batch).execute();
        if (!rows.length) return 0;
        const last = await tx
          .selectFrom('audit_log')
          .select(['hash', 'chain_seq'])
          .where('chain_seq', 'is not', null)
          .orderBy('chain_seq', 'desc')
          .limit(1)
          .executeTakeFirst();
        let prev = last?.hash ?? GENESIS;
        let pos = Number(last?.chain_seq ?? 0);
        const seqs: number[] = [];
        const prevs: string[] = [];
        const hashes: string[] = [];
        const positions: number[] = [];
        for (const r of rows) {
          const hash = hashOf(prev, { ...r, at: new Date(r.at) });
          seqs.push(Number(r.seq));
          prevs.push(prev);
          hashes.push(hash);
          positions.push(++pos);
          prev = hash;
        }
        await sql`
          UPDATE audit_log a SET prev_hash = v.prev, hash = v.hash, chain_seq = v.pos
          FROM unnest(${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[], ${positions}::bigint[]) AS v(seq, prev, hash, pos)
          WHERE a.seq = v.seq`.execute(tx);
        return rows.length;
      });
      sealed += n;
      if (n < batch) return sealed;
    }
  }

  /** Seals every `ms` in this process (worker instances), until `stopSealer`. */
  startSealer(db: Db, ms: number, onError?: (e: unknown) => void): void {
    if (this.sealTimer) return;
    const tick = () => {
      this.sealing = this.seal(db)
        .catch((e) => onError?.(e))
        .finally(() => {
          if (this.sealTimer) this.sealTimer = setTimeout(tick, ms);
        });
    };
    this.sealTimer = setTimeout(tick, ms);
  }

  async stopSealer(): Promise<void> {
    const t = this.sealTimer;
    this.sealTimer = null;
    if (t) clearTimeout(t);
    await this.sealing?.catch(() => undefined);
  }

  /** Walks the whole chain in order; stops at the first entry that does not hold. */
  async verify(db: Db, onProgress?: (checked: number, total: number) => void): Promise<VerifyResult> {
    await this.seal(db);
    const total = Number(
      (await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst())?.n ?? 0,
    );
    let prev = GENESIS;
    let checked = 0;
    let lastPos = 0;
    for (;;) {
      const rows = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain_seq', '>', lastPos)
        .orderBy('chain_seq')
        .limit(5000)
        .execute();
      if (!rows.length) break;
      for (const r of rows) {
        if (r.prev_hash !== prev) {
          return { ok: false, checked, brokenAt: Number(r.seq), reason: 'link to the previous entry does not match (an entry was removed or changed)' };
        }
        const h = hashOf(prev, { ...r, at: new Date(r.at) });
        if (h !== r.hash) return { ok: false, checked, brokenAt: Number(r.seq), reason: 'content does not match its hash (the entry was edited)' };
        prev = r.hash;
        lastPos = Number(r.chain_seq);
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
