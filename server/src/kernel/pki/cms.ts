import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { contentTypeAttr, derSorted, messageDigestAttr, signedAttrsForSigning, signingCertificateV2Attr } from './attributes.js';
import { pkiErrors } from './errors.js';
import { verifyRsaSha256, type RemoteSigner } from './keys.js';
import type { TimestampAuthority } from './tsa.js';
import { ab, der, OID, parseDer, sha256 } from './util.js';

/**
 * The CMS SignedData inside a PAdES signature (ETSI EN 319 142-1 §5.3 and
 * EN 319 122-1): detached, SHA-256, signed attributes content-type,
 * message-digest and ESS signing-certificate-v2, and NO signing-time: PAdES
 * baseline forbids it, because the claimed time lives in the signature
 * dictionary's /M and two claimed times could disagree. At B-T the signature
 * value is timestamped and the token added as an unsigned attribute.
 */
export interface CmsOptions {
  signer: RemoteSigner;
  /** SHA-256 of the bytes the PDF's /ByteRange covers. */
  documentDigest: Uint8Array;
  tsa?: TimestampAuthority;
  /** DER CRLs to carry in the SignedData (the revocation status at signing time). */
  crls?: Uint8Array[];
}

const SHA256_ALG = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });

export async function buildPadesCms(opts: CmsOptions): Promise<Uint8Array> {
  const { signer } = opts;
  const cert = pkijs.Certificate.fromBER(ab(signer.certificate));
  const attrs = derSorted([contentTypeAttr(OID.data), messageDigestAttr(opts.documentDigest), signingCertificateV2Attr(signer.certificate)]);
  const toSign = signedAttrsForSigning(attrs);
  let signature: Uint8Array;
  try {
    signature = await signer.signHash(sha256(toSign), 'SHA-256');
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('PKI_')) throw e;
    throw pkiErrors.remoteSigner((e as Error).message);
  }
  if (!verifyRsaSha256(signer.certificate, toSign, signature)) throw pkiErrors.remoteSigner('the signature does not verify with the certificate');

  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: SHA256_ALG(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSA, algorithmParams: new asn1js.Null() }),
    signature: new asn1js.OctetString({ valueHex: ab(signature) }),
  });
  if (opts.tsa) {
    // EN 319 122-1 §5.3: the signature-time-stamp covers the signature value only.
    const token = await opts.tsa.timestamp(sha256(signature));
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
      type: 1,
      attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [parseDer(token, 'TimeStampToken')] })],
    });
  }
  const sd = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [SHA256_ALG()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates: [signer.certificate, ...signer.chain].map((c) => pkijs.Certificate.fromBER(ab(c))),
    signerInfos: [signerInfo],
    ...(opts.crls?.length ? { crls: opts.crls.map((c) => pkijs.CertificateRevocationList.fromBER(ab(c))) } : {}),
  });
  return der(new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) }));
}
