import { AppError } from '../errors.js';

/** Factories for the PKI_* codes defined in kernel/errors.ts. */
export const pkiErrors = {
  malformed: (reason: string) => new AppError('PKI_PDF_MALFORMED', { reason }),
  encrypted: () => new AppError('PKI_PDF_ENCRYPTED'),
  tooLarge: (size: number, limit: number) => new AppError('PKI_PDF_TOO_LARGE', { size, limit }),
  activeContent: (what: string) => new AppError('PKI_PDF_ACTIVE_CONTENT', { what }),
  p12Password: () => new AppError('PKI_P12_PASSWORD'),
  p12Invalid: (reason: string) => new AppError('PKI_P12_INVALID', { reason }),
  keyUsage: (subject: string) => new AppError('PKI_KEY_USAGE', { subject }),
  certNotValid: (subject: string, time: Date, from: Date, to: Date) =>
    new AppError('PKI_CERT_NOT_VALID', { subject, time: time.toISOString(), from: from.toISOString(), to: to.toISOString() }),
  keyMismatch: (subject: string) => new AppError('PKI_KEY_MISMATCH', { subject }),
  unsupported: (what: string) => new AppError('PKI_UNSUPPORTED', { what }),
  tsaFailed: (url: string, reason: string) => new AppError('PKI_TSA_FAILED', { url, reason }),
  remoteSigner: (reason: string) => new AppError('PKI_REMOTE_SIGNER_FAILED', { reason }),
  image: (reason: string) => new AppError('PKI_APPEARANCE_IMAGE', { reason }),
  space: (need: number, have: number) => new AppError('PKI_SIGNATURE_SPACE', { need, have }),
  noSignature: () => new AppError('PKI_NO_SIGNATURE'),
  pkcs11Pin: (token: string) => new AppError('PKI_PKCS11_PIN', { token }),
  pkcs11NotFound: (what: string) => new AppError('PKI_PKCS11_NOT_FOUND', { what }),
  pkcs11Failed: (reason: string) => new AppError('PKI_PKCS11_FAILED', { reason }),
  remoteAuth: (reason: string) => new AppError('PKI_REMOTE_SIGNER_AUTH', { reason }),
};
