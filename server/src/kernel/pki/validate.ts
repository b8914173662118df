import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfString } from '@libpdf/core';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { findAttr, readSigningCertificateV2 } from './attributes.js';
import { buildPath, certFromDer, crlStatus, parseCerts, parseCrls, type RevocationStatus } from './chain.js';
import { type fetchOcsp, ocspStatus } from './ocsp.js';
import { pkiErrors } from './errors.js';
import { describeActive, findActiveContent, openPdf } from './inspect.js';
import { INDICATION_TEXT, SUB_INDICATION_TEXT, type Indication, type Message, type SubIndication } from './messages.js';
import { diffRevisions, type RevisionDiff } from './revisions.js';
import { readTstInfo } from './tsa.js';
import { ab, digest, equalBytes, hashNameOf, hex, OID, sha256 } from './util.js';
import * as x509 from './x509.js';

/**
 * Signature validation modelled on EU DSS and ETSI EN 319 102-1: for every
 * signature, its format and level, who signed and who certified them, the
 * claimed and the proven time, the path to a trusted root, revocation at the
 * best signature time, integrity of the signed revision and what changed after
 * it, ending in TOTAL_PASSED / INDETERMINATE / TOTAL_FAILED with a
 * sub-indication. Stateless: trust roots and CRLs come from the caller.
 */

export interface ValidateOptions {
  /** DER root certificates the caller trusts. Without any, nothing can pass. */
  trustRoots: Uint8Array[];
  /** DER CRLs in addition to those embedded in the signatures. */
  crls?: Uint8Array[];
  /** Extra DER certificates to build paths with (intermediates). */
  certificates?: Uint8Array[];
  /** Validation time; defaults to now. */
  now?: Date;
  maxBytes?: number;
  /**
   * Online revocation checking: when no CRL speaks of a signer's certificate and the
   * certificate names an OCSP responder, ask it (RFC 6960). Off unless given, so the
   * function stays offline by default; `congso verify` and the validation API turn it on.
   */
  ocsp?: { timeoutMs?: number; fetcher?: typeof fetchOcsp };
}

export interface CertInfo {
  subject: string;
  commonName: string | null;
  organisation: string | null;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  sha256: string;
}

export interface SignatureReport {
  index: number;
  fieldName: string;
  subFilter: string | null;
  /** PAdES-BASELINE-B / -T, or PKCS7 (adbe.pkcs7.detached and non-baseline CMS). */
  format: string;
  level: 'B-B' | 'B-T' | null;
  signer: CertInfo | null;
  /** /M in the signature dictionary: the signer's own clock, not proof. */
  claimedSigningTime: string | null;
  timestamp: { time: string; tsa: string | null; valid: boolean; trusted: boolean; problem?: string } | null;
  /** The time the checks below refer to: the timestamp's if it is valid and trusted, else the validation time. */
  bestSignatureTime: string;
  chain: { certificates: CertInfo[]; trusted: boolean };
  revocation: {
    status: RevocationStatus['status'];
    revokedAt?: string;
    reason?: string;
    crlIssuedAt?: string;
    /** embedded or supplied (a CRL), or ocsp. */
    source?: string;
    /** The OCSP responder asked, and when it signed its answer. */
    responder?: string;
    producedAt?: string;
  };
  integrity: { byteRange: number[]; coversWholeDocument: boolean; digestMatches: boolean; signatureValid: boolean };
  modifications: RevisionDiff & { revisionsAfter: number };
  indication: Indication;
  subIndication: SubIndication | null;
  /** Why, in the clerk's words. */
  message: Message;
  warnings: Message[];
}

export interface ValidationReport {
  validationTime: string;
  documentSize: number;
  signatures: SignatureReport[];
  documentWarnings: Message[];
}

function certInfo(c: x509.X509Certificate): CertInfo {
  const name = (oid: string) => c.subjectName.getField(oid)[0] ?? null;
  return {
    subject: c.subject,
    commonName: name('CN'),
    organisation: name('O'),
    issuer: c.issuer,
    serial: c.serialNumber.toLowerCase(),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: hex(sha256(new Uint8Array(c.rawData))),
  };
}

