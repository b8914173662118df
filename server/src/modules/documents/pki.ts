import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kernel } from '../../kernel/index.js';
import {
  createDevCa, type DevCa, demoSealPng, demoSignaturePng, exportP12, fromPemOrDer, issueCertificate, issueCrl, loadP12, openPkcs11Signer, parsePkcs11Spec, type RemoteSigner, toPem,
} from '../../kernel/pki/index.js';
import { documentsErrors } from './errors.js';

/**
 * Where the documents module finds its keys and trust (all under DATA_DIR/pki,
 * see docs/documents.md):
 * - `trust/*.pem|*.der`: trusted root certificates (the Government CA, the
 *   licensed public CAs; in development the dev CA);
 * - `crl/*.der|*.pem`: CRLs given to validation and embedded in our signatures;
 * - `org/<AGENCY CODE>.p12` and `org/<AGENCY CODE>.pass`: the organisation's
 *   signature of an agency (what stands for its seal), applied by the clerk at
 *   issuance; or `org/<AGENCY CODE>.pkcs11` (MODULE:TOKEN:KEY) and
 *   `org/<AGENCY CODE>.pin` for a key held in an HSM through PKCS#11;
 *   `org/<AGENCY CODE>.seal.png`: the seal image shown by that signature.
 * - `dev/`: the development CA (`ca.pem`, `ca.key`) and the demo officials'
 *   PKCS#12 files (`officials/<email>.p12`), all with password DEV_PASSWORD.
 */

export const DEV_PASSWORD = 'congso-dev';
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const DAY = 86_400_000;

export const pkiRoot = (k: Kernel) => path.join(k.config.dataDir, 'pki');

function filesIn(dir: string, re: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f));
}

export async function loadDevCa(dir: string): Promise<DevCa | null> {
  const certFile = path.join(dir, 'ca.pem');
  const keyFile = path.join(dir, 'ca.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) return null;
  const certificate = fromPemOrDer(readFileSync(certFile), 'CERTIFICATE')[0]!;
  const pkcs8 = fromPemOrDer(readFileSync(keyFile), 'PRIVATE KEY')[0]!;
  const privateKey = (await webcrypto.subtle.importKey('pkcs8', pkcs8.slice(), RSA, true, ['sign'])) as unknown as CryptoKey;
  const c = new x509.X509Certificate(certificate.slice());
  return { certificate, pkcs8, privateKey, serial: c.serialNumber.toLowerCase(), subject: c.subject, name: c.subject };
}

/** Refreshes the dev CA's CRL when it is older than a day (a stale CRL makes validation say TRY_LATER). */
async function refreshDevCrl(root: string): Promise<void> {
  const file = path.join(root, 'crl', 'dev-ca.der');
  if (existsSync(file) && Date.now() - statSync(file).mtimeMs < DAY) return;
  const ca = await loadDevCa(path.join(root, 'dev'));
  if (!ca) return;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await issueCrl(ca, [], { nextUpdate: new Date(Date.now() + 30 * DAY) }));
}

export interface TrustMaterial {
  trustRoots: Uint8Array[];
  crls: Uint8Array[];
  /** Online: a certificate that names an OCSP responder is asked when no CRL answers. */
  ocsp: { timeoutMs: number };
}

export async function trustMaterial(k: Kernel): Promise<TrustMaterial> {
  const root = pkiRoot(k);
  await refreshDevCrl(root);
  const trustRoots = filesIn(path.join(root, 'trust'), /\.(pem|der|crt|cer)$/i).flatMap((f) => fromPemOrDer(readFileSync(f), 'CERTIFICATE'));
  if (!trustRoots.length) throw documentsErrors.noTrust(path.join(root, 'trust'));
  const crls = filesIn(path.join(root, 'crl'), /\.(pem|der|crl)$/i).flatMap((f) => fromPemOrDer(readFileSync(f), 'X509 CRL'));
  return { trustRoots, crls, ocsp: { timeoutMs: 5000 } };
}

/** Open PKCS#11 sessions, one per agency key, kept for the life of the process (HSM sessions are meant to last). */
const hsmSigners = new Map<string, Promise<RemoteSigner>>();

/** Whether the agency has an organisation key: `org/<CODE>.pkcs11` (HSM) or `org/<CODE>.p12`. */
export function hasOrgKey(k: Kernel, agencyCode: string): boolean {
  const base = path.join(pkiRoot(k), 'org', agencyCode);
  return existsSync(`${base}.pkcs11`) || existsSync(`${base}.p12`);
}

/**
 * The organisation's signature of an agency (by code), as a RemoteSigner. With
 * `org/<CODE>.pkcs11` (one line MODULE:TOKEN:KEY) the key lives in an HSM
 * (PIN in `org/<CODE>.pin`, else CONGSO_PKCS11_PIN); otherwise the PKCS#12.
 */
