/**
 * One error catalogue for the whole platform. Services throw `AppError`s made
 * by the factories here (or by a module's `errors.ts`, which registers its codes
 * with `defineErrors`); the HTTP layer renders them as RFC 9457 problem+json in
 * the caller's language. Services never throw HTTP or framework errors.
 */

export type Lang = 'vi' | 'en';

export interface ErrorDef {
  status: number;
  vi: string;
  en: string;
}

export interface FieldError {
  /** Dotted path of the field, e.g. `body.email` or `body.items.0.name`. */
  field: string;
  /** Machine-readable rule: required, type, format, min, max, enum, unknown, ... */
  rule: string;
  message: string;
}

const catalogue = new Map<string, ErrorDef>();

export class AppError extends Error {
  constructor(
    public readonly code: string,
    public readonly params: Record<string, string | number> = {},
    public readonly fields: FieldError[] = [],
  ) {
    super(code);
    if (!catalogue.has(code)) throw new Error(`Error code ${code} is not in the catalogue`);
  }
  get status(): number {
    return catalogue.get(this.code)!.status;
  }
}

/** Registers a module's error codes; codes are global, so a clash is a programming error. */
export function defineErrors<K extends string>(defs: Record<K, ErrorDef>): Record<K, ErrorDef> {
  for (const [code, def] of Object.entries(defs) as [string, ErrorDef][]) {
    const prior = catalogue.get(code);
    if (prior && (prior.vi !== def.vi || prior.status !== def.status)) {
      throw new Error(`Error code ${code} is defined twice`);
    }
    catalogue.set(code, def);
  }
  return defs;
}

export function errorDef(code: string): ErrorDef | undefined {
  return catalogue.get(code);
}

export function listErrors(): [string, ErrorDef][] {
  return [...catalogue.entries()].sort(([a], [b]) => a.localeCompare(b));
}

function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, k) => (k in params ? String(params[k]) : `{${k}}`));
}

export function messageOf(code: string, params: Record<string, string | number>, lang: Lang): string {
  const def = catalogue.get(code);
  if (!def) return code;
  return fill(def[lang], params);
}

