import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../test/harness.js';
import { transaction } from './db/index.js';
import { AppError } from './errors.js';
import { idempotent } from './idempotency.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
  await sql`CREATE TABLE made (id serial PRIMARY KEY, name text)`.execute(env.k.db);
});
afterAll(() => env.close());

const create = (key: string, name: string) =>
  transaction(env.k.db, (tx) =>
    idempotent(tx, { scope: 'test.create', key, request: { name } }, async () => {
      const r = await sql<{ id: number }>`INSERT INTO made (name) VALUES (${name}) RETURNING id`.execute(tx);
      return { id: r.rows[0]!.id };
    }),
  );

describe('idempotency keys', () => {
  it('replays the first answer for a retry and creates nothing more', async () => {
    const a = await create('key-0000001', 'Hồ sơ A');
    const b = await create('key-0000001', 'Hồ sơ A');
    expect(a.replayed).toBe(false);
    expect(b).toEqual({ result: a.result, replayed: true });
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM made`.execute(env.k.db)).rows[0]!.n).toBe(1);
  });

  it('refuses the same key with another request', async () => {
    await expect(create('key-0000001', 'Hồ sơ B')).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'IDEMPOTENCY_MISMATCH');
  });

  it('lets only one of concurrent retries run', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => create('key-concurrent', 'C')));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.result as { id: number }).id)).size).toBe(1);
  });

  it('forgets a key whose command failed, so the client can retry', async () => {
    await expect(
      transaction(env.k.db, (tx) =>
        idempotent(tx, { scope: 'test.create', key: 'key-failing', request: {} }, async () => {
          throw new Error('boom');
        }),
      ),
    ).rejects.toThrow('boom');
    expect((await create('key-failing', 'x')).replayed).toBe(false);
  });

  it('refuses malformed keys', async () => {
    await expect(create('short', 'x')).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === 'VALIDATION_FAILED');
  });
});
