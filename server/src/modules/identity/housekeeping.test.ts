import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUSEKEEPING_TOPIC as KERNEL_TOPIC } from '../../kernel/index.js';
import { login } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { HOUSEKEEPING_TOPIC } from './index.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ demo: true });
});
afterAll(() => env.close());

const queued = async (topic: string) =>
  (await sql<{ run_at: Date }>`SELECT run_at FROM outbox WHERE topic = ${topic} AND status = 'pending' ORDER BY run_at`.execute(env.k.db)).rows;

describe('periodic housekeeping', () => {
  it('is queued once per slot however many instances schedule it', async () => {
    await env.k.outbox.schedulePeriodic();
    await env.k.outbox.schedulePeriodic(); // a second instance starting
    for (const topic of [HOUSEKEEPING_TOPIC, KERNEL_TOPIC]) {
      const rows = await queued(topic);
      expect(rows, topic).toHaveLength(1);
      const at = rows[0]!.run_at.getTime();
      expect(at % 3_600_000).toBe(0); // on the hour
      expect(at).toBeGreaterThan(Date.now());
      expect(at - Date.now()).toBeLessThanOrEqual(3_600_000);
    }
  });

  it('removes expired sessions and stale tokens, keeps live ones, and queues the next run', async () => {
    const live = await login(env.app, 'congdan@example.vn');
    const dead = await login(env.app, 'congdan2@example.vn');
    await sql`UPDATE session SET expires_at = now() - interval '1 minute'
               WHERE account_id = (SELECT id FROM account WHERE email = 'congdan2@example.vn')`.execute(env.k.db);
    await sql`INSERT INTO oidc_flow (state, nonce, code_verifier, return_to, expires_at)
              VALUES ('old-state', 'n', 'v', '/', now() - interval '1 hour'), ('new-state', 'n', 'v', '/', now() + interval '5 minutes')`.execute(env.k.db);
    await sql`INSERT INTO outbox_done (id, topic, payload, attempts, created_at, done_at)
              VALUES (900000001, 'x.old', '{}', 1, now() - interval '90 days', now() - interval '90 days'),
                     (900000002, 'x.new', '{}', 1, now(), now())`.execute(env.k.db);
    const before = (await queued(HOUSEKEEPING_TOPIC))[0]!.run_at;

    // Make the queued runs due now instead of on the hour.
    await sql`UPDATE outbox SET run_at = now() WHERE topic IN (${HOUSEKEEPING_TOPIC}, ${KERNEL_TOPIC})`.execute(env.k.db);
    await env.k.outbox.drain();

    const me = (s: typeof live) => env.app.inject({ method: 'GET', url: '/api/auth/me', headers: s.headers });
    expect((await me(live)).statusCode).toBe(200);
    expect((await me(dead)).statusCode).toBe(401);
    const sessions = await sql<{ n: number }>`SELECT count(*)::int AS n FROM session s JOIN account a ON a.id = s.account_id WHERE a.email = 'congdan2@example.vn'`.execute(env.k.db);
    expect(sessions.rows[0]!.n).toBe(0);
    const flows = await sql<{ state: string }>`SELECT state FROM oidc_flow ORDER BY state`.execute(env.k.db);
    expect(flows.rows.map((r) => r.state)).toEqual(['new-state']);
    const done = await sql<{ topic: string }>`SELECT topic FROM outbox_done WHERE topic LIKE 'x.%'`.execute(env.k.db);
    expect(done.rows.map((r) => r.topic)).toEqual(['x.new']);

    // Each run queued its successor, one hour after its own slot.
    for (const topic of [HOUSEKEEPING_TOPIC, KERNEL_TOPIC]) {
      const next = await queued(topic);
      expect(next, topic).toHaveLength(1);
      expect(next[0]!.run_at.getTime()).toBe(before.getTime() + 3_600_000);
    }
  });
});