defineErrors({
  VALIDATION_FAILED: { status: 400, vi: 'Dữ liệu gửi lên không hợp lệ', en: 'The request is not valid' },
  MALFORMED_BODY: { status: 400, vi: 'Nội dung yêu cầu không đọc được (JSON sai cú pháp)', en: 'The request body could not be parsed' },
  BODY_TOO_LARGE: { status: 413, vi: 'Nội dung yêu cầu quá lớn (tối đa {limit} byte)', en: 'The request body is too large (at most {limit} bytes)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, vi: 'Kiểu nội dung không được hỗ trợ', en: 'Unsupported content type' },
  UNAUTHENTICATED: { status: 401, vi: 'Bạn cần đăng nhập', en: 'You need to sign in' },
  FORBIDDEN: { status: 403, vi: 'Bạn không có quyền thực hiện thao tác này ({action})', en: 'You may not do this ({action})' },
  CSRF_FAILED: { status: 403, vi: 'Phiên làm việc không hợp lệ, vui lòng tải lại trang', en: 'Invalid CSRF token, reload the page' },
  NOT_FOUND: { status: 404, vi: 'Không tìm thấy {entity}', en: '{entity} not found' },
  ROUTE_NOT_FOUND: { status: 404, vi: 'Không có địa chỉ {method} {url}', en: 'No route {method} {url}' },
  METHOD_NOT_ALLOWED: { status: 405, vi: 'Phương thức không được hỗ trợ', en: 'Method not allowed' },
  CONFLICT: { status: 409, vi: 'Xung đột dữ liệu: {reason}', en: 'Conflict: {reason}' },
  ALREADY_EXISTS: { status: 409, vi: '{entity} đã tồn tại', en: '{entity} already exists' },
  STALE_VERSION: { status: 409, vi: 'Dữ liệu đã bị người khác thay đổi, vui lòng tải lại', en: 'The record was changed by someone else; reload it' },
  IDEMPOTENCY_MISMATCH: { status: 422, vi: 'Khóa chống lặp đã được dùng cho một yêu cầu khác', en: 'The idempotency key was used for a different request' },
  RATE_LIMITED: { status: 429, vi: 'Quá nhiều yêu cầu, vui lòng thử lại sau {retryAfter} giây', en: 'Too many requests; retry in {retryAfter} s' },
  INTERNAL: { status: 500, vi: 'Lỗi hệ thống. Mã yêu cầu: {requestId}', en: 'Internal error. Request id: {requestId}' },
  UNAVAILABLE: { status: 503, vi: 'Dịch vụ tạm thời không sẵn sàng: {reason}', en: 'Service unavailable: {reason}' },
});

/** Factories for the kernel's own codes. */
export const errors = {
  validation: (fields: FieldError[]) => new AppError('VALIDATION_FAILED', {}, fields),
  field: (field: string, rule: string, message: string) =>
    new AppError('VALIDATION_FAILED', {}, [{ field, rule, message }]),
  unauthenticated: () => new AppError('UNAUTHENTICATED'),
  forbidden: (action: string) => new AppError('FORBIDDEN', { action }),
  notFound: (entity: string) => new AppError('NOT_FOUND', { entity }),
  conflict: (reason: string) => new AppError('CONFLICT', { reason }),
  alreadyExists: (entity: string) => new AppError('ALREADY_EXISTS', { entity }),
  stale: () => new AppError('STALE_VERSION'),
  idempotencyMismatch: () => new AppError('IDEMPOTENCY_MISMATCH'),
  unavailable: (reason: string) => new AppError('UNAVAILABLE', { reason }),
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  requestId?: string;
  errors?: FieldError[];
  [k: string]: unknown;
}

export function toProblem(err: AppError, lang: Lang, requestId?: string, instance?: string): Problem {
  const def = catalogue.get(err.code)!;
  const problem: Problem = {
    type: `/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
    title: def[lang].replace(/\s*[:(]?\s*\{\w+\}.*$/, '') || err.code.toLowerCase().replace(/_/g, ' '),
    status: def.status,
    detail: messageOf(err.code, { ...err.params, requestId: requestId ?? '' }, lang),
    code: err.code,
  };
  if (instance) problem.instance = instance;
  if (requestId) problem.requestId = requestId;
  if (err.fields.length) problem.errors = err.fields;
  return problem;
}

/**
 * kernel/pki: signing and validating PDFs (factories in kernel/pki/errors.ts).
 * 422 for a document or key that we read but refuse; 400 for bytes that are not
 * what they claim to be; 502 when a remote party (TSA, remote signer) fails us.
 */
defineErrors({
  PKI_PDF_MALFORMED: { status: 400, vi: 'Tệp không phải PDF hợp lệ: {reason}', en: 'The file is not a valid PDF: {reason}' },
  PKI_PDF_ENCRYPTED: { status: 422, vi: 'Tệp PDF đã được mã hóa bằng mật khẩu; hãy gỡ mã hóa trước khi ký', en: 'The PDF is password-encrypted; remove the encryption before signing' },
  PKI_PDF_TOO_LARGE: { status: 413, vi: 'Tệp PDF quá lớn ({size} byte, tối đa {limit} byte)', en: 'The PDF is too large ({size} bytes, at most {limit})' },
  PKI_PDF_ACTIVE_CONTENT: { status: 422, vi: 'Không ký tệp PDF có {what}: nội dung này có thể thay đổi những gì người đọc thấy sau khi ký', en: 'Refusing to sign a PDF with {what}: it can change what a reader sees after signing' },
  PKI_P12_PASSWORD: { status: 422, vi: 'Mật khẩu tệp PKCS#12 không đúng', en: 'Wrong password for the PKCS#12 file' },
  PKI_P12_INVALID: { status: 400, vi: 'Tệp PKCS#12 không đọc được: {reason}', en: 'The PKCS#12 file cannot be read: {reason}' },
  PKI_KEY_USAGE: { status: 422, vi: 'Chứng thư số «{subject}» không được phép dùng để ký (thiếu digitalSignature/nonRepudiation)', en: 'The certificate "{subject}" may not be used for signing (no digitalSignature/nonRepudiation key usage)' },
  PKI_CERT_NOT_VALID: { status: 422, vi: 'Chứng thư số «{subject}» không còn hiệu lực vào thời điểm ký {time} (hiệu lực {from} đến {to})', en: 'The certificate "{subject}" is not valid at signing time {time} (valid {from} to {to})' },
  PKI_KEY_MISMATCH: { status: 422, vi: 'Khóa bí mật không khớp với chứng thư số «{subject}»', en: 'The private key does not match the certificate "{subject}"' },
  PKI_UNSUPPORTED: { status: 422, vi: 'Chưa hỗ trợ: {what}', en: 'Not supported: {what}' },
  PKI_TSA_FAILED: { status: 502, vi: 'Không lấy được dấu thời gian từ {url}: {reason}', en: 'Could not get a timestamp from {url}: {reason}' },
  PKI_REMOTE_SIGNER_FAILED: { status: 502, vi: 'Dịch vụ ký số từ xa không trả về chữ ký hợp lệ: {reason}', en: 'The remote signing service did not return a valid signature: {reason}' },
  PKI_APPEARANCE_IMAGE: { status: 400, vi: 'Ảnh chữ ký/con dấu phải là tệp PNG: {reason}', en: 'The signature or seal image must be a PNG file: {reason}' },
  PKI_SIGNATURE_SPACE: { status: 500, vi: 'Chữ ký lớn hơn chỗ dành sẵn ({need} > {have} byte)', en: 'The signature is larger than the space reserved for it ({need} > {have} bytes)' },
  PKI_NO_SIGNATURE: { status: 422, vi: 'Tệp PDF không có chữ ký số nào', en: 'The PDF has no digital signature' },
  PKI_PKCS11_PIN: { status: 422, vi: 'Mã PIN của thiết bị ký số (PKCS#11) «{token}» không đúng hoặc đã bị khóa', en: 'Wrong or locked PIN for the PKCS#11 token "{token}"' },
  PKI_PKCS11_NOT_FOUND: { status: 422, vi: 'Không tìm thấy {what} trong thiết bị ký số (PKCS#11)', en: 'No {what} found in the PKCS#11 token' },
  PKI_PKCS11_FAILED: { status: 502, vi: 'Thiết bị ký số (PKCS#11) báo lỗi: {reason}', en: 'The PKCS#11 token failed: {reason}' },
  PKI_REMOTE_SIGNER_AUTH: { status: 422, vi: 'Dịch vụ ký số từ xa từ chối xác thực: {reason}', en: 'The remote signing service refused the authorisation: {reason}' },
});
