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

const fp = (c: x509.X509Certificate) => createHash('sha256').update(Buffer.from(c.rawData)).digest('hex');

export function parseCerts(ders: Uint8Array[]): x509.X509Certificate[] {
  const out: x509.X509Certificate[] = [];
  for (const d of ders) {
    try {
      out.push(new x509.X509Certificate(ab(d)));
    } catch {
      // an unreadable certificate in a pool is ignored; the path will just not use it
    }
  }
  return out;
}

async function issuedBy(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
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
    let ok = false;
    try {
      ok = await crl.verify({ publicKey: issuer.publicKey });
    } catch {
      ok = false;
    }
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