export async function orgSigner(k: Kernel, agencyCode: string): Promise<RemoteSigner> {
  const base = path.join(pkiRoot(k), 'org', agencyCode);
  if (existsSync(`${base}.pkcs11`)) {
    let open = hsmSigners.get(base);
    if (!open) {
      const ref = parsePkcs11Spec(readFileSync(`${base}.pkcs11`, 'utf8').trim());
      if (!ref) throw documentsErrors.noOrgKey(agencyCode, `${base}.pkcs11`);
      const pin = existsSync(`${base}.pin`) ? readFileSync(`${base}.pin`, 'utf8').trim() : (process.env.CONGSO_PKCS11_PIN ?? '');
      open = openPkcs11Signer({ ...ref, pin });
      hsmSigners.set(base, open);
      open.catch(() => hsmSigners.delete(base));
    }
    return open;
  }
  if (!existsSync(`${base}.p12`) || !existsSync(`${base}.pass`)) throw documentsErrors.noOrgKey(agencyCode, `${base}.p12`);
  return loadP12(readFileSync(`${base}.p12`), readFileSync(`${base}.pass`, 'utf8').trim());
}

export interface DevPkiInput {
  agencies: { code: string; name: string }[];
  officials: { email: string; name: string; title: string; agency: string }[];
}

/**
 * Creates (once) a development CA under DATA_DIR/pki/dev, trusts it, and
 * issues the organisation signatures of `agencies` and the PKCS#12 files of
 * `officials` that are missing. Development and demos only.
 */
export async function ensureDevPki(k: Kernel, input: DevPkiInput): Promise<{ dir: string; issued: string[] }> {
  const root = pkiRoot(k);
  const dev = path.join(root, 'dev');
  for (const d of [dev, path.join(dev, 'officials'), path.join(root, 'trust'), path.join(root, 'org'), path.join(root, 'crl')]) mkdirSync(d, { recursive: true });
  let ca = await loadDevCa(dev);
  const issued: string[] = [];
  if (!ca) {
    ca = await createDevCa({ name: 'CN=congso Dev Root CA, O=congso (development only), C=VN', years: 10 });
    writeFileSync(path.join(dev, 'ca.pem'), toPem('CERTIFICATE', ca.certificate));
    writeFileSync(path.join(dev, 'ca.key'), toPem('PRIVATE KEY', ca.pkcs8), { mode: 0o600 });
    writeFileSync(path.join(root, 'trust', 'congso-dev-ca.pem'), toPem('CERTIFICATE', ca.certificate));
    issued.push('dev/ca.pem');
  }
  const notAfter = new Date(Date.now() + 3 * 365 * DAY);
  for (const a of input.agencies) {
    const base = path.join(root, 'org', a.code);
    if (existsSync(`${base}.p12`)) continue;
    const key = await issueCertificate(ca, { kind: 'organisation', subject: `CN=${a.name}, O=${a.name}, C=VN`, notAfter });
    writeFileSync(`${base}.p12`, await exportP12(key, [ca.certificate], DEV_PASSWORD, 2048), { mode: 0o600 });
    writeFileSync(`${base}.pass`, DEV_PASSWORD, { mode: 0o600 });
    issued.push(`org/${a.code}.p12`);
  }
  for (const a of input.agencies) {
    const file = path.join(root, 'org', `${a.code}.seal.png`);
    if (existsSync(file)) continue;
    writeFileSync(file, await demoSealPng(a.name, 'Ninh Bình'));
    issued.push(`org/${a.code}.seal.png`);
  }
  for (const o of input.officials) {
    const file = path.join(dev, 'officials', `${o.email}.p12`);
    if (existsSync(file)) continue;
    const key = await issueCertificate(ca, { kind: 'official', subject: `CN=${o.name}, T=${o.title}, O=${o.agency}, C=VN`, notAfter });
    writeFileSync(file, await exportP12(key, [ca.certificate], DEV_PASSWORD, 2048), { mode: 0o600 });
    issued.push(`dev/officials/${o.email}.p12`);
  }
  for (const o of input.officials) {
    const file = path.join(dev, 'officials', `${o.email}.png`);
    if (!existsSync(file)) writeFileSync(file, await demoSignaturePng(o.name));
  }
  await refreshDevCrl(root);
  return { dir: root, issued };
}

/**
 * The agency's seal image (`org/<CODE>.seal.png`, a transparent PNG of the seal at real size):
 * the organisation's signature at issuance shows it over the left third of the signer's
 * signature (Decree 30 appendix I). Without it the organisation's signature is text only.
 */
export function sealImage(k: Kernel, agencyCode: string): Uint8Array | null {
  const file = path.join(pkiRoot(k), 'org', `${agencyCode}.seal.png`);
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
}

/** A demo official's signature image (drawn by the dev PKI), for demos and tests. */
export function devOfficialSignatureImage(k: Kernel, email: string): Uint8Array | null {
  const file = path.join(pkiRoot(k), 'dev', 'officials', `${email}.png`);
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
}

/** A demo official's PKCS#12 file, when the dev PKI issued one. */
export function devOfficialP12(k: Kernel, email: string): Uint8Array | null {
  const file = path.join(pkiRoot(k), 'dev', 'officials', `${email}.p12`);
  return existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
}
