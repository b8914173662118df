import { spawn } from 'node:child_process';
import Fastify from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../server/src/kernel/config.js';
import { connect, type DbHandle } from '../server/src/kernel/db/index.js';
import { type EmbeddedServer, startEmbedded } from '../server/src/kernel/db/embedded.js';
import { migrate } from '../server/src/kernel/db/migrate.js';
import { createKernel, type Kernel } from '../server/src/kernel/index.js';
import { registerHandlers, seedDemo } from '../server/src/main.js';

export interface BenchResult {
  name: string;
  metric: string;
  value: number;
  baseline: number;
  ratio: number;
  unit: string;
}

export function result(name: string, metric: string, value: number, baseline: number, unit: string): BenchResult {
  const r = (x: number) => Math.round(x * 100) / 100;
  return { name, metric, value: r(value), baseline: r(baseline), ratio: Math.round((value / baseline) * 1000) / 1000, unit };
}

/** A fresh database (DATABASE_URL's server, or an embedded one), migrated and seeded, with a kernel on it. */
export async function benchKernel(opts: { seed?: boolean; env?: Record<string, string> } = {}): Promise<{
  k: Kernel;
  config: Config;
  url: string;
  handle: DbHandle;
  close(): Promise<void>;
}> {
  let embedded: EmbeddedServer | null = null;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-'));
  let server = process.env.DATABASE_URL;
  if (!server) {
    embedded = await startEmbedded({ dir: path.join(tmp, 'pg'), persistent: false });
    server = embedded.url;
  }
  const name = `congso_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrate(url);
  const config = loadConfig({ DATA_DIR: tmp, LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '100000000', JOBS: 'false', ...opts.env });
  const handle = connect(url, 10);
  const k = createKernel(config, handle, pino({ level: 'silent' }));
  registerHandlers(k);
  if (opts.seed) await seedDemo(k);
  return {
    k,
    config,
    url,
    handle,
    async close() {
      await handle.close();
      const a = new pg.Client({ connectionString: server });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      await embedded?.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);

/** Runs autocannon in a second process against `url`; returns requests/s. */
export function load(url: string, headers: Record<string, string>, seconds: number): Promise<{ rps: number; non2xx: number; p99: number }> {
  const bin = require.resolve('autocannon/autocannon.js');
  const args = [bin, '-j', '-c', '20', '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const r = JSON.parse(out);
      resolve({ rps: r.requests.average, non2xx: r.non2xx + r.errors, p99: r.latency.p99 });
    });
  });
}


/** The baseline of HTTP benchmarks: a bare Fastify route returning a constant, on loopback. */
export async function bareServer(): Promise<{ url: string; close(): Promise<void> }> {
  const bare = Fastify({ logger: false });
  bare.get('/constant', async () => ({ ok: true }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/constant`, close: () => bare.close() };
}
