import { mkdtempSync, rmSync } from 'node:fs';
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
