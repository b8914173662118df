import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as x509 from './x509.js';
import * as pkijs from 'pkijs';
import { pkiErrors } from './errors.js';
import { ab, der, parseDer, webcrypto } from './util.js';

/**
 * A development certificate authority: a root, end-entity certificates for
 * officials, organisations and a time-stamping authority, and CRLs. Real
 * deployments get their certificates from a licensed CA (Decree 23/2025) or the
 * Government CA; this one exists so that tests, demos and `congso pki dev-ca`
 * exercise exactly the code paths those certificates take.
 */

const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 86_400_000;

export interface IssuedKey {
  /** DER certificate. */
  certificate: Uint8Array;
  /** Unencrypted PKCS#8 private key (DER). Never written anywhere but a dev CA's output. */
  pkcs8: Uint8Array;
  privateKey: CryptoKey;
  /** Hexadecimal serial number, as CRLs list it. */
  serial: string;
  subject: string;
}

export interface DevCa extends IssuedKey {
  /** The CA's certificate is also its own chain; kept apart so callers read naturally. */
  name: string;
}

/**
 * official: a person signing (chữ ký số của cá nhân): digitalSignature + nonRepudiation.
 * organisation: the agency's signature that stands for its seal: the same key usage.
 * tsa: a time-stamping unit: digitalSignature and the critical timeStamping EKU (RFC 3161 §2.3).
 * encryption: a certificate that must not sign (keyEncipherment only), for negative tests.
 */
export type CertKind = 'official' | 'organisation' | 'tsa' | 'encryption';

export interface IssueOptions {
  kind: CertKind;
  /** Distinguished name, e.g. "CN=Nguyễn Văn An, O=UBND tỉnh Ninh Bình, C=VN". */
  subject: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Written into the certificate's CRL distribution point. */
  crlUrl?: string;
  /** Written into the certificate's Authority Information Access as its OCSP responder. */
  ocspUrl?: string;
}

function serialHex(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x10; // positive, and never a leading zero byte that DER would strip
  return b.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function issued(cert: x509.X509Certificate, keys: CryptoKeyPair): Promise<IssuedKey> {
  return {
    certificate: new Uint8Array(cert.rawData),
    pkcs8: new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    privateKey: keys.privateKey,
    serial: cert.serialNumber.toLowerCase(),
    subject: cert.subject,
  };
}

export async function createDevCa(opts: { name?: string; notBefore?: Date; years?: number } = {}): Promise<DevCa> {
  const name = opts.name ?? 'CN=congso Dev Root CA, O=congso (development only), C=VN';
  const keys = await newKeys();
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialHex(),
    name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (opts.years ?? 10) * 365 * DAY),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { ...(await issued(cert, keys)), name };
}

const USAGE: Record<CertKind, number> = {
  official: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
  organisation: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
  tsa: x509.KeyUsageFlags.digitalSignature,
  encryption: x509.KeyUsageFlags.keyEncipherment,
};

export async function issueCertificate(ca: DevCa, opts: IssueOptions): Promise<IssuedKey> {
  const keys = await newKeys();
  return issued(await certify(ca, keys.publicKey, opts), keys);
}

/**
 * Certifies a public key whose private half the CA never sees: a key generated
 * inside an HSM or smart card (PKCS#11), given as DER SubjectPublicKeyInfo.
 * Returns the DER certificate.
 */
