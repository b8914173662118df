import { createHash, webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * Shared plumbing: one WebCrypto engine for pkijs and @peculiar/x509 (Node's own,
 * so keys made by one library are usable by the other), DER/PEM helpers and the
 * object identifiers we use by name.
 */

const crypto = webcrypto as unknown as Crypto;
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));

export { crypto as webcrypto };

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  rsaPss: '1.2.840.113549.1.1.10',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  /** Our dev TSA's policy: a private arc, meaning "development only, no assurance". */
  devTsaPolicy: '1.3.6.1.4.1.99999.1.1',
} as const;

const HASH_BY_OID: Record<string, string> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

export function hashNameOf(oid: string): string | null {
  return HASH_BY_OID[oid] ?? null;
}

export function digest(alg: string, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(alg);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

export const sha256 = (...parts: Uint8Array[]) => digest('sha256', ...parts);

/** pkijs and asn1js want ArrayBuffers of exactly the view's bytes. */
export function ab(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

export function der(obj: { toSchema(): asn1js.AsnType } | asn1js.AsnType): Uint8Array {
  const schema = 'toSchema' in obj && typeof obj.toSchema === 'function' ? obj.toSchema() : (obj as asn1js.AsnType);
  return new Uint8Array((schema as asn1js.BaseBlock).toBER(false));
}

export function parseDer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const asn = asn1js.fromBER(ab(bytes));
  if (asn.offset === -1) throw new Error(`${what}: not DER (${asn.result.error})`);
  return asn.result;
}

export function toPem(label: string, bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** Every PEM block with `label` in the text, or the bytes themselves when they are DER. */
export function fromPemOrDer(input: Uint8Array | string, label: string): Uint8Array[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  const blocks = [...text.matchAll(re)].map((m) => new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')));
  if (blocks.length || typeof input === 'string') return blocks;
  return input.length && input[0] === 0x30 ? [input] : [];
}

export function hex(u: Uint8Array): string {
  return Buffer.from(u).toString('hex');
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/** ISO 8601 in Vietnam time (UTC+7, no daylight saving), as Decree 30 asks for the signing time. */
export function isoVn(d: Date): string {
  const t = new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19);
  return `${t}+07:00`;
}
