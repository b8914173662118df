import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: session and reset tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
