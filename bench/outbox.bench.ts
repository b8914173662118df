import { sql } from 'kysely';
import { transaction } from '../server/src/kernel/db/index.js';
import { Outbox } from '../server/src/kernel/outbox/index.js';
import { benchKernel, result } from './lib.js';

/**
 * Outbox entries processed per second end to end — each enqueued in its own
 * transaction as a caller would, then claimed, handled and archived by two
 * workers — against the plain baseline of single-row INSERT + DELETE on the
 * same database.
 */
export default async function outboxBench(args: string[]) {
  const n = Number(args[0] ?? 5000);
  const b = await benchKernel();
  try {
    await sql`CREATE TABLE bench_plain (id bigserial PRIMARY KEY, topic text NOT NULL, payload jsonb NOT NULL)`.execute(b.k.db);
    const payload = { dossier: '000.00.04.H12-261123-0001', state: 'received', at: new Date().toISOString() };

    // Baseline: what the database does for one row in and out, with nothing around it.
    let t0 = performance.now();
    const c = await b.handle.pool.connect();
    for (let i = 0; i < n; i++) {
      const r = await c.query('INSERT INTO bench_plain (topic, payload) VALUES ($1, $2) RETURNING id', ['bench', JSON.stringify(payload)]);
      await c.query('DELETE FROM bench_plain WHERE id = $1', [r.rows[0].id]);
    }
    c.release();
    const baselineSecs = (performance.now() - t0) / 1000;
    const baseline = n / baselineSecs;
    console.log(`baseline: ${n} single-row INSERT+DELETE in ${baselineSecs.toFixed(2)} s = ${baseline.toFixed(0)}/s`);

    const workers = [new Outbox(b.k.db), new Outbox(b.k.db)];
    let handled = 0;
    for (const w of workers) w.on('bench.event', async () => void handled++);
    t0 = performance.now();
    // Producers and consumers at once, as in production.
    let producing = true;
    const consume = async (w: Outbox) => {
      for (;;) {
        const got = await w.runOnce(100);
        if (!got && !producing) {
          if (!(await w.runOnce(100))) return;
        }
        if (!got) await new Promise((r) => setTimeout(r, 2));
      }
    };
    const consumers = workers.map(consume);
    for (let i = 0; i < n; i++) {
      await transaction(b.k.db, (tx) => workers[0]!.enqueue(tx, 'bench.event', { ...payload, i }));
    }
    producing = false;
    await Promise.all(consumers);
    const secs = (performance.now() - t0) / 1000;
    if (handled !== n) throw new Error(`handled ${handled} of ${n}`);
    const value = n / secs;
    console.log(`outbox: ${n} entries enqueued (one transaction each) and processed in ${secs.toFixed(2)} s = ${value.toFixed(0)}/s`);
    return result('outbox', 'entries_per_second', value, baseline, 'entries/s');
  } finally {
    await b.close();
  }
}