interface FoundSignature {
  fieldName: string;
  dict: PdfDict;
  byteRange: number[];
  contents: Uint8Array;
}

function findSignatures(pdf: PDF): FoundSignature[] {
  const out: FoundSignature[] = [];
  for (const f of pdf.getForm()?.getFields() ?? []) {
    if (f.type !== 'signature') continue;
    const v = f.getDict().get('V');
    const dict = v instanceof PdfRef ? pdf.getObject(v) : v;
    if (!(dict instanceof PdfDict)) continue;
    const type = dict.get('Type');
    if (type instanceof PdfName && type.value === 'DocTimeStamp') continue; // archive timestamps: B-LTA, not produced here
    const br = dict.get('ByteRange');
    const contents = dict.get('Contents');
    if (!(br instanceof PdfArray) || !(contents instanceof PdfString)) continue;
    out.push({
      fieldName: f.name,
      dict,
      byteRange: br.toArray().map((n) => (n instanceof PdfNumber ? n.value : NaN)),
      contents: contents.bytes,
    });
  }
  return out.sort((a, b) => (a.byteRange[2]! + a.byteRange[3]!) - (b.byteRange[2]! + b.byteRange[3]!));
}

function pdfDateToIso(s: string | undefined): string | null {
  if (!s) return null;
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz]|[+-]\d{2}'?\d{2}'?)?/.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz = 'Z'] = m;
  const off = tz.toUpperCase() === 'Z' ? 'Z' : `${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${off}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** RSA (PKCS#1 v1.5 or PSS as the certificate key says) or ECDSA, with the signer info's digest. */
function verifySignatureValue(cert: x509.X509Certificate, hashName: string, data: Uint8Array, sig: Uint8Array): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
    return cryptoVerify(hashName, data, key, sig);
  } catch {
    return false;
  }
}

function sameIssuerSerial(sid: pkijs.IssuerAndSerialNumber, c: pkijs.Certificate): boolean {
  return (
    Buffer.from(sid.issuer.toSchema().toBER(false)).equals(Buffer.from(c.issuer.toSchema().toBER(false))) &&
    Buffer.from(sid.serialNumber.valueBlock.valueHexView).equals(Buffer.from(c.serialNumber.valueBlock.valueHexView))
  );
}

export async function validatePdf(bytes: Uint8Array, opts: ValidateOptions): Promise<ValidationReport> {
  const now = opts.now ?? new Date();
  const pdf = await openPdf(bytes, opts.maxBytes);
  const sigs = findSignatures(pdf);
  if (!sigs.length) throw pkiErrors.noSignature();
  const documentWarnings: Message[] = [];
  const active = describeActive(findActiveContent(pdf));
  if (active.length) {
    documentWarnings.push({
      vi: `Tài liệu chứa ${active.join(', ')}: nội dung hiển thị có thể thay đổi mà không làm mất hiệu lực chữ ký`,
      en: `The document contains ${active.join(', ')}: what it shows may change without breaking a signature`,
    });
  }
  const roots = parseCerts(opts.trustRoots);
  const supplied = parseCrls(opts.crls ?? [], 'supplied');
  const revisionEnds = sigs.map((s) => s.byteRange[2]! + s.byteRange[3]!);
  const signatures: SignatureReport[] = [];
  for (const [i, s] of sigs.entries()) {
    signatures.push(await validateOne(bytes, pdf, s, i, { now, roots, supplied, extra: parseCerts(opts.certificates ?? []), laterRevisions: revisionEnds.filter((e) => e > revisionEnds[i]!).length, ocsp: opts.ocsp }));
  }
  return { validationTime: now.toISOString(), documentSize: bytes.length, signatures, documentWarnings };
}

interface Ctx {
  now: Date;
  roots: x509.X509Certificate[];
  supplied: ReturnType<typeof parseCrls>;
  extra: x509.X509Certificate[];
  laterRevisions: number;
  ocsp?: ValidateOptions['ocsp'];
}

async function validateOne(bytes: Uint8Array, pdf: PDF, s: FoundSignature, index: number, ctx: Ctx): Promise<SignatureReport> {
  const warnings: Message[] = [];
  const subFilterObj = s.dict.get('SubFilter');
  const subFilter = subFilterObj instanceof PdfName ? subFilterObj.value : null;
  const mObj = s.dict.get('M');
  const claimed = pdfDateToIso(mObj instanceof PdfString ? mObj.asString() : undefined);
  const br = s.byteRange;
  const report: SignatureReport = {
    index: index + 1,
    fieldName: s.fieldName,
    subFilter,
    format: 'UNKNOWN',
    level: null,
    signer: null,
    claimedSigningTime: claimed,
    timestamp: null,
    bestSignatureTime: ctx.now.toISOString(),
    chain: { certificates: [], trusted: false },
    revocation: { status: 'unknown' },
    integrity: { byteRange: br, coversWholeDocument: false, digestMatches: false, signatureValid: false },
    modifications: { kind: 'none', pagesChanged: [], pagesAdded: 0, pagesRemoved: 0, signatureFieldsAdded: 0, annotationsAdded: 0, annotationsChanged: 0, revisionsAfter: ctx.laterRevisions },
    indication: 'TOTAL_FAILED',
    subIndication: 'FORMAT_FAILURE',
    message: SUB_INDICATION_TEXT.FORMAT_FAILURE,
    warnings,
  };
  const fail = (ind: Indication, sub: SubIndication | null, why?: Message): SignatureReport => {
    report.indication = ind;
    report.subIndication = sub;
    report.message = why ?? (sub ? SUB_INDICATION_TEXT[sub] : INDICATION_TEXT[ind]);
    return report;
  };

  // Byte range: starts at 0, skips exactly the hex string in /Contents, ends inside the file.
  const [o1, l1, o2, l2] = br as [number, number, number, number];
  const end = o2 + l2;
  if (br.length !== 4 || br.some((n) => !Number.isInteger(n) || n < 0) || o1 !== 0 || l1 >= o2 || end > bytes.length || bytes[l1] !== 0x3c || bytes[o2 - 1] !== 0x3e) {
    return fail('TOTAL_FAILED', 'FORMAT_FAILURE', { vi: 'Vùng ký (/ByteRange) không hợp lệ', en: 'The signed byte range is not valid' });
  }
  report.integrity.coversWholeDocument = end === bytes.length;

  // CMS
  let sd: pkijs.SignedData;
  let si: pkijs.SignerInfo;
  try {
    const asn = asn1js.fromBER(ab(s.contents));
    const ci = new pkijs.ContentInfo({ schema: asn.result });
    if (ci.contentType !== OID.signedData) throw new Error('not SignedData');
    sd = new pkijs.SignedData({ schema: ci.content });
    si = sd.signerInfos[0]!;
    if (!si) throw new Error('no signer');
  } catch {
    return fail('TOTAL_FAILED', 'FORMAT_FAILURE', { vi: 'Không đọc được cấu trúc chữ ký (CMS)', en: 'The signature (CMS) cannot be parsed' });
  }
  const essAttr = findAttr(si.signedAttrs, OID.signingCertificateV2);
  const tsAttr = findAttr(si.unsignedAttrs, OID.signatureTimeStampToken);
  const cades = subFilter === 'ETSI.CAdES.detached' && !!essAttr;
  report.format = cades ? (tsAttr ? 'PAdES-BASELINE-T' : 'PAdES-BASELINE-B') : tsAttr ? 'PKCS7-T' : 'PKCS7';
  report.level = cades ? (tsAttr ? 'B-T' : 'B-B') : null;
  if (subFilter === 'ETSI.CAdES.detached' && findAttr(si.signedAttrs, OID.signingTime)) {
    warnings.push({ vi: 'CMS có thuộc tính signing-time, PAdES cơ bản không cho phép', en: 'The CMS carries a signing-time attribute, which PAdES baseline forbids' });
  }
  if (!cades) warnings.push({ vi: 'Chữ ký không theo chuẩn PAdES (thiếu signing-certificate-v2 hoặc SubFilter khác)', en: 'Not a PAdES signature (no signing-certificate-v2, or another SubFilter)' });

  // Signer certificate: named by the signer info, and bound by ESS signing-certificate-v2.
  const cmsCerts = (sd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  const sid = si.sid instanceof pkijs.IssuerAndSerialNumber ? si.sid : null;
  const signerPk = sid ? cmsCerts.find((c) => sameIssuerSerial(sid, c)) : undefined;
  if (!signerPk) return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND');
  const signerDer = new Uint8Array(signerPk.toSchema().toBER(false));
  const signer = certFromDer(signerDer);
  report.signer = certInfo(signer);
  if (essAttr) {
    const ids = readSigningCertificateV2(essAttr);
    const ok = ids.some((id) => hashNameOf(id.hashOid) && equalBytes(digest(hashNameOf(id.hashOid)!, signerDer), id.hash));
    if (!ok) return fail('INDETERMINATE', 'NO_SIGNING_CERTIFICATE_FOUND', { vi: 'Thuộc tính signing-certificate-v2 không khớp chứng thư của người ký', en: 'signing-certificate-v2 does not match the signer\'s certificate' });
  }

  // Integrity: the digest of the signed bytes, then the signature over the signed attributes.
  const hashName = hashNameOf(si.digestAlgorithm.algorithmId);
  const mdAttr = findAttr(si.signedAttrs, OID.messageDigest);
  if (!hashName || !mdAttr || !si.signedAttrs) return fail('TOTAL_FAILED', 'FORMAT_FAILURE', { vi: 'Thuật toán băm không được hỗ trợ hoặc thiếu message-digest', en: 'Unsupported digest algorithm or no message-digest' });
  const docDigest = digest(hashName, bytes.subarray(0, l1), bytes.subarray(o2, end));
  report.integrity.digestMatches = equalBytes(docDigest, new Uint8Array((mdAttr.values[0] as asn1js.OctetString).valueBlock.valueHexView));
  const signedAttrs = new Uint8Array(si.signedAttrs.encodedValue.slice(0));
  signedAttrs[0] = 0x31; // verified as the universal SET, not the [0] it is stored under
  const sigValue = new Uint8Array(si.signature.valueBlock.valueHexView);
  report.integrity.signatureValid = verifySignatureValue(signer, hashName, signedAttrs, sigValue);
  if (!report.integrity.digestMatches) return fail('TOTAL_FAILED', 'HASH_FAILURE');
  if (!report.integrity.signatureValid) return fail('TOTAL_FAILED', 'SIG_CRYPTO_FAILURE');

  // What changed after the signed revision.
  if (end < bytes.length) {
    try {
      const signedRev = await PDF.load(bytes.subarray(0, end));
      Object.assign(report.modifications, diffRevisions(signedRev, pdf));
    } catch {
      return fail('TOTAL_FAILED', 'FORMAT_FAILURE', { vi: 'Không đọc được phiên bản tài liệu đã ký', en: 'The signed revision cannot be read' });
    }
  }

  // Signature timestamp: proof that the signature existed at genTime.
  const embeddedCrls = parseCrls((sd.crls ?? []).filter((c): c is pkijs.CertificateRevocationList => c instanceof pkijs.CertificateRevocationList).map((c) => new Uint8Array(c.toSchema().toBER(false))), 'embedded');
  const pool = [...parseCerts(cmsCerts.map((c) => new Uint8Array(c.toSchema().toBER(false)))), ...ctx.extra];
  let bestTime = ctx.now;
  let poe = false;
  if (tsAttr) {
    const ts = await checkTimestamp(tsAttr.values[0]!, sigValue, ctx, pool);
    report.timestamp = ts.report;
    if (ts.report.valid && ts.report.trusted) {
      bestTime = new Date(ts.report.time);
      poe = true;
    } else {
      warnings.push({ vi: `Dấu thời gian không dùng được: ${ts.report.problem ?? ''}`, en: `The timestamp cannot be relied on: ${ts.report.problem ?? ''}` });
    }
  }
  report.bestSignatureTime = bestTime.toISOString();

  // Certificate path to a trusted root.
  const path = await buildPath(signer, pool, ctx.roots);
  report.chain = { certificates: path.path.map(certInfo), trusted: path.trusted };

  // Revocation of the signer's certificate (the issuer's CRL).
  const crls = [...embeddedCrls, ...ctx.supplied];
  const crlRev = await crlStatus(signer, path.path[1], crls);
  let rev: Pick<RevocationStatus, 'status' | 'revokedAt' | 'reason'> = crlRev;
  report.revocation = {
    status: crlRev.status,
    ...(crlRev.revokedAt ? { revokedAt: crlRev.revokedAt.toISOString() } : {}),
    ...(crlRev.reason ? { reason: crlRev.reason } : {}),
    ...(crlRev.crlIssuedAt ? { crlIssuedAt: crlRev.crlIssuedAt.toISOString() } : {}),
    ...(crlRev.source ? { source: crlRev.source } : {}),
  };
  // No CRL spoke: the responder the certificate names, if asked to go online.
  if (rev.status === 'unknown' && ctx.ocsp && path.path[1]) {
    try {
      const o = await ocspStatus(signer, path.path[1], { at: ctx.now, ...ctx.ocsp });
      if (o) {
        rev = o;
        report.revocation = {
          status: o.status,
          ...(o.revokedAt ? { revokedAt: o.revokedAt.toISOString() } : {}),
          ...(o.reason ? { reason: o.reason } : {}),
          source: 'ocsp',
          responder: o.url,
          producedAt: o.producedAt.toISOString(),
        };
      }
    } catch (e) {
      warnings.push({ vi: `Không dùng được câu trả lời OCSP: ${(e as Error).message}`, en: `The OCSP answer cannot be used: ${(e as Error).message}` });
    }
  }

  // DSS order: format checks (incl. modifications), identification, integrity (above), then X.509 at the best signature time.
  if (report.modifications.kind === 'content') {
    const pages = report.modifications.pagesChanged.join(', ');
    return fail('TOTAL_FAILED', 'FORMAT_FAILURE', {
      vi: `Nội dung trang đã bị thay đổi sau khi ký${pages ? ` (trang ${pages})` : ' (thêm hoặc bớt trang)'}`,
      en: `Page content was changed after signing${pages ? ` (page ${pages})` : ' (pages added or removed)'}`,
    });
  }
  if (report.modifications.kind === 'annotations') {
    warnings.push({ vi: 'Có chú thích được thêm hoặc sửa sau khi ký', en: 'Annotations were added or changed after signing' });
  }
  if (!path.trusted) return fail('INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND');
  if (bestTime < signer.notBefore) return fail(poe ? 'TOTAL_FAILED' : 'INDETERMINATE', 'NOT_YET_VALID');
  if (rev.status === 'revoked' && rev.revokedAt && rev.revokedAt <= bestTime) {
    return poe ? fail('TOTAL_FAILED', 'REVOKED') : fail('INDETERMINATE', 'REVOKED_NO_POE');
  }
  if (rev.status === 'revoked') {
    warnings.push({ vi: `Chứng thư số bị thu hồi lúc ${rev.revokedAt?.toISOString()}, sau thời điểm ký đã được chứng minh`, en: `The certificate was revoked at ${rev.revokedAt?.toISOString()}, after the proven signing time` });
  }
  if (bestTime > signer.notAfter) {
    // The signer's own claim of signing after expiry is an admission; otherwise we just lack proof.
    if (claimed && new Date(claimed) > signer.notAfter) return fail('TOTAL_FAILED', 'EXPIRED');
    return fail('INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE');
  }
  for (const ca of path.path.slice(1)) {
    if (bestTime > ca.notAfter || bestTime < ca.notBefore) return fail('INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE', { vi: `Chứng thư của CA «${ca.subject}» không còn hiệu lực`, en: `The CA certificate "${ca.subject}" is out of its validity` });
  }
  if (rev.status === 'unknown') return fail('INDETERMINATE', 'TRY_LATER');
  if (!cades) return fail('INDETERMINATE', 'FORMAT_FAILURE', { vi: 'Chữ ký hợp lệ về mật mã nhưng không theo chuẩn PAdES', en: 'Cryptographically valid but not a PAdES signature' });
  return fail('TOTAL_PASSED', null);
}

async function checkTimestamp(
  tokenAsn: asn1js.AsnType,
  sigValue: Uint8Array,
  ctx: Ctx,
  pool: x509.X509Certificate[],
): Promise<{ report: NonNullable<SignatureReport['timestamp']> }> {
  const r: NonNullable<SignatureReport['timestamp']> = { time: '', tsa: null, valid: false, trusted: false };
  try {
    const ci = new pkijs.ContentInfo({ schema: tokenAsn });
    const tsd = new pkijs.SignedData({ schema: ci.content });
    const info = readTstInfo(tsd);
    r.time = info.genTime.toISOString();
    const hashName = hashNameOf(info.imprintHashOid);
    if (!hashName || !equalBytes(digest(hashName, sigValue), info.imprint)) {
      r.problem = 'imprint mismatch';
      return { report: r };
    }
    // Checked by hand like the PDF signature: pkijs's verify() insists on re-reading TSTInfo with data we do not have.
    const tsi = tsd.signerInfos[0];
    const tsCerts = (tsd.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
    const tsSid = tsi?.sid instanceof pkijs.IssuerAndSerialNumber ? tsi.sid : null;
    const tsaPk = tsSid ? tsCerts.find((c) => sameIssuerSerial(tsSid, c)) : undefined;
    const tsHash = tsi ? hashNameOf(tsi.digestAlgorithm.algorithmId) : null;
    const tsMd = findAttr(tsi?.signedAttrs, OID.messageDigest);
    const eContent = tsd.encapContentInfo.eContent ? new Uint8Array(tsd.encapContentInfo.eContent.getValue()) : null;
    if (!tsi || !tsaPk || !tsHash || !tsMd || !eContent || !tsi.signedAttrs) {
      r.problem = 'incomplete token (no TSA certificate, digest or signed attributes)';
      return { report: r };
    }
    const tsAttrs = new Uint8Array(tsi.signedAttrs.encodedValue.slice(0));
    tsAttrs[0] = 0x31;
    const mdOk = equalBytes(digest(tsHash, eContent), new Uint8Array((tsMd.values[0] as asn1js.OctetString).valueBlock.valueHexView));
    const tsaX = certFromDer(new Uint8Array(tsaPk.toSchema().toBER(false)));
    if (!mdOk || !verifySignatureValue(tsaX, tsHash, tsAttrs, new Uint8Array(tsi.signature.valueBlock.valueHexView))) {
      r.problem = 'token signature invalid';
      return { report: r };
    }
    const tsaCert = tsaX;
    r.tsa = tsaCert.subject;
    r.valid = true;
    const eku = tsaCert.getExtension(x509.ExtendedKeyUsageExtension);
    if (!eku || !eku.usages.includes(x509.ExtendedKeyUsage.timeStamping)) {
      r.problem = 'TSA certificate lacks the timeStamping usage';
      return { report: r };
    }
    const tsaPool = [...pool, ...parseCerts(tsCerts.map((c) => new Uint8Array(c.toSchema().toBER(false))))];
    const path = await buildPath(tsaCert, tsaPool, ctx.roots);
    r.trusted = path.trusted && info.genTime >= tsaCert.notBefore && info.genTime <= tsaCert.notAfter;
    if (!r.trusted) r.problem = 'TSA not trusted';
  } catch (e) {
    r.problem = (e as Error).message;
  }
  return { report: r };
}
