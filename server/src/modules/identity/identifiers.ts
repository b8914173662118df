/**
 * Vietnamese identifiers: số định danh cá nhân (CCCD), mã số thuế, phone numbers.
 * Pure functions, used by the Zod schemas of the routes and by the login lookup.
 */

/**
 * Province codes that open a 12-digit personal ID (Thông tư 07/2016/TT-BCA, Phụ lục I):
 * the 63 provinces before the 2025 merger. IDs keep the code of the place of birth
 * registration, so the old codes stay valid after provinces merged.
 */
export const CCCD_PROVINCE_CODES = new Set([
  '001', '002', '004', '006', '008', '010', '011', '012', '014', '015', '017', '019', '020', '022', '024', '025',
  '026', '027', '030', '031', '033', '034', '035', '036', '037', '038', '040', '042', '044', '045', '046', '048',
  '049', '051', '052', '054', '056', '058', '060', '062', '064', '066', '067', '068', '070', '072', '074', '075',
  '077', '079', '080', '082', '083', '084', '086', '087', '089', '091', '092', '093', '094', '095', '096',
]);

/** Why a personal ID is not valid, in Vietnamese, or null when it is. */
export function cccdProblem(v: string): string | null {
  if (!/^\d{12}$/.test(v)) return 'Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số';
  if (!CCCD_PROVINCE_CODES.has(v.slice(0, 3))) {
    return 'Số định danh cá nhân (CCCD) không hợp lệ: 3 chữ số đầu phải là mã tỉnh/thành phố nơi đăng ký khai sinh';
  }
  return null;
}

/** '0101234567', '0101234567-001' or 13 digits without the dash; null when it is not a tax code. */
export function normaliseTaxCode(v: string): string | null {
  const s = v.trim().replace(/\s+/g, '');
  let m = /^(\d{10})$/.exec(s);
  if (m) return m[1]!;
  m = /^(\d{10})-?(\d{3})$/.exec(s);
  if (m) return `${m[1]}-${m[2]}`;
  return null;
}

/** Vietnamese phone numbers as 0XXXXXXXXX (or 11 digits for old landlines); +84/84 prefixes folded. */
export function normalisePhone(v: string): string | null {
  let s = v.trim().replace(/[\s.()-]/g, '');
  if (s.startsWith('+84')) s = '0' + s.slice(3);
  else if (/^84\d{9,10}$/.test(s)) s = '0' + s.slice(2);
  return /^0\d{9,10}$/.test(s) ? s : null;
}

export function normaliseEmail(v: string): string {
  return v.trim().toLowerCase();
}

/** What a login identifier may be: an email, a personal ID, a tax code or a phone number. */
export type IdentifierKey =
  | { kind: 'email'; value: string }
  | { kind: 'personal_id'; value: string }
  | { kind: 'tax_code_or_phone'; taxCode: string | null; phone: string | null }
  | { kind: 'unknown'; value: string };

export function classifyIdentifier(raw: string): IdentifierKey {
  const v = raw.trim();
  if (v.includes('@')) return { kind: 'email', value: normaliseEmail(v) };
  const digits = v.replace(/[\s.]/g, '');
  if (/^\d{12}$/.test(digits)) return { kind: 'personal_id', value: digits };
  // A 10-digit number may be a tax code or a phone number (both may start with 0).
  const taxCode = normaliseTaxCode(digits);
  const phone = normalisePhone(v);
  if (taxCode || phone) return { kind: 'tax_code_or_phone', taxCode, phone };
  return { kind: 'unknown', value: v.toLowerCase() };
}

/** The identifier as the lockout table keys it, so every spelling of one identifier shares one counter. */
export function identifierKey(id: IdentifierKey): string {
  switch (id.kind) {
    case 'email':
    case 'personal_id':
    case 'unknown':
      return `${id.kind}:${id.value}`;
    case 'tax_code_or_phone':
      return `tp:${id.taxCode ?? ''}|${id.phone ?? ''}`;
  }
}

/** 037090000001 → 037******001 (Nghị định 13/2023: IDs are masked wherever shown). */
export function maskId(v: string): string {
  if (v.length <= 6) return '*'.repeat(v.length);
  return v.slice(0, 3) + '*'.repeat(v.length - 6) + v.slice(-3);
}
