import { createHash } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { DevCa, Revocation } from './dev-ca.js';
import * as x509 from './x509.js';
import { serveDerEndpoint } from './dev-http.js';
import { ab, der, equalBytes } from './util.js';

/**
 * OCSP (RFC 6960): the revocation answer for one certificate, asked of the
 * responder its certificate names (Authority Information Access). Validation
 * uses it when a certificate names a responder and no CRL answered; the dev CA
 * runs a responder so tests and demos take the same path real certificates take.
 * Requests use SHA-1 CertIDs, as RFC 5019 (the profile CAs serve at scale) asks.
 */

const BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const DAY = 86_400_000;
/** Responders' and our clocks differ; RFC 5019 §4 leaves the tolerance to the client. */
const SKEW_MS = 5 * 60_000;
const MAX_RESPONSE_BYTES = 1024 * 1024;

const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', '', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

export interface OcspStatus {
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: string;
  /** When the responder signed the answer. */
  producedAt: Date;
  thisUpdate: Date;
  nextUpdate?: Date;
}

/** The responder URL the certificate names, if any. */
export function ocspUrlOf(cert: x509.X509Certificate): string | null {
  const aia = cert.getExtension(x509.AuthorityInfoAccessExtension);
  const name = aia?.ocsp.find((g) => g.type === 'url');
  return name ? String(name.value) : null;
}

const pk = (c: x509.X509Certificate) => pkijs.Certificate.fromBER(c.rawData);

