import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevCa, issueCertificate, type DevCa, type Revocation } from './dev-ca.js';
import { createDevOcspResponder, fetchOcsp, ocspRequest, ocspStatus, ocspUrlOf, readOcspResponse, serveOcsp } from './ocsp.js';
import { run } from './testing.js';
import { ab, toPem } from './util.js';
import * as x509 from './x509.js';

/** OCSP: our responder answered by OpenSSL's client, and our client reading our responder's and forged answers. */

let ca: DevCa;
let other: DevCa;
const revoked: Revocation[] = [];
let server: { url: string; close(): Promise<void> };
let dir: string;
const X = (d: Uint8Array) => new x509.X509Certificate(ab(d));

beforeAll(async () => {
  ca = await createDevCa();
  other = await createDevCa({ name: 'CN=Not our CA, C=VN' });
  server = await serveOcsp(createDevOcspResponder(ca, () => revoked));
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-ocsp-'));
  writeFileSync(path.join(dir, 'ca.pem'), toPem('CERTIFICATE', ca.certificate));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OCSP', () => {
  it('writes the responder into the certificate, and a certificate without one asks nobody', async () => {
    const named = await issueCertificate(ca, { kind: 'official', subject: 'CN=Trần Thị Bình, C=VN', ocspUrl: server.url });
    expect(ocspUrlOf(X(named.certificate))).toBe(server.url);
    const plain = await issueCertificate(ca, { kind: 'official', subject: 'CN=Lê Văn Cường, C=VN' });
    expect(await ocspStatus(X(plain.certificate), X(ca.certificate))).toBeNull();
  });

  it('answers good, then revoked with the time and reason once the CA revokes it; OpenSSL\'s client agrees', async () => {
    const key = await issueCertificate(ca, { kind: 'official', subject: 'CN=Phạm Văn Dũng, C=VN', ocspUrl: server.url });
    const cert = X(key.certificate);
    writeFileSync(path.join(dir, 'dung.pem'), toPem('CERTIFICATE', key.certificate));
    const openssl = () => run('openssl', ['ocsp', '-issuer', path.join(dir, 'ca.pem'), '-cert', path.join(dir, 'dung.pem'), '-url', server.url, '-CAfile', path.join(dir, 'ca.pem')]);

    const good = await ocspStatus(cert, X(ca.certificate));
    expect(good).toMatchObject({ status: 'good', url: server.url });
    const first = await openssl();
    expect(first.stdout).toContain('dung.pem: good');
    expect(first.stderr).toContain('Response verify OK');

    const when = new Date(Date.now() - 3600_000);
    revoked.push({ serial: key.serial, date: when, reason: x509.X509CrlReason.keyCompromise });
    const bad = await ocspStatus(cert, X(ca.certificate));
    expect(bad?.status).toBe('revoked');
    expect(Math.abs(bad!.revokedAt!.getTime() - when.getTime())).toBeLessThan(1000);
    expect(bad?.reason).toBe('keyCompromise');
    const { stdout, stderr } = await openssl();
    expect(stdout).toContain('dung.pem: revoked');
    expect(stdout).toContain('Reason: keyCompromise');
    expect(stderr).toContain('Response verify OK');
  });

  it('refuses answers it cannot rely on: signed by another CA, about another certificate, expired, garbage', async () => {
    const key = await issueCertificate(ca, { kind: 'official', subject: 'CN=Hoàng Thị Em, C=VN', ocspUrl: server.url });
    const cert = X(key.certificate);
    const issuer = X(ca.certificate);
    const req = await ocspRequest(cert, issuer);

    // A responder with its own CA answers for our certificate: the signature is not the issuer's.
    const forged = await createDevOcspResponder({ ...other, certificate: ca.certificate }, () => []).respond(req);
    await expect(readOcspResponse(forged, cert, issuer)).rejects.toThrow(/not signed by the issuer/);

    // A genuine answer about someone else's certificate.
    const someoneElse = await issueCertificate(ca, { kind: 'official', subject: 'CN=Vũ Văn Phúc, C=VN', ocspUrl: server.url });
    const theirs = await fetchOcsp(server.url, await ocspRequest(X(someoneElse.certificate), issuer));
    await expect(readOcspResponse(theirs, cert, issuer)).rejects.toThrow(/another certificate/);

    // Valid a day; read three days later it has expired.
    const answer = await fetchOcsp(server.url, req);
    await expect(readOcspResponse(answer, cert, issuer, new Date(Date.now() + 3 * 86_400_000))).rejects.toThrow(/expired/);
    expect((await readOcspResponse(answer, cert, issuer)).status).toBe('good');

    await expect(readOcspResponse(new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x01]), cert, issuer)).rejects.toThrow(/refused/);
    await expect(readOcspResponse(new TextEncoder().encode('<html>'), cert, issuer)).rejects.toThrow(/not an OCSP response/);
  });

  it('answers unknown for a certificate of another issuer, and refuses a malformed request', async () => {
    const stranger = await issueCertificate(other, { kind: 'official', subject: 'CN=Đỗ Văn Giang, C=VN', ocspUrl: server.url });
    // Our responder speaks for our CA only: asked about another issuer's certificate, it says "unknown".
    const raw = await createDevOcspResponder(ca, () => []).respond(await ocspRequest(X(stranger.certificate), X(other.certificate)));
    const resp = pkijs.OCSPResponse.fromBER(ab(raw));
    const basic = pkijs.BasicOCSPResponse.fromBER(ab(new Uint8Array(resp.responseBytes!.response.valueBlock.valueHexView)));
    expect(basic.tbsResponseData.responses[0]!.certStatus.idBlock.tagNumber).toBe(2);
    // And our client, reading it, finds no answer from the stranger's issuer.
    await expect(readOcspResponse(raw, X(stranger.certificate), X(other.certificate))).rejects.toThrow(/not signed by the issuer/);
    const malformed = await createDevOcspResponder(ca, () => []).respond(new Uint8Array([1, 2, 3]));
    await expect(readOcspResponse(malformed, X(stranger.certificate), X(other.certificate))).rejects.toThrow(/status 1/);
  });
});
