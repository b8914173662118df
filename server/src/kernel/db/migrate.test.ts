import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dropTestDatabase } from '../../../test/harness.js';
import { listMigrations, migrate, migrationsDigest } from './migrate.js';

let url: string;
beforeAll(async () => {
  url = await createTestDatabase();
});
afterAll(() => dropTestDatabase(url));

async function query(sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe('migrations', () => {
  it('the shipped migrations are numbered, unique and applied in the template', async () => {
    const ms = listMigrations();
    expect(ms.length).toBeGreaterThan(1);
    expect(ms.map((m) => m.version)).toEqual([...ms.map((m) => m.version)].sort((a, b) => a - b));
    const applied = await query('SELECT version FROM schema_migration ORDER BY version');
    expect(applied.map((r) => r.version)).toEqual(ms.map((m) => m.version));
    expect(migrationsDigest()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('applies new files once even with several instances starting together, in order, each atomically', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-mig-'));
    writeFileSync(path.join(dir, '9001_first.sql'), 'CREATE TABLE mig_a (id int);');
    writeFileSync(path.join(dir, '9002_second.sql'), 'INSERT INTO mig_a VALUES (1);');
    const results = await Promise.all([migrate(url, undefined, dir), migrate(url, undefined, dir), migrate(url, undefined, dir)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 2]);
    expect(await query('SELECT count(*)::int AS n FROM mig_a')).toEqual([{ n: 1 }]);

    // A failing file leaves nothing of itself behind and stops the run.
    writeFileSync(path.join(dir, '9003_broken.sql'), 'CREATE TABLE mig_b (id int); SELECT * FROM no_such_table;');
    await expect(migrate(url, undefined, dir)).rejects.toThrow(/9003_broken.sql failed/);
    expect(await query("SELECT to_regclass('mig_b') AS t")).toEqual([{ t: null }]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-mig-'));
    writeFileSync(path.join(dir, '9101_x.sql'), 'CREATE TABLE mig_x (id int);');
    await migrate(url, undefined, dir);
    writeFileSync(path.join(dir, '9101_x.sql'), 'CREATE TABLE mig_x (id bigint);');
    await expect(migrate(url, undefined, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it('refuses two files with one number', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-mig-'));
    writeFileSync(path.join(dir, '0001_a.sql'), 'SELECT 1;');
    writeFileSync(path.join(dir, '0001_b.sql'), 'SELECT 1;');
    expect(() => listMigrations(dir)).toThrow(/share the number/);
  });
});
