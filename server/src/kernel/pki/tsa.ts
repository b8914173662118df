import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { contentTypeAttr, derSorted, messageDigestAttr, signingCertificateV2Attr, signedAttrsForSigning } from './attributes.js';
import type { IssuedKey } from './dev-ca.js';
import { serveDerEndpoint } from './dev-http.js';
import { pkiErrors } from './errors.js';
import { ab, der, equalBytes, OID, parseDer, sha256, webcrypto } from './util.js';

/**
 * RFC 3161 time-stamping: the client side used when signing at level B-T, and a
 * development authority that answers in-process or over HTTP. A signature
 * timestamp proves the signature existed at genTime, which is what lets a
 * validator trust a signature after the signer's certificate expires.
 */

export interface TimestampAuthority {
  /** Where tokens come from, for messages and reports. */
  readonly name: string;
  /** A DER TimeStampToken (a CMS ContentInfo) over `digest`, computed with SHA-256. */
  timestamp(digest: Uint8Array): Promise<Uint8Array>;
}

const SHA256_ALG = () => new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() });

export function timestampRequest(digest: Uint8Array, nonce: Uint8Array): Uint8Array {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({ hashAlgorithm: SHA256_ALG(), hashedMessage: new asn1js.OctetString({ valueHex: ab(digest) }) }),
    nonce: new asn1js.Integer({ valueHex: ab(nonce) }),
    certReq: true,
  });
  return der(req);
}

/**
 * Checks a TimeStampResp against the request it answers and returns its token.
 * A token for another digest or nonce is an attack or a broken TSA; either way
 * it must not end up in a signature.
 */
export function acceptTimestampResponse(respDer: Uint8Array, digest: Uint8Array, nonce: Uint8Array, source: string): Uint8Array {
  let resp: pkijs.TimeStampResp;
  try {
    resp = new pkijs.TimeStampResp({ schema: parseDer(respDer, 'TimeStampResp') });
  } catch (e) {
    throw pkiErrors.tsaFailed(source, (e as Error).message);
  }
  const status = resp.status.status;
  if (status !== 0 && status !== 1) {
    const text = resp.status.statusStrings?.map((s) => s.valueBlock.value).join('; ') ?? '';
    throw pkiErrors.tsaFailed(source, `status ${status}${text ? `: ${text}` : ''}`);
  }
  if (!resp.timeStampToken) throw pkiErrors.tsaFailed(source, 'no token');
  const info = readTstInfo(resp.timeStampToken);
  if (!equalBytes(info.imprint, digest)) throw pkiErrors.tsaFailed(source, 'the token is for another digest');
  const got = info.nonce;
  if (!got || !equalBytes(stripZeros(got), stripZeros(nonce))) throw pkiErrors.tsaFailed(source, 'nonce mismatch');
  return der(resp.timeStampToken);
}

const stripZeros = (u: Uint8Array) => {
  let i = 0;
  while (i < u.length - 1 && u[i] === 0) i++;
  return u.subarray(i);
};

export interface TstInfoView {
  genTime: Date;
  imprint: Uint8Array;
  imprintHashOid: string;
  nonce?: Uint8Array;
  policy: string;
  serial: Uint8Array;
}

export function readTstInfo(token: pkijs.ContentInfo | pkijs.SignedData): TstInfoView {
  // A parsed SignedData is accepted too: parsing one with pkijs is a validation's costliest step.
  const sd = token instanceof pkijs.SignedData ? token : new pkijs.SignedData({ schema: token.content });
  if (sd.encapContentInfo.eContentType !== OID.tstInfo || !sd.encapContentInfo.eContent) throw new Error('not a TimeStampToken');
  const info = new pkijs.TSTInfo({ schema: parseDer(new Uint8Array(sd.encapContentInfo.eContent.getValue()), 'TSTInfo') });
  return {
    genTime: info.genTime,
    imprint: new Uint8Array(info.messageImprint.hashedMessage.valueBlock.valueHexView),
    imprintHashOid: info.messageImprint.hashAlgorithm.algorithmId,
    nonce: info.nonce ? new Uint8Array(info.nonce.valueBlock.valueHexView) : undefined,
    policy: info.policy,
    serial: new Uint8Array(info.serialNumber.valueBlock.valueHexView),
  };
}

