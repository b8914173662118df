import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ab, OID, sha256 } from './util.js';

/**
 * CMS signed attributes shared by the PDF signer and the time-stamping
 * authority. Both bind the signer's certificate with ESS signing-certificate-v2
 * (RFC 5035): without it a CMS signature is plain PKCS#7, not CAdES, and an
 * attacker who obtains a second certificate for the same key could swap it in
 * (the @signpdf trap that DOMAIN.md §4 warns about).
 */

export function contentTypeAttr(oid: string): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: oid })] });
}

export function messageDigestAttr(digest: Uint8Array): pkijs.Attribute {
  return new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: ab(digest) })] });
}

/** ESSCertIDv2 with SHA-256, which is the default and so, in DER, not written. */
export function signingCertificateV2Attr(certDer: Uint8Array): pkijs.Attribute {
  const cert = pkijs.Certificate.fromBER(ab(certDer));
  const generalNames = new asn1js.Sequence({
    value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })],
  });
  const essCertIdV2 = new asn1js.Sequence({
    value: [new asn1js.OctetString({ valueHex: ab(sha256(certDer)) }), new asn1js.Sequence({ value: [generalNames, cert.serialNumber] })],
  });
  const signingCertificateV2 = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [signingCertificateV2] });
}

/** The certificate hashes an ESS signing-certificate-v2 attribute names (SHA-256 ones only). */
export function readSigningCertificateV2(attr: pkijs.Attribute): { hashOid: string; hash: Uint8Array; serial?: Uint8Array }[] {
  const out: { hashOid: string; hash: Uint8Array; serial?: Uint8Array }[] = [];
  const top = attr.values[0] as asn1js.Sequence;
  const certs = top.valueBlock.value[0] as asn1js.Sequence;
  for (const id of certs.valueBlock.value as asn1js.Sequence[]) {
    const parts = id.valueBlock.value;
    let i = 0;
    let hashOid: string = OID.sha256;
    if (parts[0] instanceof asn1js.Sequence) {
      hashOid = (parts[0].valueBlock.value[0] as asn1js.ObjectIdentifier).valueBlock.toString();
      i = 1;
    }
    const hash = new Uint8Array((parts[i] as asn1js.OctetString).valueBlock.valueHexView);
    const issuerSerial = parts[i + 1] as asn1js.Sequence | undefined;
    const serial = issuerSerial ? new Uint8Array((issuerSerial.valueBlock.value[1] as asn1js.Integer).valueBlock.valueHexView) : undefined;
    out.push({ hashOid, hash, serial });
  }
  return out;
}

export function findAttr(attrs: pkijs.SignedAndUnsignedAttributes | undefined, oid: string): pkijs.Attribute | undefined {
  return attrs?.attributes.find((a) => a.type === oid);
}

/**
 * DER sorts the members of a SET OF by their encodings. Verifiers such as
 * OpenSSL re-encode the signed attributes before checking the signature, so an
 * unsorted set verifies here and fails there: sort once, use the order twice.
 */
export function derSorted(attributes: pkijs.Attribute[]): pkijs.Attribute[] {
  const enc = (a: pkijs.Attribute) => Buffer.from(a.toSchema().toBER(false));
  return [...attributes].sort((a, b) => Buffer.compare(enc(a), enc(b)));
}

/**
 * What the signer actually signs: the signed attributes re-encoded with the
 * universal SET tag (RFC 5652 §5.4), not the [0] IMPLICIT tag they carry inside
 * SignerInfo.
 */
export function signedAttrsForSigning(attributes: pkijs.Attribute[]): Uint8Array {
  const set = new asn1js.Set({ value: attributes.map((a) => a.toSchema()) });
  return new Uint8Array(set.toBER(false));
}
