import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { issueCertificate, issueCrl, type IssuedKey, type Revocation } from './dev-ca.js';
import { createDevOcspResponder, serveOcsp } from './ocsp.js';
import { signPdf } from './sign.js';
import { testPki, type TestPki } from './testing.js';
import { validatePdf } from './validate.js';
import * as x509 from './x509.js';

/**
 * Revocation by OCSP (issue 4: "CRL; OCSP when the certificate names one"): a
 * signer's certificate names the dev CA's responder and no CRL is at hand.
 */

let pki: TestPki;
let source: Uint8Array;
const revoked: Revocation[] = [];
let responder: { url: string; close(): Promise<void> };

beforeAll(async () => {
  pki = await testPki();
  source = new Uint8Array(await renderPdf(sampleSpec()));
  responder = await serveOcsp(createDevOcspResponder(pki.ca, () => revoked));
});
afterAll(() => responder.close());

const signedBy = async (key: IssuedKey) => (await signPdf(source, { signer: pki.signer(key), level: 'B-T', tsa: pki.tsa, reason: 'Phê duyệt' })).bytes;
const official = (name: string, ocspUrl: string) => issueCertificate(pki.ca, { kind: 'official', subject: `CN=${name}, O=UBND tỉnh Ninh Bình, C=VN`, ocspUrl });

describe('validation with OCSP', () => {
  it('offline it cannot tell (TRY_LATER); online the responder says good and the signature passes', async () => {
    const pdf = await signedBy(await official('Nguyễn Thị Hạnh', responder.url));
    const offline = (await validatePdf(pdf, { trustRoots: [pki.ca.certificate] })).signatures[0]!;
    expect([offline.indication, offline.subIndication]).toEqual(['INDETERMINATE', 'TRY_LATER']);

    const online = (await validatePdf(pdf, { trustRoots: [pki.ca.certificate], ocsp: {} })).signatures[0]!;
    expect([online.indication, online.subIndication]).toEqual(['TOTAL_PASSED', null]);
    expect(online.revocation).toMatchObject({ status: 'good', source: 'ocsp', responder: responder.url });
    expect(Date.parse(online.revocation.producedAt!)).toBeGreaterThan(0);
  });

  it('a certificate revoked before the proven signing time fails; revoked after it passes with a warning', async () => {
    const before = await official('Trần Văn Khoa', responder.url);
    const pdfBefore = await signedBy(before);
    revoked.push({ serial: before.serial, date: new Date(Date.now() - 3600_000), reason: x509.X509CrlReason.keyCompromise });
    const r1 = (await validatePdf(pdfBefore, { trustRoots: [pki.ca.certificate], ocsp: {} })).signatures[0]!;
    expect([r1.indication, r1.subIndication]).toEqual(['TOTAL_FAILED', 'REVOKED']);
    expect(r1.revocation).toMatchObject({ status: 'revoked', reason: 'keyCompromise', source: 'ocsp' });

    const after = await official('Lê Thị Lan', responder.url);
    const pdfAfter = await signedBy(after);
    revoked.push({ serial: after.serial, date: new Date(Date.now() + 1000) });
    const r2 = (await validatePdf(pdfAfter, { trustRoots: [pki.ca.certificate], ocsp: {}, now: new Date(Date.now() + 60_000) })).signatures[0]!;
    expect(r2.indication).toBe('TOTAL_PASSED');
    expect(r2.warnings.map((w) => w.en).join(' ')).toMatch(/revoked at .* after the proven signing time/);
  });

  it('a responder that does not answer leaves the signature INDETERMINATE and says so', async () => {
    const down = await serveOcsp(createDevOcspResponder(pki.ca, () => []));
    const url = down.url;
    await down.close();
    const pdf = await signedBy(await official('Phạm Văn Minh', url));
    const r = (await validatePdf(pdf, { trustRoots: [pki.ca.certificate], ocsp: { timeoutMs: 2000 } })).signatures[0]!;
    expect([r.indication, r.subIndication]).toEqual(['INDETERMINATE', 'TRY_LATER']);
    expect(r.warnings.map((w) => w.vi).join(' ')).toContain('Không dùng được câu trả lời OCSP');
  });

  it('a CRL, when there is one, answers first and no responder is asked', async () => {
    let asked = 0;
    const pdf = await signedBy(await official('Vũ Thị Ngọc', responder.url));
    const r = (await validatePdf(pdf, { trustRoots: [pki.ca.certificate], crls: [await issueCrl(pki.ca, [])], ocsp: { fetcher: async () => { asked++; throw new Error('not expected'); } } })).signatures[0]!;
    expect(r.indication).toBe('TOTAL_PASSED');
    expect(r.revocation.source).toBe('supplied');
    expect(asked).toBe(0);
  });
});
