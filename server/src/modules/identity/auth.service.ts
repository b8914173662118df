import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import {
  type AccountRow,
  accountByEmail,
  accountById,
  accountsByLogin,
  insertAccount,
  takenIdentifiers,
  updateAccount,
} from './account.repo.js';
import './errors.js';
import { cccdProblem, classifyIdentifier, identifierKey, normaliseEmail, normalisePhone, normaliseTaxCode } from './identifiers.js';
import { checkPassword, hashPassword, passwordProblem } from './password.js';
import {
  clearFailures,
  consumeReset,
  deleteSession,
  deleteSessionsOf,
  insertReset,
  insertSession,
  lockedUntil,
  recordFailure,
} from './session.repo.js';
import { newToken, sha256 } from './tokens.js';
import { checkTotp, newTotpSecret, totpUri } from './totp.js';

export interface NewSession {
  token: string;
  csrfToken: string;
  accountId: string;
  expiresAt: Date;
}

export interface ClientMeta {
  ip: string | null;
  userAgent: string | null;
}

/** Formats the unlock time as Vietnamese readers expect it: 14:05 ngày 03/02/2026. */
export function formatUntil(k: Kernel, d: Date): { until: string; untilEn: string } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: k.config.TZ_DISPLAY,
    hour: '2-digit', minute: '2-digit', day: '2-digit', month: '2-digit', year: 'numeric', hour12: false,
  }).formatToParts(d);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return { until: `${p.hour}:${p.minute} ngày ${p.day}/${p.month}/${p.year}`, untilEn: `${p.hour}:${p.minute} on ${p.day}/${p.month}/${p.year}` };
}

export class LockedError extends AppError {
  constructor(k: Kernel, public readonly until: Date, code: 'ACCOUNT_LOCKED' | 'LOGIN_THROTTLED' = 'ACCOUNT_LOCKED') {
    super(code, formatUntil(k, until));
  }
}

export async function createSession(
  k: Kernel,
  ctx: Ctx,
  account: Pick<AccountRow, 'id' | 'kind' | 'name'>,
  meta: ClientMeta,
  how: string,
): Promise<NewSession> {
  const accountId = account.id;
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(Date.now() + k.config.SESSION_TTL_HOURS * 3_600_000);
  await transaction(k.db, async (tx) => {
    // Expired sessions of this account go when it signs in again; nothing else reads them.
    await tx.deleteFrom('session').where('account_id', '=', accountId).where('expires_at', '<', new Date()).execute();
    const id = await insertSession(tx, {
      token_hash: sha256(token),
      account_id: accountId,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    });
    await k.audit.record(tx, { ...ctx, actor: ctx.actor ?? { kind: account.kind, id: account.id, name: account.name, grants: [] } }, {
      action: 'identity.session.create',
      entity: 'account',
      entityId: accountId,
      after: { sessionId: id, how, expiresAt: expiresAt.toISOString() },
    });
  });
  return { token, csrfToken, accountId, expiresAt };
}

/**
 * Signs in with an identifier (email, phone, CCCD, tax code) and a password, and
 * for officials with TOTP enabled a 6-digit code. Unknown identifiers cost the
 * same password hash and are locked out like known ones, so no answer tells
 * whether an account exists.
 */
