import { generateSecret, generateURI, verify } from 'otplib';

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, label: string): string {
  return generateURI({ issuer: 'congso', label, secret });
}

/** A 6-digit code of the current step, or of the step before or after (clock drift). */
export async function checkTotp(secret: string, code: string | undefined | null): Promise<boolean> {
  if (!code || !/^\d{6}$/.test(code)) return false;
  try {
    const r = await verify({ secret, token: code, epochTolerance: 30 });
    return r.valid;
  } catch {
    return false;
  }
}
