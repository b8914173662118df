import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { DEMO_PASSWORD, login, totpNow } from '../../../test/auth.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ demo: true, env: { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15', SESSION_TTL_HOURS: '2', TRUST_PROXY: 'true' } });
});
afterAll(() => env.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  env.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('sign-in, session, sign-out', () => {
  it('signs a citizen in by personal ID and by email, sets secure cookies and answers /me', async () => {
    const r = await post('/api/auth/login', { identifier: '037090000001', password: DEMO_PASSWORD });
    expect(r.statusCode).toBe(200);
    const session = r.cookies.find((c) => c.name === 'congso_session')!;
    const csrf = r.cookies.find((c) => c.name === 'congso_csrf')!;
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(csrf.httpOnly).toBeFalsy();
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const body = r.json();
    expect(body.csrfToken).toBe(csrf.value);
    expect(body.user).toMatchObject({ kind: 'citizen', name: 'Nguyễn Văn An', identifier: '037******001', email: 'congdan@example.vn', roles: [], actions: [], agency: null });

    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `congso_session=${session.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: body.user.id, csrfToken: body.csrfToken });

    const byEmail = await login(env.app, 'CongDan@Example.vn ');
    expect(byEmail.user.id).toBe(body.user.id);
    const business = await login(env.app, '2700123456');
    expect(business.user).toMatchObject({ kind: 'business', identifier: '270****456' });
  });

  it('stores only the SHA-256 of the session token', async () => {
    const r = await post('/api/auth/login', { identifier: 'congdan2@example.vn', password: DEMO_PASSWORD });
    const token = r.cookies.find((c) => c.name === 'congso_session')!.value;
    const rows = await env.k.db.selectFrom('session').select(['token_hash']).execute();
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update(token).digest();
    expect(rows.some((x) => Buffer.compare(x.token_hash, hash) === 0)).toBe(true);
    expect(rows.some((x) => x.token_hash.toString('base64url') === token)).toBe(false);
  });

  it('logs out: the session is deleted and the cookie no longer works', async () => {
    const s = await login(env.app, '037090000002');
    const out = await post('/api/auth/logout', {}, s.headers);
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'congso_session')!.value).toBe('');
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(401);
    expect(me.json().code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unsafe request with the session cookie but without the CSRF header', async () => {
    const s = await login(env.app, '037090000002');
    const noHeader = await post('/api/auth/logout', {}, { cookie: s.cookie });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().code).toBe('CSRF_FAILED');
    const wrong = await post('/api/auth/logout', {}, { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    // Safe methods need no header.
    expect((await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    expect((await post('/api/auth/logout', {}, s.headers)).statusCode).toBe(204);
  });

  it('expires sessions after SESSION_TTL_HOURS', async () => {
    const s = await login(env.app, '037090000002');
    const r = await post('/api/auth/login', { identifier: '037090000002', password: DEMO_PASSWORD });
    const expires = r.cookies.find((c) => c.name === 'congso_session')!.expires!;
    const hours = (new Date(expires).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect((await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    // Time passes: move the session's expiry into the past.
    await env.k.db.updateTable('session').set({ expires_at: new Date(Date.now() - 1000) }).where('account_id', '=', s.user.id).execute();
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('answers a wrong password and an unknown identifier with the same 401', async () => {
    const wrong = await post('/api/auth/login', { identifier: 'congdan@example.vn', password: 'SaiMatKhau1' });
    const unknown = await post('/api/auth/login', { identifier: 'khongco@example.vn', password: 'SaiMatKhau1' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', detail: 'Tên đăng nhập hoặc mật khẩu không đúng' });
    expect(wrong.cookies).toEqual([]);
    // Reset the counter for the next tests.
    await login(env.app, 'congdan@example.vn');
  });

  it('spends a password verification on an unknown identifier, not a bare lookup', async () => {
    // Compared with a refused request that never reaches a password check (a malformed body):
    // an argon2 verification costs tens of milliseconds, the bare request one or two, so the
    // margin is wide enough for a busy machine. Known identifiers are not compared here: they
    // also write the failure counter, which makes them noisier than the point being tested.
    const time = async (body: Record<string, unknown>) => {
      const t = performance.now();
      await post('/api/auth/login', body);
      return performance.now() - t;
    };
    const unknown: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      unknown.push(await time({ identifier: `03709000099${i}`, password: 'SaiMatKhau1' }));
      bare.push(await time({ identifier: '' }));
    }
    const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(med(unknown)).toBeGreaterThan(med(bare) * 3);
  });
});

describe('lockout', () => {
  it('locks the account after LOGIN_MAX_FAILURES failures with 423 and the unlock time, also for the right password', async () => {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 3; i++) {
      last = await post('/api/auth/login', { identifier: 'congdan2@example.vn', password: `Sai${i}matkhau` });
      codes.push(last.statusCode);
    }
    expect(codes).toEqual([401, 401, 423]);
    const p = last!.json();
    expect(p.code).toBe('ACCOUNT_LOCKED');
    expect(p.detail).toMatch(/^Tài khoản tạm thời bị khóa do đăng nhập sai nhiều lần\. Vui lòng thử lại sau \d{2}:\d{2} ngày \d{2}\/\d{2}\/\d{4}$/);
    const until = new Date(p.lockedUntil).getTime();
    expect(until - Date.now()).toBeGreaterThan(14 * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    // Locked for every identifier of the account, right password or not.
    const right = await post('/api/auth/login', { identifier: '037090000002', password: DEMO_PASSWORD });
    expect(right.statusCode).toBe(423);
  });

  it('locks an unknown identifier the same way, so a lock reveals nothing', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await post('/api/auth/login', { identifier: 'ma@example.vn', password: 'Sai1matkhau' })).statusCode);
    expect(codes).toEqual([401, 401, 423]);
  });

  it('lets an administrator unlock the account (and not a citizen)', async () => {
    const admin = await login(env.app, 'admin@ninhbinh.gov.vn');
    const citizen = await login(env.app, 'congdan@example.vn');
    const list = await env.app.inject({ method: 'GET', url: '/api/admin/accounts?q=tran thi', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    const acc = list.json().items.find((a: { email: string }) => a.email === 'congdan2@example.vn');
    expect(acc.locked).toBe(true);
    expect((await post(`/api/admin/accounts/${acc.id}/unlock`, {}, citizen.headers)).statusCode).toBe(403);
    expect((await post(`/api/admin/accounts/${acc.id}/unlock`, {}, admin.headers)).statusCode).toBe(204);
    const ok = await post('/api/auth/login', { identifier: '037090000002', password: DEMO_PASSWORD });
    expect(ok.statusCode).toBe(200);
    const audit = await env.k.db.selectFrom('audit_log').select(['action']).where('entity_id', '=', acc.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['identity.account.lock', 'identity.account.unlock']));
  });

  it('throttles an address that fails many times across identifiers', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) {
      codes.push((await post('/api/auth/login', { identifier: `nguoi${i}@example.vn`, password: 'Sai1matkhau' }, headers)).statusCode);
    }
    expect(codes.slice(0, 29).every((c) => c === 401)).toBe(true);
    expect(codes[30]).toBe(429);
    const r = await post('/api/auth/login', { identifier: 'congdan@example.vn', password: DEMO_PASSWORD }, headers);
    expect(r.statusCode).toBe(429);
    expect(r.json().code).toBe('LOGIN_THROTTLED');
    // Another address is not affected.
    expect((await post('/api/auth/login', { identifier: 'congdan@example.vn', password: DEMO_PASSWORD }, { 'x-forwarded-for': '203.0.113.10' })).statusCode).toBe(200);
  });
});

describe('TOTP for officials', () => {
  it('asks for the code, refuses a wrong one, accepts the right one', async () => {
    const noCode = await post('/api/auth/login', { identifier: 'motcua@ninhbinh.gov.vn', password: DEMO_PASSWORD });
    expect(noCode.statusCode).toBe(401);
    expect(noCode.json()).toMatchObject({ code: 'TOTP_REQUIRED', totpRequired: true });
    expect(noCode.cookies).toEqual([]);
    const code = await totpNow();
    const wrongCode = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    const wrong = await post('/api/auth/login', { identifier: 'motcua@ninhbinh.gov.vn', password: DEMO_PASSWORD, totp: wrongCode });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().totpRequired).toBe(true);
    // A wrong password with a right code is still a wrong password.
    const badPw = await post('/api/auth/login', { identifier: 'motcua@ninhbinh.gov.vn', password: 'Sai1matkhau', totp: code });
    expect(badPw.json().code).toBe('INVALID_CREDENTIALS');
    const ok = await post('/api/auth/login', { identifier: 'motcua@ninhbinh.gov.vn', password: DEMO_PASSWORD, totp: code });
    expect(ok.statusCode).toBe(200);
    const user = ok.json().user;
    expect(user).toMatchObject({ kind: 'official', totpEnabled: true, identifier: 'motcua@ninhbinh.gov.vn' });
    expect(user.agency.name).toMatch(/Trung tâm Phục vụ hành chính công/);
    expect(user.roles).toMatchObject([{ role: 'desk_officer', roleName: 'Cán bộ một cửa', unitPath: '37' }]);
    expect(user.actions).toContain('services.dossier.receive');
  });

  it('lets an account set up TOTP: setup, enable with a code, then the code is required', async () => {
    const s = await login(env.app, 'doanhnghiep@example.vn');
    const setup = await post('/api/auth/totp/setup', {}, s.headers);
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUrl } = setup.json();
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    const bad = await post('/api/auth/totp/enable', { code: '000000' }, s.headers);
    expect(bad.statusCode).toBe(400);
    expect((await post('/api/auth/totp/enable', { code: await totpNow(secret) }, s.headers)).statusCode).toBe(204);
    const again = await post('/api/auth/login', { identifier: '2700123456', password: DEMO_PASSWORD });
    expect(again.json().code).toBe('TOTP_REQUIRED');
    const ok = await login(env.app, '2700123456', DEMO_PASSWORD, await totpNow(secret));
    expect(ok.user.totpEnabled).toBe(true);
  });
});
