import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../server/src/kernel/db/embedded.js';
import { result } from './lib.js';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function untilHealthy(url: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become healthy');
}

async function startOnce(env: Record<string, string>, port: number): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'start'], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await untilHealthy(`http://127.0.0.1:${port}/api/health`, child);
  const secs = (performance.now() - t0) / 1000;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return secs;
}

/**
 * First start on an empty data directory (embedded PostgreSQL initdb, migrations,
 * demo seed; the web app already built) and second start reusing the data, each
 * from process spawn to a healthy /api/health. Baseline: a bare Node process
 * starting a Fastify server that answers.
 */
export default async function coldStart() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-cold-'));
  try {
    const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'warn', JOBS: 'true' };
    if (!process.env.DATABASE_URL_FOR_BENCH) delete process.env.DATABASE_URL;
    const port = await freePort();
    const first = await startOnce(env, port);
    const second = await startOnce(env, port);
    const bport = await freePort();
    const t0 = performance.now();
    const bare = spawn(process.execPath, ['-e', `require('${require.resolve('fastify')}')({}).get('/', async () => 'ok').listen({ port: ${bport}, host: '127.0.0.1' })`], { stdio: 'ignore' });
    await untilHealthy(`http://127.0.0.1:${bport}/`, bare);
    const baseline = (performance.now() - t0) / 1000;
    bare.kill();
    console.log(`first start (initdb + migrations + demo seed): ${first.toFixed(2)} s`);
    console.log(`second start (reusing data): ${second.toFixed(2)} s`);
    console.log(`bare Fastify process start: ${baseline.toFixed(2)} s`);
    return result('cold-start', 'second_start_seconds', second, baseline, 's');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
