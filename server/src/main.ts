import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type Logger } from 'pino';
import type { Config } from './kernel/config.js';
import { connect, type DbHandle } from './kernel/db/index.js';
import { ensureDatabase, type EmbeddedServer, startEmbedded } from './kernel/db/embedded.js';
import { migrate } from './kernel/db/migrate.js';
import { type App, buildHttp } from './kernel/http/app.js';
import { kernelRoutes } from './kernel/http/kernel-routes.js';
import { createKernel, type Kernel } from './kernel/index.js';
import { modules } from './modules.js';
import { startDocumentsExchange } from './modules/documents/index.js';

/** Composition root: builds the kernel, registers the modules, starts serving. */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The built web app; WEB_DIST points elsewhere (parallel builds, packaged installs). */
export const WEB_DIST = process.env.WEB_DIST ? path.resolve(process.env.WEB_DIST) : path.join(ROOT, 'web', 'dist');

export interface Database {
  url: string;
  embedded: EmbeddedServer | null;
}

/** The configured PostgreSQL, or the embedded one under DATA_DIR/pg. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbedded({ dir: path.join(config.dataDir, 'pg'), log: (m) => log.info(m) });
  const url = await ensureDatabase(embedded.url, 'congso');
  return { url, embedded };
}

export async function buildApp(k: Kernel, opts: { webDir?: string; logger?: boolean } = {}): Promise<App> {
  const auth = modules.find((m) => m.authenticate);
  const app = await buildHttp({
    config: k.config,
    webDir: opts.webDir,
    logger: opts.logger === false ? false : undefined,
    authenticate: auth?.authenticate ? (req) => auth.authenticate!(k, req) : undefined,
  });
  kernelRoutes(app, k);
  for (const m of modules) await m.routes?.(app, k);
  return app;
}

export function registerHandlers(k: Kernel): void {
  for (const m of modules) m.handlers?.(k);
}

export async function seedDemo(k: Kernel): Promise<void> {
  for (const m of modules) await m.seedDemo?.(k);
}

export interface Platform {
  kernel: Kernel;
  app: App;
  url: string;
  db: Database;
  stop(): Promise<void>;
}

/** Starts everything `npm start` starts. */
export async function startPlatform(config: Config, log: Logger = pino({ level: config.LOG_LEVEL })): Promise<Platform> {
  const database = await openDatabase(config, log);
  let handle: DbHandle | null = null;
  try {
    await migrate(database.url, (m) => log.info(m));
    handle = connect(database.url, config.DATABASE_POOL_MAX);
    const kernel = createKernel(config, handle, log);
    registerHandlers(kernel);
    if (config.SEED_DEMO) await seedDemo(kernel);
    const app = await buildApp(kernel, { webDir: existsSync(WEB_DIST) ? WEB_DIST : undefined });
    await app.listen({ port: config.PORT, host: config.HOST });
    // The edXML exchange endpoint (HTTPS with client certificates) listens apart from the web server.
    const exchange = await startDocumentsExchange(kernel, { host: config.HOST, demo: config.SEED_DEMO }).catch((e) => {
      log.error({ err: e }, 'edXML exchange endpoint not started');
      return null;
    });
    if (config.JOBS) {
      // Deadline sweeps re-queue themselves; make sure one is queued after a restore or upgrade.
      await kernel.workflow.scheduleSweep(kernel.db, new Date());
      await kernel.outbox.schedulePeriodic();
      kernel.outbox.start(config.JOBS_POLL_MS, config.JOBS_LANES);
      kernel.audit.startSealer(kernel.db, config.JOBS_POLL_MS, (err) => log.error({ err }, 'audit sealer error'));
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST}:${port}`;
    let stopping: Promise<void> | null = null;
    return {
      kernel,
      app,
      url,
      db: database,
      stop() {
        stopping ??= (async () => {
          await app.close();
          await exchange?.close();
          await kernel.stop();
          await handle!.close();
          await database.embedded?.stop();
        })();
        return stopping;
      },
    };
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await database.embedded?.stop().catch(() => undefined);
    throw e;
  }
}
