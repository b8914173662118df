import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { DEMO_TOTP_SECRET, identityModule } from './index.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ demo: true });
});
afterAll(() => env.close());

async function counts() {
  const a = await env.k.db.selectFrom('account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const r = await env.k.db.selectFrom('role_assignment').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { accounts: Number(a.n), assignments: Number(r.n) };
}

describe('demo seed', () => {
  it('has the demo accounts of the brief, officials with TOTP on the demo secret', async () => {
    const rows = await env.k.db
      .selectFrom('account')
      .select(['email', 'kind', 'personal_id', 'tax_code', 'totp_enabled', 'totp_secret'])
      .orderBy('email')
      .execute();
    const by = Object.fromEntries(rows.map((r) => [r.email, r]));
    for (const e of ['admin', 'lanhdao', 'motcua', 'chuyenvien.stp', 'truongphong.stp', 'giamdoc.stp', 'vanthu.stp', 'phuly']) {
      expect(by[`${e}@ninhbinh.gov.vn`], e).toMatchObject({ kind: 'official', totp_enabled: true, totp_secret: DEMO_TOTP_SECRET });
    }
    expect(by['congdan@example.vn']).toMatchObject({ kind: 'citizen', personal_id: '037090000001' });
    expect(by['congdan2@example.vn']).toMatchObject({ kind: 'citizen', personal_id: '037090000002' });
    expect(by['doanhnghiep@example.vn']).toMatchObject({ kind: 'business', tax_code: '2700123456' });
  });

  it('is idempotent', async () => {
    const before = await counts();
    await identityModule.seedDemo!(env.k);
    expect(await counts()).toEqual(before);
  });

  it('prints the demo accounts, the password and the TOTP secret in the banner', async () => {
    const lines = (await identityModule.banner!(env.k)).join('\n');
    expect(lines).toContain('Congso@2026');
    expect(lines).toContain('admin@ninhbinh.gov.vn');
    expect(lines).toContain('037090000001');
    expect(lines).toContain('2700123456');
    expect(lines).toContain(DEMO_TOTP_SECRET);
  });
});