export async function login(
  k: Kernel,
  ctx: Ctx,
  input: { identifier: string; password: string; totp?: string },
  meta: ClientMeta,
): Promise<NewSession> {
  const cfg = k.config;
  const ipKey = `ip:${meta.ip ?? 'unknown'}`;
  const ipLock = await lockedUntil(k.db, [ipKey]);
  if (ipLock) throw new LockedError(k, ipLock, 'LOGIN_THROTTLED');

  const id = classifyIdentifier(input.identifier);
  const candidates = await accountsByLogin(k.db, {
    email: id.kind === 'email' ? id.value : undefined,
    personalId: id.kind === 'personal_id' ? id.value : undefined,
    taxCode: id.kind === 'tax_code_or_phone' ? id.taxCode : undefined,
    phone: id.kind === 'tax_code_or_phone' ? id.phone : undefined,
  });
  const keys = candidates.length ? candidates.map((c) => `account:${c.id}`) : [`ident:${identifierKey(id)}`];
  const lock = await lockedUntil(k.db, keys);
  if (lock) {
    await checkPassword(null, input.password); // same time as a real attempt
    throw new LockedError(k, lock);
  }

  let account: AccountRow | null = null;
  if (!candidates.length) await checkPassword(null, input.password);
  for (const c of candidates) {
    if (await checkPassword(c.password_hash, input.password)) {
      account = c;
      break;
    }
  }

  const fail = async (code: 'INVALID_CREDENTIALS' | 'TOTP_REQUIRED', failKeys: string[]): Promise<never> => {
    // Throttle bookkeeping, not a change of record: committed on its own and not audited.
    await recordFailure(k.db, ipKey, cfg.LOGIN_MAX_FAILURES * 10, cfg.LOGIN_LOCK_MINUTES, cfg.LOGIN_LOCK_MINUTES);
    let until: Date | null = null;
    for (const key of failKeys) {
      const u = await recordFailure(k.db, key, cfg.LOGIN_MAX_FAILURES, cfg.LOGIN_LOCK_MINUTES, cfg.LOGIN_LOCK_MINUTES);
      if (u && (!until || u > until)) until = u;
    }
    if (until) {
      if (failKeys[0]!.startsWith('account:')) {
        await transaction(k.db, (tx) =>
          k.audit.record(tx, ctx, { action: 'identity.account.lock', entity: 'account', entityId: failKeys[0]!.slice(8), after: { lockedUntil: until!.toISOString() } }),
        );
      }
      throw new LockedError(k, until);
    }
    throw new AppError(code);
  };

  if (!account) return fail('INVALID_CREDENTIALS', keys);
  if (account.totp_enabled && account.totp_secret) {
    if (!input.totp) throw new AppError('TOTP_REQUIRED');
    if (!(await checkTotp(account.totp_secret, input.totp))) return fail('TOTP_REQUIRED', [`account:${account.id}`]);
  }
  await clearFailures(k.db, [`account:${account.id}`, `ident:${identifierKey(id)}`]);
  return createSession(k, ctx, account, meta, 'password');
}

export async function logout(k: Kernel, ctx: Ctx): Promise<void> {
  const a = ctx.actor;
  if (!a?.sessionId) return;
  await transaction(k.db, async (tx) => {
    await deleteSession(tx, a.sessionId!);
    await k.audit.record(tx, ctx, { action: 'identity.session.delete', entity: 'account', entityId: a.id, before: { sessionId: a.sessionId } });
  });
}

export interface RegisterInput {
  kind: 'citizen' | 'business';
  identifier: string;
  name: string;
  email?: string;
  phone?: string;
  password: string;
}

export async function register(k: Kernel, ctx: Ctx, input: RegisterInput): Promise<string> {
  const fields: FieldError[] = [];
  let personalId: string | null = null;
  let taxCode: string | null = null;
  if (input.kind === 'citizen') {
    const v = input.identifier.trim();
    const p = cccdProblem(v);
    if (p) fields.push({ field: 'body.identifier', rule: 'cccd', message: p });
    else personalId = v;
  } else {
    taxCode = normaliseTaxCode(input.identifier);
    if (!taxCode) {
      fields.push({ field: 'body.identifier', rule: 'tax_code', message: 'Mã số thuế phải gồm 10 chữ số, hoặc 13 chữ số dạng NNNNNNNNNN-NNN' });
    }
  }
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (name.length < 2) fields.push({ field: 'body.name', rule: 'min', message: 'Họ tên phải có ít nhất 2 ký tự' });
  const email = input.email ? normaliseEmail(input.email) : null;
  let phone: string | null = null;
  if (input.phone) {
    phone = normalisePhone(input.phone);
    if (!phone) fields.push({ field: 'body.phone', rule: 'phone', message: 'Số điện thoại không hợp lệ (ví dụ 0912345678)' });
  }
  const pw = passwordProblem(input.password);
  if (pw) fields.push({ field: 'body.password', rule: 'password', message: pw });
  if (fields.length) throw errors.validation(fields);

  const passwordHash = await hashPassword(input.password);
  return uniqueAs409(transaction(k.db, async (tx) => {
    const taken = await takenIdentifiers(tx, { email, phone, personalId, taxCode });
    const dup: FieldError[] = [];
    if (taken.personalId) dup.push({ field: 'body.identifier', rule: 'unique', message: 'Số định danh cá nhân này đã được đăng ký' });
    if (taken.taxCode) dup.push({ field: 'body.identifier', rule: 'unique', message: 'Mã số thuế này đã được đăng ký' });
    if (taken.email) dup.push({ field: 'body.email', rule: 'unique', message: 'Địa chỉ email này đã được sử dụng' });
    if (taken.phone) dup.push({ field: 'body.phone', rule: 'unique', message: 'Số điện thoại này đã được sử dụng' });
    if (dup.length) throw new AppError('ALREADY_EXISTS', { entity: 'Tài khoản' }, dup);
    const a = await insertAccount(tx, {
      kind: input.kind, name, personal_id: personalId, tax_code: taxCode, official_id: null,
      email, phone, password_hash: passwordHash, totp_secret: null,
    });
    await k.audit.record(tx, ctx, {
      action: 'identity.account.register',
      entity: 'account',
      entityId: a.id,
      after: { kind: a.kind, name: a.name, email: a.email, phone: a.phone, personalId: personalId ? `${personalId.slice(0, 3)}******${personalId.slice(-3)}` : null, taxCode },
    });
    return a.id;
  }));
}

