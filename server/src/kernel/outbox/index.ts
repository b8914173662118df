import { hostname } from 'node:os';
import { type Generated, type Insertable, sql } from 'kysely';
import type { Logger } from 'pino';
import { beforeCommit, type Db, type Executor } from '../db/index.js';

/**
 * Transactional outbox and job runner. `enqueue` writes a row in the caller's
 * transaction, so the side effect exists exactly when the change commits.
 * Workers on any number of instances claim due rows with FOR UPDATE SKIP LOCKED,
 * run the topic's handler, and move the row to `outbox_done`; a failure is
 * retried with exponential backoff and, after `max_attempts`, kept as a dead
 * letter for administrators to inspect and retry.
 *
 * Two ways in: a job (`on` + `enqueue`: one topic, one handler) and an event
 * (`subscribe` + `publish`): every subscriber whose pattern matches gets its
 * own entry, so a slow or failing subscriber (a partner's webhook) never holds
 * back or repeats another (the national sync, a dashboard rollup).
 */

interface OutboxTable {
  id: Generated<number>;
  topic: string;
  /** jsonb: written as a JSON string, read as a value. */
  payload: unknown;
  status: Generated<'pending' | 'dead'>;
  run_at: Generated<Date>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  last_error: string | null;
  dedupe_key: string | null;
  request_id: string | null;
  created_at: Generated<Date>;
  locked_until: Date | null;
  subscriber: string | null;
}
interface OutboxDoneTable {
  id: number;
  topic: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  done_at: Date;
  subscriber: string | null;
}
declare module '../db/index.js' {
  interface Database {
    outbox: OutboxTable;
    outbox_done: OutboxDoneTable;
  }
}

export interface OutboxMessage<P = unknown> {
  id: number;
  topic: string;
  payload: P;
  attempts: number;
  requestId: string | null;
  /** The subscriber this copy of a published event is for (null for a job). */
  subscriber: string | null;
}

export type Handler<P = any> = (msg: OutboxMessage<P>) => Promise<void>;

export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  delayMs?: number;
  maxAttempts?: number;
  /** At most one entry per key, ever: a second enqueue with the same key is ignored. */
  dedupeKey?: string;
  requestId?: string;
}

/** Backoff before attempt n+1: 2^n seconds, capped at an hour, with jitter. */
export function backoffMs(attempts: number, baseMs = 1000): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

interface Subscription {
  pattern: string;
  handler: Handler;
}

/** What one worker loop claims: plain jobs of these topics, entries of these subscribers. */
interface Lane {
  topics: string[];
  subscribers: string[];
}

type OutboxRow = Insertable<OutboxTable>;

async function insertOutbox(ex: Executor, rows: OutboxRow[]): Promise<void> {
  if (!rows.length) return;
  // In the order written (a subscriber sees its entries in that order); a second entry with a
  // key already written, here or before, is ignored (entries without a key never conflict).
  const keys = new Set<string>();
  const once = rows.filter((r) => !r.dedupe_key || (!keys.has(r.dedupe_key) && !!keys.add(r.dedupe_key)));
  const q = ex.insertInto('outbox').values(once);
  if (keys.size) await q.onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
  else await q.execute();
}

/** `a.b.*` matches `a.b.c` and `a.b.c.d`; `*` matches everything; anything else matches itself. */
export function topicMatches(pattern: string, topic: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return topic.startsWith(pattern.slice(0, -1));
  return pattern === topic;
}

