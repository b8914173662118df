import { createPrivateKey, createPublicKey, privateEncrypt, constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { P12Signer, SignerError } from '@libpdf/core';
import { pkiErrors } from './errors.js';
import { ab, webcrypto } from './util.js';
import * as x509 from './x509.js';

/**
 * Keys that sign PDFs. Every key, whatever holds it, is reached the same way:
 * a SHA-256 digest goes in, an RSA PKCS#1 v1.5 signature comes out, and the key
 * says which certificate and chain stand behind it. That is exactly what remote
 * signing services (SIM-PKI on a phone, cloud/HSM signing) offer, so a local
 * PKCS#12 key and a remote one are interchangeable in `signPdf`.
 */
export interface RemoteSigner {
  /** DER signing certificate. */
  readonly certificate: Uint8Array;
  /** DER certificates above it, nearest first (the root may be left out). */
  readonly chain: Uint8Array[];
  /** Signs a SHA-256 digest; returns the raw RSA PKCS#1 v1.5 signature value. */
  signHash(hash: Uint8Array, algorithm: 'SHA-256'): Promise<Uint8Array>;
  /** Releases what the key holds open (a PKCS#11 session, a connection); absent when there is nothing to release. */
  close?(): Promise<void>;
}

/** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): what RSA PKCS#1 v1.5 wraps around the hash. */
export const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/**
 * A signer holding the private key in this process: the local stand-in for a
 * remote signing service, and what an imported PKCS#12 becomes. It signs the
 * digest it is given without ever seeing the document, as a remote one would.
 */
export function localSigner(privateKey: KeyObject, certificate: Uint8Array, chain: Uint8Array[] = []): RemoteSigner {
  if (privateKey.asymmetricKeyType !== 'rsa') throw pkiErrors.unsupported(`${privateKey.asymmetricKeyType} keys (RSA ≥ 2048 only, Decree 68/2024)`);
  return {
    certificate,
    chain,
    async signHash(hash, algorithm) {
      if (algorithm !== 'SHA-256' || hash.length !== 32) throw pkiErrors.unsupported(`digest ${algorithm}`);
      return new Uint8Array(privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, hash])));
    },
  };
}

export function signerFromPkcs8(pkcs8: Uint8Array, certificate: Uint8Array, chain: Uint8Array[] = []): RemoteSigner {
  return localSigner(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }), certificate, chain);
}

/**
 * Opens an official's PKCS#12 (.p12/.pfx). Decryption is @libpdf/core's, which
 * also reads the legacy 3DES/RC2 files that older token software and Windows
 * export; the signing certificate is the one whose key is in the file, not
 * simply the first certificate (files list the chain in any order).
 */
export async function loadP12(bytes: Uint8Array, password: string): Promise<RemoteSigner> {
  let p12: P12Signer;
  try {
    p12 = await P12Signer.create(bytes, password);
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    // A wrong password shows up as a failed MAC ("Integrity ... is broken"); the library's own
    // check for it is case-sensitive and misses that wording, so we look ourselves.
    if (e instanceof SignerError && /password|integrity|\bmac\b/i.test(msg)) throw pkiErrors.p12Password();
    throw pkiErrors.p12Invalid(msg.replace(/^Failed to parse PKCS#12 file: /, ''));
  }
  // P12Signer keeps the decrypted key as an extractable CryptoKey; we take it
  // over as a KeyObject so that it signs digests, not documents.
  const cryptoKey = (p12 as unknown as { privateKey: CryptoKey }).privateKey;
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', cryptoKey));
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const all = [p12.certificate, ...(p12.certificateChain ?? [])];
  const mine = all.find((c) => Buffer.from(new x509.X509Certificate(ab(c)).publicKey.rawData).equals(spki));
  if (!mine) throw pkiErrors.keyMismatch(new x509.X509Certificate(ab(p12.certificate)).subject);
  return localSigner(key, mine, all.filter((c) => c !== mine));
}

/** Key usage bits that make a certificate fit for signatures (RFC 5280 §4.2.1.3). */
const SIGNING_USAGE = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;

/**
 * Refuses a certificate that may not sign, or that is not valid when it would
 * sign: a signature made that way fails validation later, when it is too late
 * to ask the signer again.
 */
export function checkSigningCertificate(certificate: Uint8Array, at: Date): x509.X509Certificate {
  const cert = new x509.X509Certificate(ab(certificate));
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  // No key usage extension at all means "unrestricted" (RFC 5280); present, it must allow signing.
  if (ku && (ku.usages & SIGNING_USAGE) === 0) throw pkiErrors.keyUsage(cert.subject);
  if (at < cert.notBefore || at > cert.notAfter) throw pkiErrors.certNotValid(cert.subject, at, cert.notBefore, cert.notAfter);
  return cert;
}

export function verifyRsaSha256(certificate: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const cert = new x509.X509Certificate(ab(certificate));
  const key = createPublicKey({ key: Buffer.from(cert.publicKey.rawData), format: 'der', type: 'spki' });
  try {
    return cryptoVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
}