/** Two registrations racing past the check meet at the unique index: the loser gets the same 409. */
export async function uniqueAs409<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    const err = e as { code?: string; constraint?: string };
    if (err.code !== '23505' || !err.constraint?.startsWith('account_')) throw e;
    const field = err.constraint === 'account_email' ? 'body.email' : err.constraint === 'account_phone' ? 'body.phone' : 'body.identifier';
    throw new AppError('ALREADY_EXISTS', { entity: 'Tài khoản' }, [{ field, rule: 'unique', message: 'Thông tin này đã được đăng ký' }]);
  }
}

const RESET_TTL_MS = 3_600_000;

/** Emails a single-use reset link when the address belongs to an account; the caller answers 202 either way. */
export async function forgotPassword(k: Kernel, ctx: Ctx, email: string): Promise<void> {
  // Known or not, the answer comes after the same floor, so its timing tells nothing.
  const floor = new Promise((r) => setTimeout(r, FORGOT_FLOOR_MS));
  try {
    await requestReset(k, ctx, email);
  } finally {
    await floor;
  }
}

const FORGOT_FLOOR_MS = 150;

async function requestReset(k: Kernel, ctx: Ctx, email: string): Promise<void> {
  const a = await accountByEmail(k.db, normaliseEmail(email));
  if (!a || !a.active || !a.email) return;
  const token = newToken();
  const link = `${k.config.publicUrl}/dat-lai-mat-khau?token=${token}`;
  await transaction(k.db, async (tx) => {
    await insertReset(tx, { token_hash: sha256(token), account_id: a.id, expires_at: new Date(Date.now() + RESET_TTL_MS) });
    await k.mailer.send(tx, k.outbox, {
      to: a.email!,
      subject: 'Đặt lại mật khẩu tài khoản Cổng số',
      text:
        `Xin chào ${a.name},\n\n` +
        'Chúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản của bạn. ' +
        `Mở liên kết sau trong vòng 1 giờ để đặt mật khẩu mới (liên kết chỉ dùng được một lần):\n\n${link}\n\n` +
        'Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không thay đổi.\n',
    }, ctx.requestId);
    await k.audit.record(tx, ctx, { action: 'identity.password.reset_requested', entity: 'account', entityId: a.id });
  });
}

export async function resetPassword(k: Kernel, ctx: Ctx, token: string, password: string): Promise<void> {
  const p = passwordProblem(password);
  if (p) throw errors.field('body.password', 'password', p);
  const hash = await hashPassword(password);
  await transaction(k.db, async (tx) => {
    const accountId = await consumeReset(tx, sha256(token));
    if (!accountId) throw new AppError('RESET_TOKEN_INVALID');
    await updateAccount(tx, accountId, { password_hash: hash });
    // A new password ends every session and any lock: whoever knew the old one is out.
    await deleteSessionsOf(tx, accountId);
    await clearFailures(tx, [`account:${accountId}`]);
    await k.audit.record(tx, ctx, { action: 'identity.password.reset', entity: 'account', entityId: accountId });
  });
}

export async function totpSetup(k: Kernel, ctx: Ctx): Promise<{ secret: string; otpauthUrl: string }> {
  const actor = ctx.actor!;
  const a = await accountById(k.db, actor.id);
  if (!a) throw errors.notFound('tài khoản');
  const secret = newTotpSecret();
  await transaction(k.db, async (tx) => {
    await updateAccount(tx, a.id, { totp_pending: secret });
    await k.audit.record(tx, ctx, { action: 'identity.totp.setup', entity: 'account', entityId: a.id });
  });
  return { secret, otpauthUrl: totpUri(secret, a.email ?? a.name) };
}

export async function totpEnable(k: Kernel, ctx: Ctx, code: string): Promise<void> {
  const actor = ctx.actor!;
  await transaction(k.db, async (tx) => {
    const a = await accountById(tx, actor.id);
    if (!a) throw errors.notFound('tài khoản');
    if (!a.totp_pending || !(await checkTotp(a.totp_pending, code))) throw new AppError('TOTP_INVALID', {}, [{ field: 'body.code', rule: 'totp', message: 'Mã xác thực không đúng' }]);
    await updateAccount(tx, a.id, { totp_secret: a.totp_pending, totp_pending: null, totp_enabled: true });
    await k.audit.record(tx, ctx, { action: 'identity.totp.enable', entity: 'account', entityId: a.id, before: { totpEnabled: a.totp_enabled }, after: { totpEnabled: true } });
  });
}