export class Outbox {
  private handlers = new Map<string, Handler>();
  private subscriptions = new Map<string, Subscription>();
  private timers: (NodeJS.Timeout | null)[] = [];
  private running = false;
  private inFlight: (Promise<unknown> | null)[] = [];
  private readonly periodic = new Map<string, number>();
  private readonly worker = `${hostname()}:${process.pid}`;
  /** Base of the backoff; tests shorten it. */
  backoffBaseMs = 1000;
  /** How long a claimed row stays invisible to other workers while its handler runs. */
  leaseMs = 60_000;

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
  ) {}

  /**
   * A periodic task, run once per `periodMs` across all instances: each run is
   * an outbox entry for the next period boundary with a dedupe key, so however
   * many instances schedule it, one entry per slot exists and one worker runs it.
   * The run queues the next one; `schedulePeriodic` (at start-up) queues the
   * first, and re-queues a chain lost to a restore.
   */
  every(topic: string, periodMs: number, task: () => Promise<void>): void {
    if (periodMs < 1000) throw new Error('periodic tasks run at most once a second');
    this.on<{ at?: string }>(topic, async (m) => {
      await task();
      // The next slot is after this run's own slot, whatever the clocks say: a
      // worker whose clock lags the database's must not queue the same slot again.
      const slot = Date.parse(m.payload?.at ?? '');
      await this.schedulePeriodic(this.db, topic, Number.isFinite(slot) ? slot + 1 : 0);
    });
    this.periodic.set(topic, periodMs);
  }

  /** Queues the next run of every periodic task (or of one), idempotently. */
  async schedulePeriodic(ex: Executor = this.db, only?: string, after = 0): Promise<void> {
    for (const [topic, period] of this.periodic) {
      if (only && topic !== only) continue;
      const slot = new Date(Math.floor(Math.max(Date.now(), after) / period + 1) * period);
      await this.enqueue(ex, topic, { at: slot.toISOString() }, { runAt: slot, dedupeKey: `${topic}@${slot.toISOString()}` });
    }
  }

  on<P>(topic: string, handler: Handler<P>): void {
    if (this.handlers.has(topic)) throw new Error(`Outbox topic ${topic} already has a handler`);
    this.handlers.set(topic, handler as Handler);
  }

  topics(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * Subscribes `subscriber` (a unique name, e.g. `services.national`) to events
   * matching `pattern` (`workflow.case.services.dossier.*`). Register at start-up,
   * before anything is published: an event goes to the subscribers known when it
   * is written.
   */
  subscribe<P>(pattern: string, subscriber: string, handler: Handler<P>): void {
    if (this.subscriptions.has(subscriber)) throw new Error(`Outbox subscriber ${subscriber} already exists`);
    if (/[*]/.test(pattern.replace(/(^|\.)\*$/, ''))) throw new Error(`Outbox pattern ${pattern}: * only as the last segment`);
    this.subscriptions.set(subscriber, { pattern, handler: handler as Handler });
  }

  subscribers(topic?: string): string[] {
    return [...this.subscriptions].filter(([, s]) => topic === undefined || topicMatches(s.pattern, topic)).map(([name]) => name);
  }

  /**
   * Publishes an event in `tx`: one entry per matching subscriber, visible only if `tx`
   * commits. With no subscriber nothing is written.
   */
  async publish(tx: Executor, topic: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
    const subs = this.subscribers(topic);
    if (!subs.length) return;
    const runAt = opts.runAt ?? (opts.delayMs ? new Date(Date.now() + opts.delayMs) : undefined);
    const body = JSON.stringify(payload ?? {});
    await this.write(tx, subs.map((subscriber) => ({
      topic,
      subscriber,
      payload: body,
      ...(runAt ? { run_at: runAt } : {}),
      ...(opts.maxAttempts ? { max_attempts: opts.maxAttempts } : {}),
      dedupe_key: opts.dedupeKey ? `${opts.dedupeKey}>${subscriber}` : null,
      request_id: opts.requestId ?? null,
    })));
  }

  /** Writes an entry in `tx`: it becomes visible to workers only if `tx` commits. */
  async enqueue(tx: Executor, topic: string, payload: unknown, opts: EnqueueOptions = {}): Promise<void> {
    const runAt = opts.runAt ?? (opts.delayMs ? new Date(Date.now() + opts.delayMs) : undefined);
    await this.write(tx, [{
      topic,
      payload: JSON.stringify(payload ?? {}),
      ...(runAt ? { run_at: runAt } : {}),
      ...(opts.maxAttempts ? { max_attempts: opts.maxAttempts } : {}),
      dedupe_key: opts.dedupeKey ?? null,
      request_id: opts.requestId ?? null,
    }]);
  }

  private pending = new WeakMap<object, OutboxRow[]>();

  /**
   * The entries of one transaction (opened by `transaction()`) go in one statement at its end,
   * like the audit entries: a submission that publishes two events and queues two sweeps makes
   * one round trip, not four. Entries keep the order they were written in. Outside a transaction
   * opened by `transaction()` the entries are written at once.
   */
  private async write(tx: Executor, rows: OutboxRow[]): Promise<void> {
    if (!tx.isTransaction) return insertOutbox(tx, rows);
    const queued = this.pending.get(tx);
    if (queued) {
      queued.push(...rows);
      return;
    }
    const batch = [...rows];
    this.pending.set(tx, batch);
    await beforeCommit(tx, async () => {
      // Entries written by later commit hooks start a new batch.
      this.pending.delete(tx);
      await insertOutbox(tx, batch);
    });
  }

  /**
   * Claims up to `batch` due rows and runs them. Returns how many were handled.
   * Claiming takes a short lease in its own transaction, so a slow handler never
   * holds a database transaction open, and a crashed worker's rows come back
   * when the lease runs out.
   */
  async runOnce(batch = 50, lane?: Lane): Promise<number> {
    const topics = lane ? lane.topics : this.topics();
    const subs = lane ? lane.subscribers : this.subscribers();
    if (!topics.length && !subs.length) return 0;
    const claimed = await sql<{ id: number; topic: string; subscriber: string | null; payload: unknown; attempts: number; request_id: string | null; max_attempts: number }>`
      UPDATE outbox SET locked_until = now() + make_interval(secs => ${this.leaseMs / 1000}), attempts = attempts + 1
      WHERE id IN (
        SELECT id FROM outbox
        WHERE status = 'pending' AND run_at <= now()
          AND (locked_until IS NULL OR locked_until < now())
          AND ((subscriber IS NULL AND topic = ANY(${topics})) OR subscriber = ANY(${subs}))
        ORDER BY run_at, id
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED
      )
      RETURNING id, topic, subscriber, payload, attempts, request_id, max_attempts`.execute(this.db);
    // UPDATE … RETURNING gives rows in no particular order; handlers run in the order they were written.
    const rows = claimed.rows.sort((a, b) => Number(a.id) - Number(b.id));
    if (!rows.length) return 0;
    const done: number[] = [];
    for (const r of rows) {
      const handler = r.subscriber ? this.subscriptions.get(r.subscriber)!.handler : this.handlers.get(r.topic)!;
      try {
        await handler({ id: r.id, topic: r.topic, payload: r.payload, attempts: r.attempts, requestId: r.request_id, subscriber: r.subscriber });
        done.push(r.id);
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const dead = r.attempts >= r.max_attempts;
        this.log?.warn({ topic: r.topic, subscriber: r.subscriber, id: r.id, attempts: r.attempts, dead, err: message }, 'outbox handler failed');
        await this.db
          .updateTable('outbox')
          .set({
            status: dead ? 'dead' : 'pending',
            last_error: message.slice(0, 2000),
            locked_until: null,
            run_at: new Date(Date.now() + backoffMs(r.attempts, this.backoffBaseMs)),
          })
          .where('id', '=', r.id)
          .execute();
      }
    }
    if (done.length) {
      await sql`WITH moved AS (DELETE FROM outbox WHERE id = ANY(${done}) RETURNING id, topic, payload, attempts, created_at, subscriber)
        INSERT INTO outbox_done (id, topic, payload, attempts, created_at, subscriber) SELECT * FROM moved`.execute(this.db);
    }
    return rows.length;
  }

  /** Runs until nothing is due (tests and the command line). */
  async drain(maxRounds = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await this.runOnce();
      if (!n) break;
      total += n;
    }
    return total;
  }

  /**
   * Starts the worker: `lanes` loops side by side. Plain jobs run in the first lane; each
   * subscriber's entries run in one lane only (subscribers are spread over the lanes), so a
   * subscriber still sees its entries one at a time in the order written, while a slow
   * subscriber no longer delays the others.
   */
  start(pollMs = 500, lanes = 1): void {
    if (this.running) return;
    this.running = true;
    const subs = this.subscribers().sort();
    const n = Math.max(1, Math.min(lanes, subs.length + 1));
    const all: Lane[] = Array.from({ length: n }, (_, i) => ({ topics: i === 0 ? this.topics() : [], subscribers: [] }));
    // With one lane, everything; otherwise lane 0 takes plain jobs and subscribers go round the others first.
    subs.forEach((name, i) => all[n === 1 ? 0 : 1 + (i % (n - 1))]!.subscribers.push(name));
    all.forEach((lane, i) => {
      const tick = async () => {
        if (!this.running) return;
        try {
          const run = this.runOnce(50, lane);
          this.inFlight[i] = run;
          const got = await run;
          this.timers[i] = setTimeout(tick, got ? 0 : pollMs);
        } catch (e) {
          this.log?.error({ err: e }, 'outbox worker error');
          this.timers[i] = setTimeout(tick, pollMs * 4);
        }
      };
      this.timers[i] = setTimeout(tick, 0);
    });
  }

  /** Removes archived entries older than `days` (they are kept for inspection only). */
  async purgeDone(days: number): Promise<number> {
    const r = await sql`DELETE FROM outbox_done WHERE done_at < now() - make_interval(days => ${days})`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) if (t) clearTimeout(t);
    await Promise.all(this.inFlight.map((f) => f?.catch(() => undefined)));
  }

  deadLetters(limit = 100) {
    return this.db
      .selectFrom('outbox')
      .select(['id', 'topic', 'subscriber', 'payload', 'attempts', 'last_error', 'created_at', 'run_at'])
      .where('status', '=', 'dead')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** Puts a dead letter back in the queue with a fresh attempt budget. */
  async retry(id: number): Promise<boolean> {
    const r = await this.db
      .updateTable('outbox')
      .set({ status: 'pending', attempts: 0, run_at: new Date(), locked_until: null })
      .where('id', '=', id)
      .where('status', '=', 'dead')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async stats() {
    const r = await sql<{ pending: number; dead: number; done: number }>`
      SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS pending,
             (SELECT count(*) FROM outbox WHERE status = 'dead')::int AS dead,
             (SELECT count(*) FROM outbox_done)::int AS done`.execute(this.db);
    return r.rows[0]!;
  }
}
