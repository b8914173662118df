import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pino from 'pino';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { connect, transaction } from '../db/index.js';
import { Outbox } from './index.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outbox', () => {
  it('makes an entry visible only when the caller transaction commits', async () => {
    const seen: unknown[] = [];
    const ob = new Outbox(env.k.db);
    ob.on('t.commit', async (m) => void seen.push(m.payload));
    await transaction(env.k.db, (tx) => ob.enqueue(tx, 't.commit', { n: 1 }));
    await transaction(env.k.db, async (tx) => {
      await ob.enqueue(tx, 't.commit', { n: 2 });
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await ob.drain()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    const done = await env.k.db.selectFrom('outbox_done').select('payload').where('topic', '=', 't.commit').execute();
    expect(done.map((d) => d.payload)).toEqual([{ n: 1 }]);
  });

  it('writes the entries of a transaction in one statement at its end, in the order written, once per dedupe key', async () => {
    const ob = new Outbox(env.k.db);
    ob.subscribe('t.batch.*', 'batch-sub', async () => undefined);
    const notYet: string[] = [];
    await transaction(env.k.db, async (tx) => {
      await ob.publish(tx, 't.batch.a', { n: 1 });
      await ob.enqueue(tx, 't.batch-job', { n: 2 }, { dedupeKey: 't.batch-job:1' });
      await ob.enqueue(tx, 't.batch-job', { n: 3 }, { dedupeKey: 't.batch-job:1' });
      await ob.publish(tx, 't.batch.b', { n: 4 });
      // Nothing is written before the end of the transaction.
      const seen = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic LIKE 't.batch%'`.execute(tx);
      notYet.push(`before commit: ${seen.rows[0]!.n}`);
    });
    const rows = await sql<{ topic: string; payload: { n: number } }>`SELECT topic, payload FROM outbox WHERE topic LIKE 't.batch%' ORDER BY id`.execute(env.k.db);
    expect(notYet).toEqual(['before commit: 0']);
    expect(rows.rows.map((r) => `${r.topic}:${r.payload.n}`)).toEqual(['t.batch.a:1', 't.batch-job:2', 't.batch.b:4']);
    // A key written by an earlier transaction is still honoured.
    await transaction(env.k.db, (tx) => ob.enqueue(tx, 't.batch-job', { n: 5 }, { dedupeKey: 't.batch-job:1' }));
    const again = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = 't.batch-job'`.execute(env.k.db);
    expect(again.rows[0]!.n).toBe(1);
    await sql`DELETE FROM outbox WHERE topic LIKE 't.batch%'`.execute(env.k.db);
  });

  it('retries with backoff, then keeps a dead letter that an administrator can retry', async () => {
    const ob = new Outbox(env.k.db);
    ob.backoffBaseMs = 5;
    let calls = 0;
    let healthy = false;
    ob.on('t.flaky', async () => {
      calls++;
      if (!healthy) throw new Error(`receiver down (${calls})`);
    });
    await transaction(env.k.db, (tx) => ob.enqueue(tx, 't.flaky', {}, { maxAttempts: 3 }));
    for (let i = 0; i < 20 && calls < 3; i++) {
      await ob.runOnce();
      await wait(30);
    }
    expect(calls).toBe(3);
    const dead = await ob.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.last_error).toBe('receiver down (3)');
    expect(dead[0]!.attempts).toBe(3);
    // A dead letter is not picked up again by itself.
    await wait(30);
    expect(await ob.runOnce()).toBe(0);
    healthy = true;
    expect(await ob.retry(dead[0]!.id)).toBe(true);
    expect(await ob.drain()).toBe(1);
    expect(calls).toBe(4);
    expect(await ob.deadLetters()).toHaveLength(0);
  });

  it('lets several workers drain concurrently without handling an entry twice', async () => {
    const handled = new Map<number, number>();
    const workers = [0, 1, 2].map(() => {
      const h = connect(env.dbUrl, 3);
      const ob = new Outbox(h.db, pino({ level: 'silent' }));
      ob.on('t.many', async (m) => {
        handled.set((m.payload as { i: number }).i, (handled.get((m.payload as { i: number }).i) ?? 0) + 1);
      });
      return { h, ob };
    });
    await transaction(env.k.db, async (tx) => {
      for (let i = 0; i < 300; i++) await workers[0]!.ob.enqueue(tx, 't.many', { i });
    });
    await Promise.all(workers.map((w) => w.ob.drain()));
    await Promise.all(workers.map((w) => w.h.close()));
    expect(handled.size).toBe(300);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
  });

  it('runs the entries of a batch in the order they were written', async () => {
    const ob = new Outbox(env.k.db);
    const seen: number[] = [];
    ob.on<{ n: number }>('test.order', async (e) => void seen.push(e.payload.n));
    await transaction(env.k.db, async (tx) => {
      for (let n = 0; n < 40; n++) await ob.enqueue(tx, 'test.order', { n });
    });
    // Rows updated in place come back from UPDATE … RETURNING in no particular order.
    await sql`UPDATE outbox SET payload = payload WHERE topic = 'test.order' AND (payload->>'n')::int % 3 = 0`.execute(env.k.db);
    await ob.drain();
    expect(seen).toEqual(Array.from({ length: 40 }, (_, n) => n));
  });

  it('dedupes on a key and honours run_at', async () => {
    const ob = new Outbox(env.k.db);
    const seen: number[] = [];
    ob.on('t.later', async (m) => void seen.push((m.payload as { i: number }).i));
    await transaction(env.k.db, async (tx) => {
      await ob.enqueue(tx, 't.later', { i: 1 }, { dedupeKey: 'once' });
      await ob.enqueue(tx, 't.later', { i: 2 }, { dedupeKey: 'once' });
      await ob.enqueue(tx, 't.later', { i: 3 }, { delayMs: 60_000 });
    });
    await ob.drain();
    expect(seen).toEqual([1]);
    const later = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox WHERE topic = 't.later'`.execute(env.k.db);
    expect(later.rows[0]!.n).toBe(1);
  });

  it('takes back the rows of a worker that died holding a lease', async () => {
    const ob = new Outbox(env.k.db);
    ob.leaseMs = 50;
    const seen: number[] = [];
    await transaction(env.k.db, (tx) => ob.enqueue(tx, 't.lease', { i: 7 }));
    // A worker claims the row and dies before finishing: simulate the claim only.
    await sql`UPDATE outbox SET locked_until = now() + interval '50 milliseconds', attempts = 1 WHERE topic = 't.lease'`.execute(env.k.db);
    ob.on('t.lease', async (m) => void seen.push((m.payload as { i: number }).i));
    expect(await ob.runOnce()).toBe(0);
    await wait(80);
    expect(await ob.drain()).toBe(1);
    expect(seen).toEqual([7]);
  });

  it('runs subscribers in lanes: a slow subscriber delays no other, and each sees its events in order', async () => {
    const ob = new Outbox(env.k.db);
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    ob.subscribe('t.lane.*', 'lane-slow', async (m) => {
      const n = (m.payload as { n: number }).n;
      if (n === 1) await gate;
      order.push(`slow:${n}`);
    });
    ob.subscribe('t.lane.*', 'lane-fast', async (m) => void order.push(`fast:${(m.payload as { n: number }).n}`));
    await transaction(env.k.db, async (tx) => {
      for (const n of [1, 2, 3]) await ob.publish(tx, 't.lane.x', { n });
    });
    ob.start(10, 3);
    try {
      // In one loop the fast subscriber would wait behind the slow one's first event.
      for (let i = 0; i < 500 && order.length < 3; i++) await wait(20);
      expect(order).toEqual(['fast:1', 'fast:2', 'fast:3']);
      release();
      for (let i = 0; i < 500 && order.length < 6; i++) await wait(20);
      expect(order.filter((o) => o.startsWith('slow'))).toEqual(['slow:1', 'slow:2', 'slow:3']);
    } finally {
      release();
      await ob.stop();
    }
  });

  it('fans a published event out to every matching subscriber, each retried on its own', async () => {
    const ob = new Outbox(env.k.db);
    ob.backoffBaseMs = 5;
    const seen: string[] = [];
    let partnerUp = false;
    ob.subscribe('t.case.*', 'rollup', async (m) => void seen.push(`rollup:${m.topic}`));
    ob.subscribe('t.case.*', 'partner', async (m) => {
      if (!partnerUp) throw new Error('partner down');
      seen.push(`partner:${m.topic}:${m.subscriber}`);
    });
    ob.subscribe('t.case.answered', 'mailer', async (m) => void seen.push(`mailer:${m.topic}`));
    ob.subscribe('t.other', 'other', async () => void seen.push('other'));
    expect(() => ob.subscribe('t.*.x', 'bad', async () => undefined)).toThrow(/last segment/);
    expect(() => ob.subscribe('t.case.*', 'rollup', async () => undefined)).toThrow(/already exists/);
    await transaction(env.k.db, async (tx) => {
      await ob.publish(tx, 't.case.received', { n: 1 }, { dedupeKey: 'r1' });
      await ob.publish(tx, 't.case.received', { n: 1 }, { dedupeKey: 'r1' });
      await ob.publish(tx, 't.case.answered', { n: 2 });
      await ob.publish(tx, 't.nobody', { n: 3 });
    });
    const rows = await sql<{ topic: string; subscriber: string }>`
      SELECT topic, subscriber FROM outbox WHERE topic LIKE 't.case.%' OR topic = 't.nobody' ORDER BY id`.execute(env.k.db);
    expect(rows.rows.map((r) => `${r.subscriber}:${r.topic}`)).toEqual([
      'rollup:t.case.received', 'partner:t.case.received', 'rollup:t.case.answered', 'partner:t.case.answered', 'mailer:t.case.answered',
    ]);
    await ob.drain();
    // The failing partner held back no one and repeated no one's work.
    expect(seen).toEqual(['rollup:t.case.received', 'rollup:t.case.answered', 'mailer:t.case.answered']);
    partnerUp = true;
    for (let i = 0; i < 20 && seen.length < 5; i++) {
      await wait(20);
      await ob.runOnce();
    }
    expect(seen.slice(3)).toEqual(['partner:t.case.received:partner', 'partner:t.case.answered:partner']);
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM outbox_done WHERE subscriber IN ('rollup', 'partner', 'mailer')`.execute(env.k.db);
    expect(done.rows[0]!.n).toBe(5);
  });
});
