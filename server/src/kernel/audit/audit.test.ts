import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { systemCtx } from '../context.js';
import { transaction } from '../db/index.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../../..');

async function write(n: number) {
  for (let i = 0; i < n; i++) {
    await transaction(env.k.db, (tx) =>
      env.k.audit.record(tx, systemCtx(), { action: 'test.update', entity: 'thing', entityId: String(i), before: { v: i }, after: { v: i + 1, at: new Date(), name: 'Phủ Lý' } }),
    );
  }
}

describe('audit log', () => {
  it('chains entries and verifies them', async () => {
    await write(5);
    const r = await env.k.audit.verify(env.k.db);
    expect(r).toEqual({ ok: true, checked: 5 });
  });

  it('refuses an entry outside a transaction, and refuses UPDATE and DELETE', async () => {
    await expect(env.k.audit.record(env.k.db, null, { action: 'x', entity: 'y' })).rejects.toThrow(/transaction/);
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(env.k.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(env.k.db)).rejects.toThrow(/append-only/);
  });

  it('entries roll back with the change they record', async () => {
    const before = (await env.k.audit.verify(env.k.db)).checked;
    await transaction(env.k.db, async (tx) => {
      await env.k.audit.record(tx, null, { action: 'x', entity: 'y' });
      throw new Error('abort');
    }).catch(() => undefined);
    expect((await env.k.audit.verify(env.k.db)).checked).toBe(before);
  });

  it('concurrent writers still form one chain', async () => {
    await Promise.all(Array.from({ length: 10 }, () => write(3)));
    const r = await env.k.audit.verify(env.k.db);
    expect(r.ok).toBe(true);
  });

  it('`congso audit verify` catches a row edited directly in the database, naming the first broken link', async () => {
    const ok = await run(path.join(ROOT, 'bin/congso'), ['audit', 'verify'], { env: { ...process.env, DATABASE_URL: env.dbUrl, LOG_LEVEL: 'silent' } });
    expect(ok.stdout).toMatch(/audit log intact: \d+ entries verified/);
    const target = await sql<{ seq: number }>`SELECT seq FROM audit_log ORDER BY seq OFFSET 2 LIMIT 1`.execute(env.k.db);
    const seq = target.rows[0]!.seq;
    // Someone with database access bypasses the trigger and rewrites history.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(env.k.db);
    await sql`UPDATE audit_log SET after = '{"v": 999}' WHERE seq = ${seq}`.execute(env.k.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(env.k.db);
    const err = await run(path.join(ROOT, 'bin/congso'), ['audit', 'verify'], { env: { ...process.env, DATABASE_URL: env.dbUrl, LOG_LEVEL: 'silent' } }).catch((e) => e);
    expect(err.code).toBe(1);
    expect(`${err.stdout}${err.stderr}`).toContain(`BROKEN at entry ${seq}`);
    expect(err.stdout).toContain('edited');
  }, 180_000); // two start-ups of the command line, slow on a loaded machine

  it('detects a deleted entry', async () => {
    const r0 = await env.k.audit.verify(env.k.db);
    expect(r0.ok).toBe(false); // still broken from the previous test
    const env2 = await testEnv();
    try {
      await transaction(env2.k.db, async (tx) => {
        for (let i = 0; i < 4; i++) await env2.k.audit.record(tx, null, { action: 'a', entity: 'e', entityId: String(i) });
      });
      // The chain covers sealed entries: the sealer runs every JOBS_POLL_MS in workers.
      expect(await env2.k.audit.seal(env2.k.db)).toBe(4);
      const rows = await sql<{ seq: number }>`SELECT seq FROM audit_log ORDER BY seq`.execute(env2.k.db);
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(env2.k.db);
      await sql`DELETE FROM audit_log WHERE seq = ${rows.rows[1]!.seq}`.execute(env2.k.db);
      const r = await env2.k.audit.verify(env2.k.db);
      expect(r.ok).toBe(false);
      expect(r.brokenAt).toBe(rows.rows[2]!.seq);
      expect(r.reason).toMatch(/removed/);
    } finally {
      await env2.close();
    }
  });
  it('writers take no lock: entries are sealed after commit, in one chain, and only sealing may update them', async () => {
    const env3 = await testEnv();
    try {
      // Two transactions open at once, each recording entries: neither waits for the other.
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const slow = transaction(env3.k.db, async (tx) => {
        await env3.k.audit.record(tx, null, { action: 'slow', entity: 'e', entityId: '1' });
        await gate;
      });
      await transaction(env3.k.db, async (tx) => {
        await env3.k.audit.record(tx, null, { action: 'fast', entity: 'e', entityId: '2' });
        await env3.k.audit.record(tx, null, { action: 'fast', entity: 'e', entityId: '3' });
      });
      const unsealed = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log WHERE hash IS NULL`.execute(env3.k.db);
      expect(unsealed.rows[0]!.n).toBe(2);
      // The sealer chains what has committed; the open transaction's entry comes later.
      expect(await env3.k.audit.seal(env3.k.db)).toBe(2);
      release();
      await slow;
      const r = await env3.k.audit.verify(env3.k.db);
      expect(r).toEqual({ ok: true, checked: 3 });
      const order = await sql<{ action: string; chain_seq: number }>`SELECT action, chain_seq FROM audit_log ORDER BY chain_seq`.execute(env3.k.db);
      expect(order.rows.map((x) => x.action)).toEqual(['fast', 'fast', 'slow']);
      // Sealed entries are frozen; an unsealed one may only be sealed, never rewritten.
      await expect(sql`UPDATE audit_log SET hash = NULL, prev_hash = NULL, chain_seq = NULL`.execute(env3.k.db)).rejects.toThrow(/append-only/);
      await transaction(env3.k.db, (tx) => env3.k.audit.record(tx, null, { action: 'later', entity: 'e' }));
      await expect(sql`UPDATE audit_log SET action = 'forged', hash = 'x', prev_hash = 'y', chain_seq = 99 WHERE hash IS NULL`.execute(env3.k.db)).rejects.toThrow(/append-only/);
      expect((await env3.k.audit.verify(env3.k.db)).checked).toBe(4);
    } finally {
      await env3.close();
    }
  });
});
