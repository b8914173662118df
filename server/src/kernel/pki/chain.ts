import { createHash } from 'node:crypto';
import { ab } from './util.js';
import * as x509 from './x509.js';

/**
 * Certificate paths and revocation, for validation. Paths are built by name
 * and checked by signature up to a certificate the caller trusts (the roots are
 * configuration: the Government CA and licensed public CAs, or the dev CA);
 * revocation comes from CRLs, embedded in the signature or supplied.
 */

export interface PathResult {
  /** Signer first, anchor last (when one was found). */
  path: x509.X509Certificate[];
  trusted: boolean;
}

function fp(c: x509.X509Certificate): string {
  let h = fps.get(c);
  if (!h) fps.set(c, (h = createHash('sha256').update(Buffer.from(c.rawData)).digest('hex')));
  return h;
}

/**
 * The same few certificates (the CA, the TSA, the signers) come back in every
 * signature and timestamp of a document, and parsing one (@peculiar/x509) or
 * checking a signature with WebCrypto is most of what a path costs: both are
 * remembered by the certificates' bytes, a bounded number of them. Certificates
 * are immutable values, so sharing one object between reports is safe.
 */
const MEMO_MAX = 1000;
function remember<K, V>(m: Map<K, V>, k: K, v: V): V {
  if (m.size >= MEMO_MAX) m.clear();
  m.set(k, v);
  return v;
}
const parsed = new Map<string, x509.X509Certificate>();
const verified = new Map<string, boolean>();
const fps = new WeakMap<x509.X509Certificate, string>();

/** `new X509Certificate(der)` (throws alike), parsed once per process for the same bytes. */
export function certFromDer(d: Uint8Array): x509.X509Certificate {
  const key = Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
  return parsed.get(key) ?? remember(parsed, key, new x509.X509Certificate(ab(d)));
}

export function parseCerts(ders: Uint8Array[]): x509.X509Certificate[] {
  const out: x509.X509Certificate[] = [];
  for (const d of ders) {
    try {
      out.push(certFromDer(d));
    } catch {
      // an unreadable certificate in a pool is ignored; the path will just not use it
    }
  }
  return out;
}

/** Whether `signed` (a certificate's or a CRL's DER) verifies with `issuer`'s key, remembered by both. */
async function checkedOnce(signed: ArrayBuffer, issuer: x509.X509Certificate, check: () => Promise<boolean>): Promise<boolean> {
  const key = `${createHash('sha256').update(Buffer.from(signed)).digest('hex')}/${fp(issuer)}`;
  const hit = verified.get(key);
  if (hit !== undefined) return hit;
  let ok = false;
  try {
    ok = await check();
  } catch {
    ok = false;
  }
  return remember(verified, key, ok);
}

async function issuedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  return checkedOnce(cert.rawData, issuer, () => cert.verify({ publicKey: issuer.publicKey, signatureOnly: true }));
}

export async function buildPath(leaf: x509.X509Certificate, pool: x509.X509Certificate[], roots: x509.X509Certificate[]): Promise<PathResult> {
  const trusted = new Set(roots.map(fp));
  const candidates = [...roots, ...pool];
  const path = [leaf];
  let cur = leaf;
  for (let i = 0; i < 10; i++) {
    if (trusted.has(fp(cur))) return { path, trusted: true };
    let next: x509.X509Certificate | undefined;
    for (const c of candidates) {
      if (fp(c) === fp(cur)) continue;
      if (await issuedBy(cur, c)) {
        next = c;
        break;
      }
    }
    if (!next) return { path, trusted: false };
    path.push(next);
    cur = next;
  }
  return { path, trusted: false };
}

export interface RevocationStatus {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  /** The CRL's thisUpdate, i.e. how fresh the answer is. */
  crlIssuedAt?: Date;
  source?: 'embedded' | 'supplied';
}

/** Status of `cert` from the first CRL that its issuer signed. */
export async function crlStatus(
  cert: x509.X509Certificate,
  issuer: x509.X509Certificate | undefined,
  crls: { crl: x509.X509Crl; source: 'embedded' | 'supplied' }[],
): Promise<RevocationStatus> {
  if (!issuer) return { status: 'unknown' };
  for (const { crl, source } of crls) {
    if (crl.issuer !== issuer.subject) continue;
    const ok = await checkedOnce(crl.rawData, issuer, () => crl.verify({ publicKey: issuer.publicKey }));
    if (!ok) continue;
    const entry = crl.findRevoked(cert);
    if (entry) {
      return { status: 'revoked', revokedAt: entry.revocationDate, reason: entry.reason !== undefined ? x509.X509CrlReason[entry.reason] : undefined, crlIssuedAt: crl.thisUpdate, source };
    }
    return { status: 'good', crlIssuedAt: crl.thisUpdate, source };
  }
  return { status: 'unknown' };
}

export function parseCrls(ders: Uint8Array[], source: 'embedded' | 'supplied'): { crl: x509.X509Crl; source: 'embedded' | 'supplied' }[] {
  const out: { crl: x509.X509Crl; source: 'embedded' | 'supplied' }[] = [];
  for (const d of ders) {
    try {
      out.push({ crl: new x509.X509Crl(ab(d)), source });
    } catch {
      // ignored, as for certificates
    }
  }
  return out;
}
