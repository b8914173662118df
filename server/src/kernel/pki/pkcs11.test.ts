import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { certifyPublicKey, issueCertificate, issueCrl } from './dev-ca.js';
import { openPkcs11Signer, parsePkcs11Spec, pkcs11GenerateRsaKey, pkcs11StoreCertificate } from './pkcs11.js';
import { decree30TextLines, signPdf } from './sign.js';
import { independentChecks, run, testPki, type TestPki } from './testing.js';
import { toPem } from './util.js';
import { validatePdf } from './validate.js';

/**
 * The organisation's key in an HSM: a SoftHSM 2 token made in a temporary
 * directory (SOFTHSM2_CONF), reached through the real PKCS#11 module. Keys are
 * generated inside the token (the HSM way) or imported from the dev CA.
 */

const MODULE = process.env.PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TOKEN = 'UBND tinh Ninh Binh';
const PIN = '246810';
let dir: string;
let pki: TestPki;
let source: Uint8Array;
let crl: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pkcs11-'));
  mkdirSync(path.join(dir, 'tokens'));
  writeFileSync(path.join(dir, 'softhsm2.conf'), `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  // Read by the module when it is first initialized, in this process and in the CLI children.
  process.env.SOFTHSM2_CONF = path.join(dir, 'softhsm2.conf');
  await run('softhsm2-util', ['--init-token', '--free', '--label', TOKEN, '--pin', PIN, '--so-pin', '13579']);
  pki = await testPki();
  source = new Uint8Array(await renderPdf(sampleSpec()));
  crl = await issueCrl(pki.ca, []);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PKCS#11 (SoftHSM 2)', () => {
  it('a key generated in the token, certified by the dev CA, signs B-T with the Decree 30 text box: TOTAL_PASSED, pdfsig, qpdf and openssl agree', async () => {
    const id = new Uint8Array([0x01]);
    const { spki } = await pkcs11GenerateRsaKey({ module: MODULE, token: TOKEN, pin: PIN, label: 'org-seal', id });
    const certificate = await certifyPublicKey(pki.ca, spki, { kind: 'organisation', subject: 'CN=UBND tỉnh Ninh Bình, O=UBND tỉnh Ninh Bình, C=VN' });
    await pkcs11StoreCertificate({ module: MODULE, token: TOKEN, pin: PIN, label: 'org-seal', id, certificate });

    const signer = await openPkcs11Signer({ module: MODULE, token: TOKEN, key: 'org-seal', pin: PIN, chain: [pki.ca.certificate] });
    try {
      expect(Buffer.from(signer.certificate).equals(Buffer.from(certificate))).toBe(true);
      const time = new Date();
      const signed = await signPdf(source, {
        signer,
        tsa: pki.tsa,
        signingTime: time,
        appearance: { kind: 'text', lines: decree30TextLines({ organisation: 'UBND tỉnh Ninh Bình', number: '12/QĐ-UBND', time }) },
      });
      // Two signatures from the same open session, one after the other and concurrently.
      const [again] = await Promise.all([signPdf(signed.bytes, { signer }), signer.signHash(new Uint8Array(32), 'SHA-256')]);
      await independentChecks(again.bytes, dir, pki.ca.certificate);
      const report = await validatePdf(again.bytes, { trustRoots: [pki.ca.certificate], crls: [crl] });
      expect(report.signatures.map((s) => `${s.level} ${s.indication}`)).toEqual(['B-T TOTAL_PASSED', 'B-B TOTAL_PASSED']);
      expect(report.signatures[0]!.signer?.subject).toContain('UBND tỉnh Ninh Bình');
    } finally {
      await signer.close();
    }
  });

  it('`congso sign --pkcs11 MODULE:TOKEN:KEY` with the PIN from CONGSO_PKCS11_PIN signs with a dev-CA key imported into the token', async () => {
    const org = await issueCertificate(pki.ca, { kind: 'organisation', subject: 'CN=Sở Nội vụ tỉnh Ninh Bình, O=Sở Nội vụ tỉnh Ninh Bình, C=VN' });
    const keyPem = path.join(dir, 'org.key.pem');
    writeFileSync(keyPem, toPem('PRIVATE KEY', org.pkcs8));
    await run('softhsm2-util', ['--import', keyPem, '--token', TOKEN, '--label', 'so-noi-vu', '--id', '02', '--pin', PIN]);
    await pkcs11StoreCertificate({ module: MODULE, token: TOKEN, pin: PIN, label: 'so-noi-vu', id: new Uint8Array([0x02]), certificate: org.certificate });
    // The CA's certificate on the token too: the signer's chain comes from the token.
    await pkcs11StoreCertificate({ module: MODULE, token: TOKEN, pin: PIN, label: 'ca', id: new Uint8Array([0xca]), certificate: pki.ca.certificate });

    const input = path.join(dir, 'in.pdf');
    const output = path.join(dir, 'out-p11.pdf');
    writeFileSync(input, source);
    const env = { ...process.env, CONGSO_PKCS11_PIN: PIN };
    const { stdout } = await run(path.join(ROOT, 'bin/congso'), ['sign', input, output, '--pkcs11', `${MODULE}:${TOKEN}:so-noi-vu`, '--appearance', 'text', '--number', '05/SNV'], { cwd: ROOT, env, timeout: 60_000 });
    expect(stdout).toContain('Sở Nội vụ');
    const signed = new Uint8Array(readFileSync(output));
    await independentChecks(signed, dir, pki.ca.certificate);
    const report = await validatePdf(signed, { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0]!.chain.certificates.length).toBeGreaterThanOrEqual(2);

    // A wrong PIN: a catalogue error in Vietnamese, exit 1, nothing written.
    const bad = path.join(dir, 'bad-pin.pdf');
    const e = await run(path.join(ROOT, 'bin/congso'), ['sign', input, bad, '--pkcs11', `${MODULE}:${TOKEN}:so-noi-vu`], { cwd: ROOT, env: { ...env, CONGSO_PKCS11_PIN: '000000' }, timeout: 60_000 }).catch((x) => x);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('PKI_PKCS11_PIN');
    expect(e.stderr).toContain('Mã PIN');
    expect(existsSync(bad)).toBe(false);
    // No PIN at all and no terminal to ask on: a usage error, nothing written.
    const noPin = { ...process.env };
    delete noPin.CONGSO_PKCS11_PIN;
    const u = await run(path.join(ROOT, 'bin/congso'), ['sign', input, bad, '--pkcs11', `${MODULE}:${TOKEN}:so-noi-vu`], { cwd: ROOT, env: noPin, timeout: 60_000 }).catch((x) => x);
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('CONGSO_PKCS11_PIN');
    expect(existsSync(bad)).toBe(false);
  }, 180_000);

  it('refuses a wrong PIN, an unknown token or key, and a key without a certificate, with catalogue errors', async () => {
    await expect(openPkcs11Signer({ module: MODULE, token: TOKEN, key: 'org-seal', pin: '111111' })).rejects.toMatchObject({ code: 'PKI_PKCS11_PIN' });
    await expect(openPkcs11Signer({ module: MODULE, token: 'no such token', key: 'org-seal', pin: PIN })).rejects.toMatchObject({ code: 'PKI_PKCS11_NOT_FOUND' });
    await expect(openPkcs11Signer({ module: MODULE, token: TOKEN, key: 'nobody', pin: PIN })).rejects.toMatchObject({ code: 'PKI_PKCS11_NOT_FOUND' });
    await pkcs11GenerateRsaKey({ module: MODULE, token: TOKEN, pin: PIN, label: 'uncertified', id: new Uint8Array([0x03]) });
    await expect(openPkcs11Signer({ module: MODULE, token: TOKEN, key: 'uncertified', pin: PIN })).rejects.toMatchObject({ code: 'PKI_PKCS11_NOT_FOUND' });
    await expect(openPkcs11Signer({ module: '/nonexistent/libpkcs11.so', token: TOKEN, key: 'org-seal', pin: PIN })).rejects.toMatchObject({ code: 'PKI_PKCS11_FAILED' });
    // An encryption-only certificate on a token key is refused before anything is signed.
    const { spki } = await pkcs11GenerateRsaKey({ module: MODULE, token: TOKEN, pin: PIN, label: 'enc-only', id: new Uint8Array([0x04]) });
    const enc = await certifyPublicKey(pki.ca, spki, { kind: 'encryption', subject: 'CN=Mã hóa, C=VN' });
    await pkcs11StoreCertificate({ module: MODULE, token: TOKEN, pin: PIN, label: 'enc-only', id: new Uint8Array([0x04]), certificate: enc });
    const signer = await openPkcs11Signer({ module: MODULE, token: TOKEN, key: 'enc-only', pin: PIN });
    try {
      await expect(signPdf(source, { signer })).rejects.toMatchObject({ code: 'PKI_KEY_USAGE' });
    } finally {
      await signer.close();
    }
  });

  it('parses MODULE:TOKEN:KEY with colons in the module path', () => {
    expect(parsePkcs11Spec('/usr/lib/softhsm/libsofthsm2.so:UBND:org')).toEqual({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'UBND', key: 'org' });
    expect(parsePkcs11Spec('C:/hsm/p11.dll:T:K')).toEqual({ module: 'C:/hsm/p11.dll', token: 'T', key: 'K' });
    expect(parsePkcs11Spec('nolabels')).toBeNull();
  });
});