export async function certifyPublicKey(ca: DevCa, spki: Uint8Array, opts: IssueOptions): Promise<Uint8Array> {
  const publicKey = await webcrypto.subtle.importKey('spki', ab(spki), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
  return new Uint8Array((await certify(ca, publicKey, opts)).rawData);
}

async function certify(ca: DevCa, publicKey: CryptoKey, opts: IssueOptions): Promise<x509.X509Certificate> {
  const keys = { publicKey };
  const caCert = new x509.X509Certificate(ab(ca.certificate));
  const notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(USAGE[opts.kind], true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (opts.kind === 'tsa') extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true));
  if (opts.crlUrl) extensions.push(new x509.CRLDistributionPointsExtension([opts.crlUrl]));
  if (opts.ocspUrl) extensions.push(new x509.AuthorityInfoAccessExtension({ ocsp: opts.ocspUrl }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject: opts.subject,
    issuer: caCert.subject,
    notBefore,
    notAfter: opts.notAfter ?? new Date(notBefore.getTime() + 3 * 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.privateKey,
    signingAlgorithm: RSA,
    extensions,
  });
  return cert;
}

export interface Revocation {
  serial: string;
  date: Date;
  reason?: x509.X509CrlReason;
}

/** A CRL signed by the CA, DER. `thisUpdate` defaults to now and `nextUpdate` to a week later. */
export async function issueCrl(ca: DevCa, revoked: Revocation[], opts: { thisUpdate?: Date; nextUpdate?: Date } = {}): Promise<Uint8Array> {
  const thisUpdate = opts.thisUpdate ?? new Date();
  const crl = await x509.X509CrlGenerator.create({
    issuer: new x509.X509Certificate(ab(ca.certificate)).subject,
    thisUpdate,
    nextUpdate: opts.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * DAY),
    entries: revoked.map((r) => ({ serialNumber: r.serial, revocationDate: r.date, reason: r.reason ?? x509.X509CrlReason.keyCompromise })),
    signingKey: ca.privateKey,
    signingAlgorithm: RSA,
  });
  return new Uint8Array(crl.rawData);
}

/**
 * A password-protected PKCS#12 file holding the key and its chain, in the
 * modern encoding (PBES2 + AES-256-CBC, PBKDF2 and an HMAC-SHA-256 MAC) that
 * OpenSSL 3 writes by default and that Windows and macOS import.
 */
export async function exportP12(key: IssuedKey, chain: Uint8Array[], password: string, iterations = 100_000): Promise<Uint8Array> {
  // pkijs and OpenSSL turn a non-ASCII password into different bytes for the MAC,
  // which would make a file only we can open; dev passwords are ASCII.
  if (!/^[\x20-\x7e]*$/.test(password)) throw pkiErrors.unsupported('non-ASCII passwords for development PKCS#12 files');
  const pwd = ab(new TextEncoder().encode(password));
  const pkcs8 = new pkijs.PrivateKeyInfo({ schema: parseDer(key.pkcs8, 'PKCS#8') });
  // localKeyId pairs the key with its certificate (Windows and `openssl pkcs12 -clcerts` rely on it).
  const keyId = () => [new pkijs.Attribute({ type: '1.2.840.113549.1.9.21', values: [new asn1js.OctetString({ valueHex: ab(createHash('sha1').update(key.certificate).digest()) })] })];
  const certBag = (c: Uint8Array, i: number) =>
    new pkijs.SafeBag({
      bagId: '1.2.840.113549.1.12.10.1.3',
      bagValue: new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(ab(c)) }),
      ...(i === 0 ? { bagAttributes: keyId() } : {}),
    });
  const shrouded = new pkijs.PKCS8ShroudedKeyBag({ parsedValue: pkcs8 });
  const enc = { password: pwd, contentEncryptionAlgorithm: { name: 'AES-CBC', length: 256 } as AesKeyAlgorithm as never, hmacHashAlgorithm: 'SHA-256', iterationCount: iterations };
  await shrouded.makeInternalValues(enc);
  const pfx = new pkijs.PFX({
    parsedValue: {
      integrityMode: 0,
      authenticatedSafe: new pkijs.AuthenticatedSafe({
        parsedValue: {
          safeContents: [
            { privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [new pkijs.SafeBag({ bagId: '1.2.840.113549.1.12.10.1.2', bagValue: shrouded, bagAttributes: keyId() })] }) },
            { privacyMode: 1, value: new pkijs.SafeContents({ safeBags: [key.certificate, ...chain].map(certBag) }) },
          ],
        },
      }),
    },
  });
  await pfx.parsedValue!.authenticatedSafe!.makeInternalValues({ safeContents: [{}, enc] });
  await pfx.makeInternalValues({ password: pwd, iterations, pbkdf2HashAlgorithm: 'SHA-256', hmacHashAlgorithm: 'SHA-256' });
  return der(pfx);
}
