import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError, messageOf } from '../errors.js';
import { INDICATION_TEXT } from './messages.js';
import { fromPemOrDer } from './util.js';
import { validatePdf, type SignatureReport, type ValidationReport } from './validate.js';

/**
 * `congso verify`, the part of the pki command line that validation needs and
 * nothing else (no signing side, no CA): cli.ts uses it for every command, and
 * verify-snapshot.ts builds a V8 startup snapshot of it alone (bin/pki.mjs).
 */

export const PKI_HELP = `  pki dev-ca --out DIR [--password P]
                        development CA: ca.pem, ca.key, signer.p12, org.p12, tsa.p12, crl.der/crl.pem,
                        demo appearance images chu-ky.png (signature) and con-dau.png (seal)
  pki tsa --dir DIR [--port N] [--password P]
                        serve the dev CA's time-stamping authority (RFC 3161) over HTTP
  sign IN.pdf OUT.pdf (--p12 FILE --password P | --pkcs11 MODULE:TOKEN:KEY [--chain PEM]
       | --remote URL --credential ID) [--level B-B|B-T --tsa URL]
       [--appearance text|image --image PNG --seal PNG --page N --rect x,y,w,h]
       [--reason R --location L --number SỐ/KH]
                        sign a PDF (PAdES) as an incremental update; PKCS#11 PIN from
                        CONGSO_PKCS11_PIN (else asked on the terminal); remote signing
                        credentials from CONGSO_REMOTE_TOKEN / CONGSO_REMOTE_PIN (docs/pki.md)
  verify FILE.pdf [--trust ca.pem]... [--crl FILE]... [--offline] [--json]
                        validate every signature (exit 0 only if all are TOTAL_PASSED);
                        asks a certificate's OCSP responder when no CRL answers, unless --offline
`;

export function usage(text: string): Error {
  return Object.assign(new Error(`usage: congso ${text}`), { usage: true });
}

const STATUS_VI = { good: 'chưa bị thu hồi', revoked: 'ĐÃ BỊ THU HỒI', unknown: 'không có thông tin thu hồi' } as const;
const CHANGE_VI = { none: 'không có', signatures: 'chỉ thêm chữ ký', annotations: 'thêm/sửa chú thích', content: 'NỘI DUNG TRANG BỊ THAY ĐỔI' } as const;

function describe(s: SignatureReport, total: number): string {
  const lines = [
    `Chữ ký ${s.index}/${total} «${s.fieldName}»: ${INDICATION_TEXT[s.indication].vi.toUpperCase()} (${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ''})`,
    `  Kết luận:          ${s.message.vi}`,
    `  Định dạng:         ${s.format}${s.level ? ` (mức ${s.level})` : ''}`,
    `  Người ký:          ${s.signer?.subject ?? '—'}`,
    `  Cơ quan cấp:       ${s.signer?.issuer ?? '—'}`,
    `  Hiệu lực CTS:      ${s.signer ? `${s.signer.notBefore} → ${s.signer.notAfter}` : '—'}`,
    `  Thời gian ký (khai): ${s.claimedSigningTime ?? '—'}`,
    `  Dấu thời gian:     ${s.timestamp ? `${s.timestamp.time} (${s.timestamp.tsa ?? '?'}; ${s.timestamp.valid && s.timestamp.trusted ? 'hợp lệ, tin cậy' : `không dùng được: ${s.timestamp.problem ?? ''}`})` : 'không có'}`,
    `  Chuỗi chứng thư:   ${s.chain.trusted ? 'dẫn tới CA gốc tin cậy' : 'KHÔNG dẫn tới CA gốc tin cậy'} (${s.chain.certificates.length} chứng thư)`,
    `  Thu hồi:           ${STATUS_VI[s.revocation.status]}${s.revocation.revokedAt ? ` lúc ${s.revocation.revokedAt}` : ''}${s.revocation.source === 'ocsp' ? ` (OCSP ${s.revocation.responder}, trả lời lúc ${s.revocation.producedAt})` : s.revocation.source ? ` (CRL ${s.revocation.source === 'embedded' ? 'trong chữ ký' : 'được cung cấp'}, ${s.revocation.crlIssuedAt})` : ''}, xét tại ${s.bestSignatureTime}`,
    `  Toàn vẹn:          băm ${s.integrity.digestMatches ? 'khớp' : 'KHÔNG khớp'}, chữ ký ${s.integrity.signatureValid ? 'đúng' : 'SAI'}, ${s.integrity.coversWholeDocument ? 'phủ toàn bộ tệp' : `có ${s.modifications.revisionsAfter} lần ký/sửa sau`}`,
    `  Thay đổi sau ký:   ${CHANGE_VI[s.modifications.kind]}${s.modifications.pagesChanged.length ? ` (trang ${s.modifications.pagesChanged.join(', ')})` : ''}`,
  ];
  for (const w of s.warnings) lines.push(`  Cảnh báo:          ${w.vi}`);
  return lines.join('\n');
}

export function formatReport(file: string, r: ValidationReport): string {
  const head = `Tệp ${file} (${r.documentSize} byte), kiểm tra lúc ${r.validationTime}: ${r.signatures.length} chữ ký`;
  const warn = r.documentWarnings.map((w) => `Cảnh báo: ${w.vi}`);
  return [head, ...warn, ...r.signatures.map((s) => describe(s, r.signatures.length))].join('\n\n') + '\n';
}

export async function verify(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { trust: { type: 'string', multiple: true, default: [] }, crl: { type: 'string', multiple: true, default: [] }, json: { type: 'boolean', default: false }, offline: { type: 'boolean', default: false } },
  });
  const file = positionals[0];
  if (!file) throw usage('verify FILE.pdf [--trust ca.pem] [--crl FILE] [--offline] [--json]');
  const trustRoots = values.trust!.flatMap((f) => fromPemOrDer(readFileSync(f), 'CERTIFICATE'));
  const crls = values.crl!.flatMap((f) => fromPemOrDer(readFileSync(f), 'X509 CRL'));
  // Online by default: a certificate naming an OCSP responder is asked when no CRL answers.
  const report = await validatePdf(readFileSync(file), { trustRoots, crls, ...(values.offline ? {} : { ocsp: {} }) });
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(file, report));
  return report.signatures.every((s) => s.indication === 'TOTAL_PASSED') ? 0 : 1;
}

/** Runs a command; catalogue errors print their Vietnamese message and exit 1, usage errors exit 2. */
export async function reportErrors(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) {
      process.stderr.write(`Lỗi: ${messageOf(e.code, e.params, 'vi')} [${e.code}]\n`);
      return 1;
    }
    if ((e as { usage?: boolean }).usage || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(e as Error).message}\n\n${PKI_HELP}`);
      return 2;
    }
    throw e;
  }
}