/** A TSA reached over HTTP (RFC 3161 §3.4: POST application/timestamp-query). */
export class HttpTimestampAuthority implements TimestampAuthority {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 15_000,
  ) {}
  get name(): string {
    return this.url;
  }
  async timestamp(digest: Uint8Array): Promise<Uint8Array> {
    const nonce = randomBytes(8);
    let body: Uint8Array;
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: ab(timestampRequest(digest, nonce)),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw pkiErrors.tsaFailed(this.url, (e as Error).message);
    }
    return acceptTimestampResponse(body, digest, nonce, this.url);
  }
}

export interface DevTsa extends TimestampAuthority {
  /** Answers one DER TimeStampReq with a DER TimeStampResp, as the HTTP endpoint does. */
  respond(reqDer: Uint8Array): Promise<Uint8Array>;
  readonly certificate: Uint8Array;
}

/**
 * A development TSA signing with `key` (a certificate with the critical
 * timeStamping extended key usage). `clock` lets tests stamp in the past, e.g.
 * to prove a signature existed before its certificate expired.
 */
export function createDevTsa(key: Pick<IssuedKey, 'certificate' | 'privateKey'>, chain: Uint8Array[] = [], clock: () => Date = () => new Date()): DevTsa {
  const cert = pkijs.Certificate.fromBER(ab(key.certificate));
  const certs = [cert, ...chain.map((c) => pkijs.Certificate.fromBER(ab(c)))];

  async function grant(req: pkijs.TimeStampReq): Promise<Uint8Array> {
    if (req.messageImprint.hashAlgorithm.algorithmId !== OID.sha256 || req.messageImprint.hashedMessage.valueBlock.valueHexView.byteLength !== 32) {
      return reject(2, 'only SHA-256 imprints are accepted'); // 2 = rejection, with badAlg in spirit
    }
    // RFC 3161 allows fractions, but DER forbids trailing zeros in them; whole seconds avoid the question.
    const genTime = new Date(Math.floor(clock().getTime() / 1000) * 1000);
    const info = new pkijs.TSTInfo({
      version: 1,
      policy: req.reqPolicy ?? OID.devTsaPolicy,
      messageImprint: req.messageImprint,
      serialNumber: new asn1js.Integer({ valueHex: ab(randomBytes(16).map((b, i) => (i === 0 ? (b & 0x7f) | 0x10 : b))) }),
      genTime,
      accuracy: new pkijs.Accuracy({ seconds: 1 }),
      ordering: false,
      ...(req.nonce ? { nonce: req.nonce } : {}),
    });
    const eContent = der(info);
    const attrs = derSorted([contentTypeAttr(OID.tstInfo), messageDigestAttr(sha256(eContent)), signingCertificateV2Attr(key.certificate)]);
    const signature = new Uint8Array(
      await webcrypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key.privateKey, ab(signedAttrsForSigning(attrs))),
    );
    const signerInfo = new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      digestAlgorithm: SHA256_ALG(),
      signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: attrs }),
      signatureAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256WithRSA, algorithmParams: new asn1js.Null() }),
      signature: new asn1js.OctetString({ valueHex: ab(signature) }),
    });
    const sd = new pkijs.SignedData({
      version: 3,
      digestAlgorithms: [SHA256_ALG()],
      encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.tstInfo, eContent: new asn1js.OctetString({ valueHex: ab(eContent) }) }),
      signerInfos: [signerInfo],
      ...(req.certReq ? { certificates: certs } : {}),
    });
    const token = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
    return der(new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: 0 }), timeStampToken: token }));
  }

  function reject(status: number, text: string): Uint8Array {
    return der(new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status, statusStrings: [new asn1js.Utf8String({ value: text })] }) }));
  }

  const tsa: DevTsa = {
    name: 'congso dev TSA',
    certificate: key.certificate,
    async respond(reqDer) {
      let req: pkijs.TimeStampReq;
      try {
        req = new pkijs.TimeStampReq({ schema: parseDer(reqDer, 'TimeStampReq') });
      } catch {
        return reject(2, 'malformed request');
      }
      return grant(req);
    },
    async timestamp(digest) {
      const nonce = randomBytes(8);
      const resp = await tsa.respond(timestampRequest(digest, nonce));
      return acceptTimestampResponse(resp, digest, nonce, tsa.name);
    },
  };
  return tsa;
}

/** Serves `tsa` on 127.0.0.1 (a random port unless given) for tests, demos and `congso pki tsa`. */
export function serveTsa(tsa: DevTsa, port = 0, host = '127.0.0.1'): Promise<{ url: string; close(): Promise<void> }> {
  return serveDerEndpoint((b) => tsa.respond(b), 'application/timestamp-reply', '/tsr', port, host);
}
