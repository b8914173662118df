import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/kernel/config.js';
import { connect } from '../src/kernel/db/index.js';
import { freePort } from '../src/kernel/db/embedded.js';
import { Outbox } from '../src/kernel/outbox/index.js';
import { AuditLog } from '../src/kernel/audit/index.js';
import { createTestDatabase, dropTestDatabase } from './harness.js';
import { exited, healthy as waitHealthy } from './processes.js';

const ROOT = path.resolve(__dirname, '../..');
const NODE_ARGS = ['--import', 'tsx'];

function start(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

const healthy = (port: number, child: ChildProcess, timeoutMs?: number) => waitHealthy(`http://127.0.0.1:${port}`, child, timeoutMs);

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

describe('SIGKILL with requests in flight', () => {
  it('leaves no partial writes and loses no outbox entry', async () => {
    const url = await createTestDatabase();
    cleanup.push(() => dropTestDatabase(url));
    const port = await freePort();
    const child = start(['server/test/fixtures/crash-server.ts'], { DATABASE_URL: url, PORT: String(port), JOBS: 'false' });
    cleanup.push(async () => void child.kill('SIGKILL'));
    await healthy(port, child);

    const acknowledged: number[] = [];
    const requests = Array.from({ length: 150 }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/api/test/things`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: i }),
      })
        .then((r) => {
          if (r.status === 200) acknowledged.push(i);
        })
        .catch(() => undefined),
    );
    // Let a few finish and many be mid-transaction, then pull the plug. Waiting for
    // acknowledgements rather than a fixed time keeps this true on a loaded machine.
    for (let t0 = Date.now(); acknowledged.length < 3 && Date.now() - t0 < 60_000; ) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    await Promise.all(requests);
    await exited(child);

    const h = connect(url, 2);
    cleanup.push(() => h.close());
    // PostgreSQL rolls back what the dead process left open once its connections drop.
    for (let i = 0; i < 50; i++) {
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(h.db);
      if (open.rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const things = (await sql<{ id: number }>`SELECT id FROM crash_thing ORDER BY id`.execute(h.db)).rows.map((r) => r.id);
    const audited = (await sql<{ id: string }>`SELECT entity_id AS id FROM audit_log WHERE entity = 'crash_thing'`.execute(h.db)).rows.map((r) => Number(r.id)).sort((a, b) => a - b);
    const queued = (await sql<{ id: number }>`SELECT (payload->>'id')::int AS id FROM outbox WHERE topic = 'crash.thing'`.execute(h.db)).rows.map((r) => r.id).sort((a, b) => a - b);
    expect(things.length).toBeGreaterThan(0); // the kill did not come before any work
    expect(things.length).toBeLessThan(150); // ...nor after all of it
    expect(audited).toEqual(things);
    expect(queued).toEqual(things);
    for (const id of acknowledged) expect(things).toContain(id);
    expect((await new AuditLog().verify(h.db)).ok).toBe(true);

    // A new instance drains every entry the dead one left.
    const ob = new Outbox(h.db, pino({ level: 'silent' }));
    const handled: number[] = [];
    ob.on('crash.thing', async (m) => void handled.push((m.payload as { id: number }).id));
    await ob.drain();
    expect(handled.sort((a, b) => a - b)).toEqual(things);
  });
});

describe('embedded PostgreSQL', () => {
  it('starts again after congso was killed and left its PostgreSQL running, and reuses the data', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-crash-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, DATABASE_URL: '', SEED_DEMO: 'false' };
    const port = await freePort();
    const first = start(['server/src/cli.ts', 'start'], { ...env, PORT: String(port) });
    cleanup.push(async () => void first.kill('SIGKILL'));
    await healthy(port, first);
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    const pgPid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    first.kill('SIGKILL');
    await exited(first);
    // The orphaned postmaster still runs on our data directory.
    expect(() => process.kill(pgPid, 0)).not.toThrow();

    const second = start(['server/src/cli.ts', 'start'], { ...env, PORT: String(port) });
    cleanup.push(async () => void second.kill('SIGKILL'));
    await healthy(port, second);
    expect(() => process.kill(pgPid, 0)).toThrow(); // the orphan was stopped, not doubled
    second.kill('SIGTERM');
    await exited(second);
    expect(second.exitCode).toBe(0);
    // A clean stop leaves no server behind.
    expect(existsSync(pidFile)).toBe(false);
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.dataDir).toBe(dataDir);
    expect(() => execFileSync('pgrep', ['-f', path.join(dataDir, 'pg')])).toThrow();
  });
});
