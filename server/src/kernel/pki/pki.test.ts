import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { exportP12, issueCertificate, issueCrl } from './dev-ca.js';
import { loadP12 } from './keys.js';
import { serveTsa, HttpTimestampAuthority } from './tsa.js';
import { run, testPki, type TestPki } from './testing.js';
import { sha256, toPem } from './util.js';

/** The dev CA and TSA, checked by OpenSSL rather than by ourselves. */

let pki: TestPki;
let dir: string;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pki-'));
  writeFileSync(path.join(dir, 'ca.pem'), toPem('CERTIFICATE', pki.ca.certificate));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dev CA', () => {
  it('issues an official certificate OpenSSL verifies, with digitalSignature + nonRepudiation', async () => {
    writeFileSync(path.join(dir, 'official.pem'), toPem('CERTIFICATE', pki.official.certificate));
    const { stdout } = await run('openssl', ['verify', '-CAfile', path.join(dir, 'ca.pem'), path.join(dir, 'official.pem')]);
    expect(stdout).toContain('OK');
    const { stdout: text } = await run('openssl', ['x509', '-in', path.join(dir, 'official.pem'), '-noout', '-ext', 'keyUsage', '-subject', '-nameopt', 'utf8']);
    expect(text).toContain('Digital Signature, Non Repudiation');
    expect(text).toContain('Nguyễn Văn An');
  });

  it('writes a PKCS#12 that OpenSSL opens with the password and refuses without it', async () => {
    const p12 = path.join(dir, 'o.p12');
    writeFileSync(p12, await exportP12(pki.official, [pki.ca.certificate], 'Mat-khau 2026!', 2048));
    const { stdout } = await run('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:Mat-khau 2026!', '-nokeys', '-clcerts']);
    expect(stdout).toContain('BEGIN CERTIFICATE');
    await expect(run('openssl', ['pkcs12', '-in', p12, '-passin', 'pass:wrong', '-nokeys'])).rejects.toThrow();
  });

  it('issues a CRL listing the revoked serial, signed by the CA', async () => {
    const crl = path.join(dir, 'crl.der');
    writeFileSync(crl, await issueCrl(pki.ca, [{ serial: pki.organisation.serial, date: new Date('2026-01-02T03:04:05Z') }]));
    const { stdout } = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', path.join(dir, 'ca.pem'), '-noout', '-text']);
    expect(stdout.toLowerCase()).toContain(pki.organisation.serial);
    const { stderr } = await run('openssl', ['crl', '-inform', 'DER', '-in', crl, '-CAfile', path.join(dir, 'ca.pem'), '-noout']);
    expect(stderr).toContain('verify OK');
  });
});

describe('PKCS#12 import', () => {
  it('opens a file OpenSSL wrote (legacy and modern encodings) and picks the certificate that matches the key', async () => {
    const key = path.join(dir, 'k.pem');
    const cert = path.join(dir, 'c.pem');
    writeFileSync(key, toPem('PRIVATE KEY', pki.official.pkcs8));
    writeFileSync(cert, toPem('CERTIFICATE', pki.official.certificate));
    for (const extra of [[], ['-legacy']]) {
      const out = path.join(dir, `ossl${extra.length}.p12`);
      // The CA certificate first, to prove we do not just take the first one.
      await run('openssl', ['pkcs12', '-export', ...extra, '-inkey', key, '-in', cert, '-certfile', path.join(dir, 'ca.pem'), '-passout', 'pass:pw', '-out', out]);
      const { readFileSync } = await import('node:fs');
      const s = await loadP12(readFileSync(out), 'pw');
      expect(Buffer.from(s.certificate).equals(Buffer.from(pki.official.certificate))).toBe(true);
      expect(s.chain).toHaveLength(1);
    }
  });

  it('refuses a wrong password with PKI_P12_PASSWORD and garbage with PKI_P12_INVALID', async () => {
    const p12 = await exportP12(pki.official, [], 'right', 2048);
    const wrong = await loadP12(p12, 'wrong').catch((e) => e);
    expect(wrong).toBeInstanceOf(AppError);
    expect(wrong.code).toBe('PKI_P12_PASSWORD');
    await expect(exportP12(pki.official, [], 'mật khẩu')).rejects.toMatchObject({ code: 'PKI_UNSUPPORTED' });
    const junk = await loadP12(new Uint8Array([1, 2, 3, 4]), 'x').catch((e) => e);
    expect(junk.code).toBe('PKI_P12_INVALID');
  });
});

describe('dev TSA', () => {
  it('answers an OpenSSL request over HTTP with a response `openssl ts -verify` accepts', async () => {
    const server = await serveTsa(pki.tsa);
    try {
      writeFileSync(path.join(dir, 'data.txt'), 'nội dung cần đóng dấu thời gian');
      await run('openssl', ['ts', '-query', '-data', path.join(dir, 'data.txt'), '-sha256', '-cert', '-out', path.join(dir, 'q.tsq')]);
      const { readFileSync } = await import('node:fs');
      const res = await fetch(server.url, { method: 'POST', body: readFileSync(path.join(dir, 'q.tsq')), headers: { 'content-type': 'application/timestamp-query' } });
      expect(res.headers.get('content-type')).toBe('application/timestamp-reply');
      writeFileSync(path.join(dir, 'r.tsr'), new Uint8Array(await res.arrayBuffer()));
      const { stdout } = await run('openssl', ['ts', '-verify', '-in', path.join(dir, 'r.tsr'), '-queryfile', path.join(dir, 'q.tsq'), '-CAfile', path.join(dir, 'ca.pem')]);
      expect(stdout).toContain('Verification: OK');
      // And our own client gets a token for the digest it asked about.
      const token = await new HttpTimestampAuthority(server.url).timestamp(sha256(new Uint8Array([1, 2, 3])));
      expect(token.length).toBeGreaterThan(1000);
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable TSA as PKI_TSA_FAILED', async () => {
    const e = await new HttpTimestampAuthority('http://127.0.0.1:9/tsr', 2000).timestamp(sha256(new Uint8Array([1]))).catch((x) => x);
    expect(e.code).toBe('PKI_TSA_FAILED');
  });

  it('refuses a TSA certificate from another CA when the key is issued for encryption only', async () => {
    const enc = await issueCertificate(pki.ca, { kind: 'encryption', subject: 'CN=Mã hóa, C=VN' });
    const { checkSigningCertificate } = await import('./keys.js');
    expect(() => checkSigningCertificate(enc.certificate, new Date())).toThrow(expect.objectContaining({ code: 'PKI_KEY_USAGE' }));
  });
});