/** A DER OCSPRequest for `cert`, whose issuer is `issuer`. */
export async function ocspRequest(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<Uint8Array> {
  const req = new pkijs.OCSPRequest();
  await req.createForCertificate(pk(cert), { hashAlgorithm: 'SHA-1', issuerCertificate: pk(issuer) });
  return new Uint8Array(req.toSchema(true).toBER(false));
}

/** POSTs the request to the responder (RFC 6960 appendix A.1) with a time limit and a size cap. */
export async function fetchOcsp(url: string, request: Uint8Array, timeoutMs = 5000): Promise<Uint8Array> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
    body: ab(request),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`OCSP responder answered HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > MAX_RESPONSE_BYTES) throw new Error('OCSP response too large');
  return body;
}

/**
 * Reads a DER OCSPResponse about `cert`: checks the responder's status, that
 * the answer is signed by the issuer itself or by a responder the issuer
 * delegated (id-kp-OCSPSigning), that it speaks of this certificate, and that
 * it is current at `at`. Throws an Error saying why an answer cannot be used.
 */
export async function readOcspResponse(response: Uint8Array, cert: x509.X509Certificate, issuer: x509.X509Certificate, at = new Date()): Promise<OcspStatus> {
  let resp: pkijs.OCSPResponse;
  try {
    resp = pkijs.OCSPResponse.fromBER(ab(response));
  } catch {
    throw new Error('not an OCSP response');
  }
  const code = resp.responseStatus.valueBlock.valueDec;
  if (code !== 0) throw new Error(`responder refused (status ${code})`);
  if (!resp.responseBytes || resp.responseBytes.responseType !== BASIC) throw new Error('not a basic OCSP response');
  const basic = pkijs.BasicOCSPResponse.fromBER(ab(new Uint8Array(resp.responseBytes.response.valueBlock.valueHexView)));

  const engine = pkijs.getCrypto(true);
  const signedWith = (c: pkijs.Certificate) =>
    engine.verifyWithPublicKey(ab(basic.tbsResponseData.tbsView), basic.signature, c.subjectPublicKeyInfo, basic.signatureAlgorithm).catch(() => false);
  const issuerPk = pk(issuer);
  let signedBy: pkijs.Certificate | null = null;
  if (await signedWith(issuerPk)) signedBy = issuerPk;
  else {
    for (const c of basic.certs ?? []) {
      const delegate = new x509.X509Certificate(c.toSchema().toBER(false));
      const eku = delegate.getExtension(x509.ExtendedKeyUsageExtension);
      if (!eku?.usages.includes(OCSP_SIGNING)) continue;
      if (delegate.issuer !== issuer.subject || !(await delegate.verify({ publicKey: issuer.publicKey, signatureOnly: true }))) continue;
      if (at.getTime() < delegate.notBefore.getTime() - SKEW_MS || at > delegate.notAfter) continue;
      if (await signedWith(c)) {
        signedBy = c;
        break;
      }
    }
  }
  if (!signedBy) throw new Error('the answer is not signed by the issuer or a responder it authorised');

  const ids = new Map<string, pkijs.CertID>();
  for (const single of basic.tbsResponseData.responses) {
    const alg = single.certID.hashAlgorithm.algorithmId;
    let id = ids.get(alg);
    if (!id) {
      const name = engine.getAlgorithmByOID(alg, true, 'CertID.hashAlgorithm').name as string;
      id = await pkijs.CertID.create(pk(cert), { hashAlgorithm: name, issuerCertificate: issuerPk });
      ids.set(alg, id);
    }
    if (!single.certID.isEqual(id)) continue;
    const thisUpdate = single.thisUpdate;
    const nextUpdate = single.nextUpdate;
    if (thisUpdate.getTime() > at.getTime() + SKEW_MS) throw new Error('the answer is dated in the future');
    if (nextUpdate && nextUpdate.getTime() < at.getTime() - SKEW_MS) throw new Error('the answer has expired');
    const base = { producedAt: basic.tbsResponseData.producedAt, thisUpdate, ...(nextUpdate ? { nextUpdate } : {}) };
    const st = single.certStatus as asn1js.BaseBlock & { valueBlock: { value?: asn1js.BaseBlock[] } };
    if (st.idBlock.tagNumber === 0) return { status: 'good', ...base };
    if (st.idBlock.tagNumber === 1) {
      const parts = st.valueBlock.value ?? [];
      const time = parts[0] as asn1js.GeneralizedTime | undefined;
      const reasonTag = parts[1] as asn1js.Constructed | undefined;
      const reasonCode = (reasonTag?.valueBlock.value[0] as asn1js.Enumerated | undefined)?.valueBlock.valueDec;
      return { status: 'revoked', ...(time ? { revokedAt: time.toDate() } : {}), ...(reasonCode !== undefined ? { reason: REASONS[reasonCode] || 'unspecified' } : {}), ...base };
    }
    return { status: 'unknown', ...base };
  }
  throw new Error('the answer is about another certificate');
}

/** Asks the responder `cert` names; null when it names none. */
export async function ocspStatus(cert: x509.X509Certificate, issuer: x509.X509Certificate, opts: { at?: Date; timeoutMs?: number; fetcher?: typeof fetchOcsp } = {}): Promise<(OcspStatus & { url: string }) | null> {
  const url = ocspUrlOf(cert);
  if (!url) return null;
  const body = await (opts.fetcher ?? fetchOcsp)(url, await ocspRequest(cert, issuer), opts.timeoutMs);
  return { ...(await readOcspResponse(body, cert, issuer, opts.at)), url };
}

export interface DevOcspResponder {
  /** Answers a DER OCSPRequest with a DER OCSPResponse signed by the CA. */
  respond(request: Uint8Array): Promise<Uint8Array>;
}

/**
 * The dev CA's responder: answers for certificates it issued, revoked if
 * `revoked()` lists the serial, good otherwise; unknown for another issuer.
 */
export function createDevOcspResponder(ca: DevCa, revoked: () => Revocation[], clock: () => Date = () => new Date()): DevOcspResponder {
  const caPk = pkijs.Certificate.fromBER(ab(ca.certificate));
  const nameHash = createHash('sha1').update(new Uint8Array(caPk.subject.toSchema().toBER(false))).digest();
  const keyHash = createHash('sha1').update(caPk.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView).digest();
  const refuse = (status: number) => der(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) }));
  const serialHex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/^0+/, '');

  return {
    async respond(request) {
      let req: pkijs.OCSPRequest;
      try {
        req = pkijs.OCSPRequest.fromBER(ab(request));
      } catch {
        return refuse(1); // malformedRequest
      }
      const now = clock();
      const responses = req.tbsRequest.requestList.map(({ reqCert }) => {
        const ours = reqCert.hashAlgorithm.algorithmId === '1.3.14.3.2.26'
          && equalBytes(new Uint8Array(reqCert.issuerNameHash.valueBlock.valueHexView), nameHash)
          && equalBytes(new Uint8Array(reqCert.issuerKeyHash.valueBlock.valueHexView), keyHash);
        const serial = serialHex(new Uint8Array(reqCert.serialNumber.valueBlock.valueHexView));
        const entry = ours ? revoked().find((r) => r.serial.toLowerCase().replace(/^0+/, '') === serial) : undefined;
        const certStatus = !ours
          ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } })
          : entry
            ? new asn1js.Constructed({
              idBlock: { tagClass: 3, tagNumber: 1 },
              value: [
                new asn1js.GeneralizedTime({ valueDate: entry.date }),
                new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: entry.reason ?? 1 })] }),
              ],
            })
            : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
        return new pkijs.SingleResponse({ certID: reqCert, certStatus, thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY) });
      });
      if (!responses.length) return refuse(1);
      const basic = new pkijs.BasicOCSPResponse({
        tbsResponseData: new pkijs.ResponseData({ responderID: caPk.subject, producedAt: now, responses }),
        certs: [caPk],
      });
      await basic.sign(ca.privateKey, 'SHA-256');
      return der(new pkijs.OCSPResponse({
        responseStatus: new asn1js.Enumerated({ value: 0 }),
        responseBytes: new pkijs.ResponseBytes({ responseType: BASIC, response: new asn1js.OctetString({ valueHex: ab(der(basic)) }) }),
      }));
    },
  };
}

/** Serves the dev responder; certificates issued with `ocspUrl` set to its url are answered by it. */
export function serveOcsp(responder: DevOcspResponder, port = 0, host = '127.0.0.1') {
  return serveDerEndpoint((b) => responder.respond(b), 'application/ocsp-response', '/ocsp', port, host);
}
