import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { issueCrl } from './dev-ca.js';
import type { RemoteSigner } from './keys.js';
import { openCscSigner, serveCscService, type CscService } from './remote.js';
import { decree30TextLines, signPdf } from './sign.js';
import { independentChecks, run, testPki, type TestPki } from './testing.js';
import { validatePdf } from './validate.js';

/**
 * Remote signing (SIM-PKI / cloud signing shape, CSC API v2): a local signing
 * service runs as a real HTTP server on loopback; the client sends hashes and
 * gets signatures, the certificate chain comes from the service.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TOKEN = 'access-token-for-tests';
let pki: TestPki;
let service: CscService;
let dir: string;
let source: Uint8Array;
let crl: Uint8Array;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-remote-'));
  source = new Uint8Array(await renderPdf(sampleSpec()));
  crl = await issueCrl(pki.ca, []);
  const official = pki.signer(pki.official);
  // A service that answers with garbage: what the client must never write into a PDF.
  const broken: RemoteSigner = { ...official, signHash: async () => new Uint8Array(256).fill(7) };
  service = await serveCscService({
    accessToken: TOKEN,
    credentials: {
      'leader-sim': { signer: official, pin: '4321' },
      'org-cloud': { signer: pki.signer(pki.organisation) },
      broken: { signer: broken },
    },
  });
});
afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('remote signing (CSC API v2 shape)', () => {
  it('the leader signs through the service with a PIN, the organisation through another credential: both TOTAL_PASSED, pdfsig, qpdf, openssl agree', async () => {
    const before = service.signed;
    const leader = await openCscSigner({ baseUrl: service.url, credentialId: 'leader-sim', accessToken: TOKEN, pin: '4321' });
    // The certificate and its chain come from the service.
    expect(Buffer.from(leader.certificate).equals(Buffer.from(pki.official.certificate))).toBe(true);
    expect(leader.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(pki.ca.certificate).toString('hex')]);
    const once = await signPdf(source, { signer: leader, tsa: pki.tsa, reason: 'Phê duyệt' });
    const org = await openCscSigner({ baseUrl: service.url, credentialId: 'org-cloud', accessToken: TOKEN });
    const time = new Date();
    const twice = await signPdf(once.bytes, {
      signer: org,
      tsa: pki.tsa,
      signingTime: time,
      appearance: { kind: 'text', lines: decree30TextLines({ organisation: 'UBND tỉnh Ninh Bình', number: '7/UBND-VP', time }) },
    });
    expect(service.signed - before).toBe(2);
    const report = await validatePdf(twice.bytes, { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(report.signatures.map((s) => `${s.level} ${s.indication}`)).toEqual(['B-T TOTAL_PASSED', 'B-T TOTAL_PASSED']);
    await independentChecks(twice.bytes, dir, pki.ca.certificate);
  });

  it('refuses a wrong access token or PIN (PKI_REMOTE_SIGNER_AUTH), an unknown credential, and a replayed SAD', async () => {
    await expect(openCscSigner({ baseUrl: service.url, credentialId: 'org-cloud', accessToken: 'wrong' })).rejects.toMatchObject({ code: 'PKI_REMOTE_SIGNER_AUTH' });
    await expect(openCscSigner({ baseUrl: service.url, credentialId: 'nobody', accessToken: TOKEN })).rejects.toMatchObject({ code: 'PKI_REMOTE_SIGNER_FAILED' });
    const wrongPin = await openCscSigner({ baseUrl: service.url, credentialId: 'leader-sim', accessToken: TOKEN, pin: '0000' });
    await expect(signPdf(source, { signer: wrongPin })).rejects.toMatchObject({ code: 'PKI_REMOTE_SIGNER_AUTH' });

    const post = (m: string, body: object) =>
      fetch(`${service.url}/${m}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const hashes = [Buffer.alloc(32, 1).toString('base64')];
    const { SAD } = (await (await post('credentials/authorize', { credentialID: 'org-cloud', numSignatures: 1, hashes, hashAlgorithmOID: '2.16.840.1.101.3.4.2.1' })).json()) as { SAD: string };
    const sign = (h: string[]) => post('signatures/signHash', { credentialID: 'org-cloud', SAD, hashes: h, hashAlgorithmOID: '2.16.840.1.101.3.4.2.1', signAlgo: '1.2.840.113549.1.1.1' });
    // A SAD is bound to the hashes it authorised, and used once.
    expect((await sign([Buffer.alloc(32, 2).toString('base64')])).status).toBe(400);
    expect((await sign(hashes)).status).toBe(400);
  });

  it('a service that returns a wrong signature: PKI_REMOTE_SIGNER_FAILED, nothing signed', async () => {
    const broken = await openCscSigner({ baseUrl: service.url, credentialId: 'broken', accessToken: TOKEN });
    await expect(signPdf(source, { signer: broken })).rejects.toMatchObject({ code: 'PKI_REMOTE_SIGNER_FAILED' });
    await expect(openCscSigner({ baseUrl: 'http://127.0.0.1:9/csc/v2', credentialId: 'x', timeoutMs: 2000 })).rejects.toMatchObject({ code: 'PKI_REMOTE_SIGNER_FAILED' });
  });

  it('`congso sign --remote URL --credential ID` with CONGSO_REMOTE_TOKEN / CONGSO_REMOTE_PIN', async () => {
    const input = path.join(dir, 'in.pdf');
    const output = path.join(dir, 'remote.pdf');
    writeFileSync(input, source);
    const env = { ...process.env, CONGSO_REMOTE_TOKEN: TOKEN, CONGSO_REMOTE_PIN: '4321' };
    await run(path.join(ROOT, 'bin/congso'), ['sign', input, output, '--remote', service.url, '--credential', 'leader-sim', '--reason', 'Phê duyệt'], { cwd: ROOT, env, timeout: 120_000 });
    const report = await validatePdf(new Uint8Array(readFileSync(output)), { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
    const bad = path.join(dir, 'remote-bad.pdf');
    const e = await run(path.join(ROOT, 'bin/congso'), ['sign', input, bad, '--remote', service.url, '--credential', 'leader-sim'], { cwd: ROOT, env: { ...env, CONGSO_REMOTE_PIN: '1' }, timeout: 120_000 }).catch((x) => x);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain('PKI_REMOTE_SIGNER_AUTH');
    expect(existsSync(bad)).toBe(false);
  }, 180_000);
});
