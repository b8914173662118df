import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../src/kernel/config.js';
import { connect } from '../src/kernel/db/index.js';
import type { App } from '../src/kernel/http/app.js';
import { createKernel, type Kernel } from '../src/kernel/index.js';
import { buildApp, registerHandlers } from '../src/main.js';

/**
 * A fresh database for one test file, cloned from the run's template (plain, or
 * with the demo province seeded), a kernel on it and the full HTTP app, called
 * in-process with `app.inject`. No mocks: the real PostgreSQL, the real modules.
 */
export interface TestEnv {
  k: Kernel;
  app: App;
  config: Config;
  dbUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function createTestDatabase(opts: { demo?: boolean } = {}): Promise<string> {
  const server = inject('pgServerUrl');
  const template = opts.demo ? inject('demoTemplateDb') : inject('templateDb');
  const name = `congso_t_${inject('runId')}_${randomBytes(5).toString('hex')}`;
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await c.end();
  }
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const server = inject('pgServerUrl');
  const name = new URL(url).pathname.slice(1);
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export async function testEnv(opts: { demo?: boolean; env?: Record<string, string> } = {}): Promise<TestEnv> {
  const dbUrl = await createTestDatabase(opts);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    RATE_LIMIT_MAX: '100000',
    // Tests change sessions and roles directly in the database and read at once; the cache has its own test.
    SESSION_CACHE_MS: '0',
    ...opts.env,
  });
  const handle = connect(dbUrl, 5);
  const k = createKernel(config, handle, pino({ level: 'silent' }));
  k.outbox.backoffBaseMs = 10;
  registerHandlers(k);
  const app = await buildApp(k, { logger: false });
  await app.ready();
  return {
    k,
    app,
    config,
    dbUrl,
    dataDir,
    async close() {
      await app.close();
      await k.stop();
      await handle.close();
      await dropTestDatabase(dbUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
