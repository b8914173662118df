import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/kernel/db/embedded.js';
import { createTestDatabase, dropTestDatabase } from './harness.js';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);
const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function healthy(port: number, child: ChildProcess, timeoutMs = 120_000) {
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy: ${err}`);
}

describe('start-up', () => {
  it.runIf(os.userInfo().uid === 0)('runs as an ordinary user too (embedded PostgreSQL owned by that user)', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-user-'));
    chmodSync(dataDir, 0o755);
    const { stdout } = await run('id', ['-u', 'nobody']);
    chownSync(dataDir, Number(stdout.trim()), Number((await run('id', ['-g', 'nobody'])).stdout.trim()));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const child = spawn(
      'runuser',
      ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', 'server/src/cli.ts', 'start'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, HOME: dataDir, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', SEED_DEMO: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    cleanup.push(() => void child.kill('SIGKILL'));
    await healthy(port, child);
    // runuser passes SIGTERM on to congso, which stops its PostgreSQL before exiting.
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    let left = 'x';
    for (let i = 0; i < 50 && left; i++) {
      left = await run('pgrep', ['-f', dataDir]).then((r) => r.stdout.trim(), () => '');
      if (left) await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toBe('');
  });

  it('`congso seed --reset` drops everything and seeds the demo again', async () => {
    const url = await createTestDatabase({ demo: true });
    cleanup.push(() => dropTestDatabase(url));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    cleanup.push(() => c.end());
    await c.query('CREATE TABLE leftover (id int)');
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-seed-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const { stdout } = await run(path.join(ROOT, 'bin/congso'), ['seed', '--reset'], {
      env: { ...process.env, DATABASE_URL: url, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
    expect(stdout).toContain('demo province seeded');
    expect((await c.query("SELECT to_regclass('leftover') AS t")).rows[0].t).toBeNull();
    const applied = await c.query('SELECT count(*)::int AS n FROM schema_migration');
    expect(applied.rows[0].n).toBeGreaterThan(1);
  });

  it('prints help and refuses unknown commands', async () => {
    const { stdout } = await run(path.join(ROOT, 'bin/congso'), ['help']);
    expect(stdout).toContain('audit verify');
    const err = await run(path.join(ROOT, 'bin/congso'), ['frobnicate'], { env: { ...process.env, DATABASE_URL: 'postgres://x@127.0.0.1:1/x' } }).catch((e) => e);
    expect(err.code).toBe(2);
  });
});
