import { createHash, randomBytes, randomInt } from 'node:crypto';
import { transaction } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './contact.repo.js';

/**
 * Reporting without an account, with a verified email address: the reporter
 * asks for a 6-digit code (mailed, valid 15 minutes, 5 tries), confirms it and
 * gets a token valid 2 hours to send with the report (`x-contact-token`). The
 * report keeps the address for its notifications. (A phone number would work
 * the same way with an SMS gateway, which the platform does not have yet.)
 */

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const CODE_MINUTES = 15;
const TOKEN_HOURS = 2;
const MAX_TRIES = 5;

export async function requestCode(k: Kernel, email: string, requestId?: string): Promise<{ id: string; expiresAt: Date }> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
  return transaction(k.db, async (tx) => {
    const id = await repo.insert(tx, email, expiresAt);
    await repo.setCodeHash(tx, id, hash(`${id}:${code}`));
    await k.mailer.send(tx, k.outbox, {
      to: email,
      subject: `Mã xác thực gửi phản ánh: ${code}`,
      text: `Mã xác thực địa chỉ thư điện tử để gửi phản ánh, kiến nghị: ${code}\nMã có hiệu lực trong ${CODE_MINUTES} phút. Nếu bạn không yêu cầu, hãy bỏ qua thư này.`,
    }, requestId);
    return { id, expiresAt };
  });
}

export async function confirm(k: Kernel, id: string, code: string): Promise<{ token: string; email: string; expiresAt: Date }> {
  const bad = () => errors.field('body.code', 'invalid', 'Mã xác thực không đúng hoặc đã hết hạn');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw bad();
  // One try is spent whatever the result, in its own statement, so guessing is bounded.
  const c = await repo.spendTry(k.db, id);
  if (!c || c.token_hash || c.attempts > MAX_TRIES || c.expires_at < new Date() || c.code_hash !== hash(`${id}:${code}`)) throw bad();
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + TOKEN_HOURS * 3_600_000);
  await repo.setToken(k.db, id, hash(token), expiresAt);
  return { token, email: c.email, expiresAt };
}

/** The verified address behind a token, or a 401. */
export async function verifiedEmail(k: Kernel, token: string): Promise<string> {
  const email = await repo.emailForToken(k.db, hash(token));
  if (!email) throw errors.unauthenticated();
  return email;
}
