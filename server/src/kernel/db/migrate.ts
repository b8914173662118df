import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../migrations',
);

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

/** Numbered forward-only `.sql` files: `NNNN_name.sql`. */
export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const version = Number(file.slice(0, 4));
    if (seen.has(version)) throw new Error(`Two migrations share the number ${version}: ${file}`);
    seen.add(version);
    const text = readFileSync(path.join(dir, file), 'utf8');
    return {
      version,
      name: file.slice(5, -4),
      file,
      sql: text,
      checksum: createHash('sha256').update(text).digest('hex'),
    };
  });
}

/** A digest of every migration: names the test template database and tells if a schema is current. */
export function migrationsDigest(dir = MIGRATIONS_DIR): string {
  const h = createHash('sha256');
  for (const m of listMigrations(dir)) h.update(`${m.file}:${m.checksum}\n`);
  return h.digest('hex').slice(0, 16);
}

const LOCK_ID = 4_242_001; // advisory lock: one migrator at a time, across instances

/**
 * Applies pending migrations, each in its own transaction. Several instances may
 * start together: the advisory lock makes the others wait and then find nothing to do.
 */
export async function migrate(
  url: string,
  log: (msg: string) => void = () => undefined,
  dir = MIGRATIONS_DIR,
): Promise<{ applied: string[] }> {
  const client = new pg.Client({ connectionString: url, application_name: 'congso-migrate' });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
      version int PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Map<number, string>(
      (await client.query('SELECT version, checksum FROM schema_migration')).rows.map((r) => [
        r.version,
        r.checksum,
      ]),
    );
    for (const m of listMigrations(dir)) {
      const prior = done.get(m.version);
      if (prior !== undefined) {
        if (prior !== m.checksum) {
          throw new Error(
            `Migration ${m.file} was changed after it was applied (migrations are forward-only: add a new one)`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migration (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.file} failed: ${(e as Error).message}`);
      }
      applied.push(m.file);
      log(`applied ${m.file}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => undefined);
    await client.end();
  }
  return { applied };
}

/** Pending migration files, for the health check. */
export async function pendingMigrations(
  query: (sql: string) => Promise<{ rows: { version: number }[] }>,
  dir = MIGRATIONS_DIR,
): Promise<string[]> {
  const rows = (await query('SELECT version FROM schema_migration')).rows;
  const have = new Set(rows.map((r) => Number(r.version)));
  return listMigrations(dir)
    .filter((m) => !have.has(m.version))
    .map((m) => m.file);
}
