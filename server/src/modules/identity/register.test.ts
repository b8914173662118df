import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { login } from '../../../test/auth.js';
import { cccdProblem, normalisePhone, normaliseTaxCode } from './identifiers.js';
import { passwordProblem } from './password.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv({ demo: true });
});
afterAll(() => env.close());

const register = (payload: Record<string, unknown>) => env.app.inject({ method: 'POST', url: '/api/auth/register', payload });
const fieldsOf = (r: { json(): { errors?: { field: string; rule: string; message: string }[] } }) =>
  Object.fromEntries((r.json().errors ?? []).map((e) => [e.field, e]));

describe('identifier rules', () => {
  it('checks personal IDs: 12 digits, a province code first', () => {
    expect(cccdProblem('037090000123')).toBeNull();
    expect(cccdProblem('001203004567')).toBeNull();
    expect(cccdProblem('03709000012')).toMatch(/12 chữ số/);
    expect(cccdProblem('03709000012a')).toMatch(/12 chữ số/);
    expect(cccdProblem('099090000123')).toMatch(/mã tỉnh/); // 099 is no province
    expect(cccdProblem('003090000123')).toMatch(/mã tỉnh/);
  });
  it('normalises tax codes and phones', () => {
    expect(normaliseTaxCode('0101234567')).toBe('0101234567');
    expect(normaliseTaxCode('0101234567001')).toBe('0101234567-001');
    expect(normaliseTaxCode('0101234567-001')).toBe('0101234567-001');
    expect(normaliseTaxCode('010123456')).toBeNull();
    expect(normalisePhone('+84 912 345 678')).toBe('0912345678');
    expect(normalisePhone('0912.345.678')).toBe('0912345678');
    expect(normalisePhone('12345')).toBeNull();
  });
  it('asks for 8 characters with letters and digits', () => {
    expect(passwordProblem('abc123')).toMatch(/ít nhất 8/);
    expect(passwordProblem('abcdefgh')).toMatch(/chữ cái và chữ số/);
    expect(passwordProblem('12345678')).toMatch(/chữ cái và chữ số/);
    expect(passwordProblem('Mậtkhẩu2026')).toBeNull();
  });
});

describe('POST /api/auth/register', () => {
  it('registers a citizen, signs them in, normalises email and phone', async () => {
    const r = await register({ kind: 'citizen', identifier: '001203004567', name: ' Lê  Văn Cường ', email: 'Cuong.Le@Example.VN', phone: '+84 912 345 678', password: 'Matkhau2026' });
    expect(r.statusCode).toBe(201);
    const { user, csrfToken } = r.json();
    expect(user).toMatchObject({ kind: 'citizen', name: 'Lê Văn Cường', email: 'cuong.le@example.vn', phone: '0912345678', identifier: '001******567' });
    expect(r.cookies.find((c) => c.name === 'congso_session')).toBeTruthy();
    expect(csrfToken).toBeTruthy();
    const s = await login(env.app, '0912345678', 'Matkhau2026');
    expect(s.user.id).toBe(user.id);
    const audit = await env.k.db.selectFrom('audit_log').select(['action', 'after']).where('entity_id', '=', user.id).execute();
    expect(audit.map((a) => a.action)).toContain('identity.account.register');
    // The audit entry keeps the ID masked.
    expect(JSON.stringify(audit)).not.toContain('001203004567');
  });

  it('registers a business with a 13-digit tax code', async () => {
    const r = await register({ kind: 'business', identifier: '2700999888001', name: 'Chi nhánh Công ty ABC', password: 'Matkhau2026' });
    expect(r.statusCode).toBe(201);
    expect(r.json().user).toMatchObject({ kind: 'business', email: null });
    const s = await login(env.app, '2700999888-001', 'Matkhau2026');
    expect(s.user.kind).toBe('business');
  });

  it('refuses a bad personal ID, a weak password and a bad phone, naming each field in Vietnamese', async () => {
    const r = await register({ kind: 'citizen', identifier: '123456789012', name: 'Nguyễn Văn B', phone: '123', password: 'yeu' });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const f = fieldsOf(r);
    expect(f['body.identifier']).toMatchObject({ rule: 'cccd', message: expect.stringMatching(/Số định danh cá nhân/) });
    expect(f['body.password']).toMatchObject({ rule: 'password', message: 'Mật khẩu phải có ít nhất 8 ký tự' });
    expect(f['body.phone']).toMatchObject({ rule: 'phone' });
    const short = await register({ kind: 'citizen', identifier: '03709000', name: 'Nguyễn Văn B', password: 'Matkhau2026' });
    expect(fieldsOf(short)['body.identifier'].message).toBe('Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số');
    const tax = await register({ kind: 'business', identifier: '12345', name: 'Công ty X', password: 'Matkhau2026' });
    expect(fieldsOf(tax)['body.identifier'].rule).toBe('tax_code');
  });

  it('refuses unknown fields, a bad email and a missing name', async () => {
    const r = await register({ kind: 'citizen', identifier: '037090000777', email: 'khong-phai-email', password: 'Matkhau2026', role: 'system_admin' });
    expect(r.statusCode).toBe(400);
    const f = fieldsOf(r);
    expect(f['body.role'].rule).toBe('unknown');
    expect(f['body.email'].message).toBe('Địa chỉ email không hợp lệ');
    expect(f['body.name'].message).toBe('Trường này là bắt buộc');
  });

  it('answers 409 for a personal ID or email already registered, and writes nothing', async () => {
    const before = await env.k.db.selectFrom('account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const dupId = await register({ kind: 'citizen', identifier: '037090000001', name: 'Người Khác', password: 'Matkhau2026' });
    expect(dupId.statusCode).toBe(409);
    expect(fieldsOf(dupId)['body.identifier'].message).toBe('Số định danh cá nhân này đã được đăng ký');
    const dupEmail = await register({ kind: 'citizen', identifier: '037090000778', name: 'Người Khác', email: 'CONGDAN@example.vn', password: 'Matkhau2026' });
    expect(dupEmail.statusCode).toBe(409);
    expect(fieldsOf(dupEmail)['body.email'].rule).toBe('unique');
    const after = await env.k.db.selectFrom('account').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('keeps one account when the same person registers twice at once', async () => {
    const body = { kind: 'citizen', identifier: '037090000888', name: 'Song Song', password: 'Matkhau2026' };
    const rs = await Promise.all([register(body), register(body), register(body)]);
    const codes = rs.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.every((c) => c === 201 || c === 409)).toBe(true);
  });
});
