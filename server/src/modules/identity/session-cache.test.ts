import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * The per-instance session cache: it really serves repeated reads without the
 * database, and every change that matters reaches it through NOTIFY, as it
 * would reach every other instance.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ demo: true, env: { SESSION_CACHE_MS: '60000' } });
});
afterAll(() => env.close());

async function me(headers: Record<string, string>) {
  return env.app.inject({ method: 'GET', url: '/api/auth/me', headers });
}

async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('session cache', () => {
  it('serves repeated reads from memory, and drops an account when it changes', async () => {
    const s = await login(env.app, 'congdan@example.vn');
    expect((await me(s.headers)).statusCode).toBe(200);
    expect(await env.k.notify.ready()).toBe(true);
    const id = (await me(s.headers)).json().id;
    // A change the cache is not told about stays invisible: proof that reads come from memory.
    await sql`ALTER TABLE account DISABLE TRIGGER account_auth_notify`.execute(env.k.db);
    await sql`UPDATE account SET name = 'Tên không thông báo' WHERE id = ${id}::uuid`.execute(env.k.db);
    await sql`ALTER TABLE account ENABLE TRIGGER account_auth_notify`.execute(env.k.db);
    expect((await me(s.headers)).json().name).toBe('Nguyễn Văn An');
    // A change made by any instance is announced at commit and seen at once.
    await sql`UPDATE account SET name = 'Nguyễn Văn An (đổi tên)' WHERE id = ${id}::uuid`.execute(env.k.db);
    expect(await eventually(async () => (await me(s.headers)).json().name === 'Nguyễn Văn An (đổi tên)')).toBe(true);
  });

  it('ends a session deleted elsewhere, and a role revoked elsewhere', async () => {
    const admin = await login(env.app, 'admin@ninhbinh.gov.vn');
    expect((await env.app.inject({ method: 'GET', url: '/api/admin/audit', headers: admin.headers })).statusCode).toBe(200);
    const id = (await me(admin.headers)).json().id;
    await sql`DELETE FROM role_assignment WHERE account_id = ${id}::uuid`.execute(env.k.db);
    expect(await eventually(async () => (await env.app.inject({ method: 'GET', url: '/api/admin/audit', headers: admin.headers })).statusCode === 403)).toBe(true);

    const s = await login(env.app, 'congdan2@example.vn');
    expect((await me(s.headers)).statusCode).toBe(200);
    await sql`DELETE FROM session WHERE account_id = (SELECT account_id FROM session s JOIN account a ON a.id = s.account_id WHERE a.email = 'congdan2@example.vn' LIMIT 1)`.execute(env.k.db);
    expect(await eventually(async () => (await me(s.headers)).statusCode === 401)).toBe(true);
  });

  it('is not used while the instance cannot hear notifications', async () => {
    const s = await login(env.app, 'doanhnghiep@example.vn');
    const id = (await me(s.headers)).json().id;
    await env.k.notify.stop();
    await sql`ALTER TABLE account DISABLE TRIGGER account_auth_notify`.execute(env.k.db);
    await sql`UPDATE account SET name = 'Công ty đã đổi tên' WHERE id = ${id}::uuid`.execute(env.k.db);
    await sql`ALTER TABLE account ENABLE TRIGGER account_auth_notify`.execute(env.k.db);
    expect((await me(s.headers)).json().name).toBe('Công ty đã đổi tên');
  });
});
