import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/kernel/config.js';
import { connect } from '../src/kernel/db/index.js';
import { type EmbeddedServer, startEmbedded } from '../src/kernel/db/embedded.js';
import { migrate } from '../src/kernel/db/migrate.js';
import { createKernel } from '../src/kernel/index.js';
import { registerHandlers, seedDemo } from '../src/main.js';

/**
 * Once per `npm test`: a PostgreSQL server (the embedded one, or DATABASE_URL's),
 * and two template databases made for this run: migrated, and migrated + demo
 * seed. Each test file clones one of them (CREATE DATABASE ... TEMPLATE), so
 * every file starts from a fresh database in milliseconds.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    templateDb: string;
    demoTemplateDb: string;
    runId: string;
  }
}

function dbUrl(server: string, name: string): string {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(server: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: server });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | null = null;
  let tmp: string | null = null;
  let server = process.env.DATABASE_URL;
  if (!server) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'congso-test-pg-'));
    embedded = await startEmbedded({ dir: path.join(tmp, 'pg'), persistent: false });
    server = embedded.url;
  }
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `congso_t_${runId}`;
  const demoTemplate = `congso_t_${runId}_demo`;
  await admin(server, async (c) => {
    await c.query(`CREATE DATABASE ${template}`);
  });
  await migrate(dbUrl(server, template));
  await admin(server, async (c) => {
    await c.query(`CREATE DATABASE ${demoTemplate} TEMPLATE ${template}`);
  });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'congso-test-data-'));
  const handle = connect(dbUrl(server, demoTemplate), 4);
  try {
    const k = createKernel(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'test' }), handle, pino({ level: 'silent' }));
    registerHandlers(k);
    await seedDemo(k);
  } finally {
    await handle.close();
  }
  project.provide('pgServerUrl', server);
  project.provide('templateDb', template);
  project.provide('demoTemplateDb', demoTemplate);
  project.provide('runId', runId);

  return async () => {
    await admin(server!, async (c) => {
      const r = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`congso_t_${runId}%`]);
      for (const row of r.rows) {
        await c.query(`DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`).catch(() => undefined);
      }
    });
    await embedded?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
}
