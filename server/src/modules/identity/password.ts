import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the OWASP parameters (19 MiB, 2 passes). `Algorithm` is a const
 * enum that isolated modules cannot import, hence the literal 2 (= Argon2id).
 */
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS as never);
}

let dummy: Promise<string> | null = null;

/**
 * Checks a password; with no hash (unknown identifier, OIDC-only account) it still
 * spends the time of one verification, so the answer time does not tell whether an account exists.
 */
export async function checkPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hashPassword('congso-dummy-password-1');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** The password policy: at least 8 characters with letters and digits; the message in Vietnamese, or null. */
export function passwordProblem(p: string): string | null {
  if (p.length < 8) return 'Mật khẩu phải có ít nhất 8 ký tự';
  if (p.length > 128) return 'Mật khẩu không được dài quá 128 ký tự';
  if (!/\p{L}/u.test(p) || !/\d/.test(p)) return 'Mật khẩu phải có cả chữ cái và chữ số';
  return null;
}
