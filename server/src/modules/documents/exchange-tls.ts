import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kernel } from '../../kernel/index.js';
import { fromPemOrDer, issueCertificate, toPem } from '../../kernel/pki/index.js';
import { loadDevCa, pkiRoot } from './pki.js';

/**
 * The TLS identity this instance presents on the exchange, as a server (its
 * exchange endpoint) and as a client (when it sends packets): one key and
 * certificate under DATA_DIR/pki/exchange:
 *
 *   tls.key   private key (PKCS#8 PEM, mode 0600)
 *   tls.pem   certificate (PEM)
 *   ca.pem    the CA that issued it (what peers put in their registry)
 *
 * Peers are authenticated by their registry entry: the certificate must be the
 * one registered (SHA-256 fingerprint) and issued by the registered CA.
 * In development the identity is issued by the dev CA (`congso documents dev-pki`).
 */

export interface TlsIdentity {
  key: string;
  cert: string;
  ca: string;
  sha256: string;
}

export const exchangeDir = (k: Kernel) => path.join(pkiRoot(k), 'exchange');

/** SHA-256 of a certificate's DER, lower-case hex without colons. */
export function certSha256(pemOrDer: string | Uint8Array): string {
  const der = typeof pemOrDer === 'string' ? fromPemOrDer(Buffer.from(pemOrDer), 'CERTIFICATE')[0]! : pemOrDer;
  return createHash('sha256').update(der).digest('hex');
}

export function loadTlsIdentity(k: Kernel): TlsIdentity | null {
  const dir = exchangeDir(k);
  const files = ['tls.key', 'tls.pem', 'ca.pem'].map((f) => path.join(dir, f));
  if (!files.every((f) => existsSync(f))) return null;
  const [key, cert, ca] = files.map((f) => readFileSync(f, 'utf8')) as [string, string, string];
  return { key, cert, ca, sha256: certSha256(cert) };
}

/** Issues the instance's exchange identity from the development CA when there is none. Development only. */
export async function ensureDevTlsIdentity(k: Kernel, name = 'congso exchange (development)'): Promise<TlsIdentity | null> {
  const existing = loadTlsIdentity(k);
  if (existing) return existing;
  const ca = await loadDevCa(path.join(pkiRoot(k), 'dev'));
  if (!ca) return null;
  const dir = exchangeDir(k);
  mkdirSync(dir, { recursive: true });
  const key = await issueCertificate(ca, { kind: 'organisation', subject: `CN=${name}, O=congso, C=VN`, notAfter: new Date(Date.now() + 2 * 365 * 86_400_000) });
  writeFileSync(path.join(dir, 'tls.key'), toPem('PRIVATE KEY', key.pkcs8), { mode: 0o600 });
  writeFileSync(path.join(dir, 'tls.pem'), toPem('CERTIFICATE', key.certificate));
  writeFileSync(path.join(dir, 'ca.pem'), toPem('CERTIFICATE', ca.certificate));
  return loadTlsIdentity(k);
}

/**
 * Whether `peer` (DER) is the certificate a registry entry names: the pinned
 * fingerprint, issued (and signed) by the registered CA, and valid now.
 */
export function peerMatches(peer: Buffer, entry: { cert_sha256: string; ca_pem: string }, now = new Date()): boolean {
  if (createHash('sha256').update(peer).digest('hex') !== entry.cert_sha256) return false;
  try {
    const cert = new X509Certificate(peer);
    if (new Date(cert.validFrom) > now || new Date(cert.validTo) < now) return false;
    return fromPemOrDer(Buffer.from(entry.ca_pem), 'CERTIFICATE').some((der) => {
      const ca = new X509Certificate(Buffer.from(der));
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    });
  } catch {
    return false;
  }
}
