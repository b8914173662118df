import type { FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import { AuditLog } from './audit/index.js';
import { Calendar } from './calendar/index.js';
import type { Config } from './config.js';
import type { Db, DbHandle } from './db/index.js';
import { Notifier } from './db/notify.js';
import { FileStore } from './files/index.js';
import type { App, Authentication } from './http/app.js';
import { purgeIdempotencyKeys } from './idempotency.js';
import { Mailer } from './mail.js';
import { Outbox } from './outbox/index.js';
import { CaseEngine } from './workflow/index.js';

/** Everything a module gets from the kernel. Built once per process (or per test). */
export interface Kernel {
  config: Config;
  db: Db;
  dbHandle: DbHandle;
  log: Logger;
  outbox: Outbox;
  audit: AuditLog;
  files: FileStore;
  mailer: Mailer;
  calendar: Calendar;
  workflow: CaseEngine;
  /** LISTEN/NOTIFY for cross-instance cache invalidation. */
  notify: Notifier;
  /** Stops workers and listeners (not the pool, which the caller owns). */
  stop(): Promise<void>;
}

/**
 * A domain module. Modules meet only through their `index.ts`, which exports one
 * of these plus the functions other modules may call.
 */
export interface Module {
  name: string;
  /** Registers the module's HTTP routes (all under /api). */
  routes?(app: App, k: Kernel): Promise<void> | void;
  /** Registers outbox handlers (notifications, projections...). */
  handlers?(k: Kernel): void;
  /** Seeds the demo province (idempotent). Runs in module order. */
  seedDemo?(k: Kernel): Promise<void>;
  /** The identity module turns a request into an actor (session cookie or bearer token). */
  authenticate?(k: Kernel, req: FastifyRequest): Promise<Authentication | null>;
  /** Lines printed after start-up (e.g. the demo accounts). */
  banner?(k: Kernel): Promise<string[]> | string[];
  /** Commands of `congso`, keyed by their words, e.g. `units import`. */
  commands?: Record<string, Command>;
}

export interface Command {
  describe: string;
  usage?: string;
  run(k: Kernel, args: string[]): Promise<number | void>;
}

export const HOUSEKEEPING_TOPIC = 'kernel.housekeeping';
const IDEMPOTENCY_RETENTION_DAYS = 7;

export function createKernel(config: Config, dbHandle: DbHandle, log?: Logger): Kernel {
  const logger = log ?? pino({ level: config.LOG_LEVEL });
  const db = dbHandle.db;
  const outbox = new Outbox(db, logger);
  const audit = new AuditLog();
  const files = new FileStore(config.dataDir, config.UPLOAD_LIMIT_BYTES);
  const mailer = new Mailer(config);
  mailer.register(outbox);
  const notify = new Notifier(dbHandle.url, logger);
  const calendar = new Calendar(db, audit);
  const workflow = new CaseEngine({ db, calendar, outbox, audit, notify });
  // Hourly housekeeping: archived outbox entries and old idempotency keys.
  outbox.every(HOUSEKEEPING_TOPIC, 3_600_000, async () => {
    const done = await outbox.purgeDone(config.OUTBOX_RETENTION_DAYS);
    const keys = await purgeIdempotencyKeys(db, IDEMPOTENCY_RETENTION_DAYS);
    if (done || keys) logger.info({ done, keys }, 'housekeeping');
  });
  return {
    config, db, dbHandle, log: logger, outbox, audit, files, mailer, calendar, workflow, notify,
    async stop() {
      await audit.stopSealer();
      await outbox.stop();
      await notify.stop();
    },
  };
}
