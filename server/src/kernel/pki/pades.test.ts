import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDF, PdfDict, PdfName, PdfNumber, PdfString, rgb } from '@libpdf/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { createDevCa, issueCertificate, issueCrl } from './dev-ca.js';
import { signerFromPkcs8 } from './keys.js';
import { decree30TextLines, signPdf } from './sign.js';
import { createDevTsa, serveTsa, HttpTimestampAuthority } from './tsa.js';
import { extractSignatures, independentChecks, run, testPki, testPng, type TestPki } from './testing.js';
import { validatePdf, type ValidationReport } from './validate.js';

/**
 * The corpus of DOMAIN.md §4 / issue 4, generated here: every PDF congso signs
 * must pass pdfsig, qpdf --check and openssl cms -verify; every damaged or
 * doubtful one must get the indication EU DSS would give it.
 */

let pki: TestPki;
let dir: string;
let source: Uint8Array;
let goodCrl: Uint8Array;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pades-'));
  source = new Uint8Array(await renderPdf(sampleSpec()));
  goodCrl = await issueCrl(pki.ca, []);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trust = () => ({ trustRoots: [pki.ca.certificate], crls: [goodCrl] });
const only = (r: ValidationReport) => {
  expect(r.signatures).toHaveLength(1);
  return r.signatures[0]!;
};

async function leaderThenClerk(): Promise<{ once: Uint8Array; twice: Uint8Array }> {
  const once = await signPdf(source, {
    signer: pki.signer(pki.official),
    tsa: pki.tsa,
    reason: 'Phê duyệt',
    appearance: { kind: 'image', image: testPng('signature') },
    placement: { page: 3, x: 330, y: 200, width: 160, height: 80 },
  });
  // The seal over the left third of the leader's signature image (Decree 30, appendix I).
  const twice = await signPdf(once.bytes, {
    signer: pki.signer(pki.organisation),
    tsa: pki.tsa,
    reason: 'Ban hành',
    appearance: { kind: 'image', seal: testPng('seal') },
    placement: { page: 3, x: 330 - 40, y: 200, width: 80, height: 80 },
  });
  return { once: once.bytes, twice: twice.bytes };
}

describe('signing', () => {
  it('signs B-B: ETSI.CAdES.detached with signing-certificate-v2 and no signing-time, valid for pdfsig, qpdf and openssl', async () => {
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B' });
    expect(Buffer.from(r.bytes.subarray(0, source.length)).equals(Buffer.from(source))).toBe(true);
    const { pdfsig } = await independentChecks(r.bytes, dir, pki.ca.certificate);
    expect(pdfsig).toContain('ETSI.CAdES.detached');
    const [sig] = extractSignatures(r.bytes);
    writeFileSync(path.join(dir, 'bb.p7s'), sig!.cms);
    const { stdout } = await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'bb.p7s')]);
    expect(stdout).toContain('id-smime-aa-signingCertificateV2');
    expect(stdout).not.toContain('signingTime');
    expect(stdout).not.toContain('id-smime-aa-timeStampToken');
  });

  it('signs B-T through an HTTP TSA: the token is an unsigned attribute over the signature value', async () => {
    const server = await serveTsa(pki.tsa);
    try {
      const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-T', tsa: new HttpTimestampAuthority(server.url) });
      await independentChecks(r.bytes, dir, pki.ca.certificate);
      const [sig] = extractSignatures(r.bytes);
      writeFileSync(path.join(dir, 'bt.p7s'), sig!.cms);
      const { stdout } = await run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path.join(dir, 'bt.p7s')]);
      expect(stdout).toContain('id-smime-aa-timeStampToken');
      const s = only(await validatePdf(r.bytes, trust()));
      expect(s.level).toBe('B-T');
      expect(s.timestamp?.valid).toBe(true);
      expect(s.indication).toBe('TOTAL_PASSED');
    } finally {
      await server.close();
    }
  });

  it('adds the organisation signature as a second revision that leaves the leader\'s valid (pdfsig, qpdf, openssl on both)', async () => {
    const { once, twice } = await leaderThenClerk();
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
    const { pdfsig } = await independentChecks(twice, dir, pki.ca.certificate);
    expect(pdfsig).toContain('Signature #2');
    const r = await validatePdf(twice, trust());
    expect(r.signatures.map((s) => [s.signer?.commonName, s.indication, s.level])).toEqual([
      ['Nguyễn Văn An', 'TOTAL_PASSED', 'B-T'],
      ['Ủy ban nhân dân tỉnh Ninh Bình', 'TOTAL_PASSED', 'B-T'],
    ]);
    expect(r.signatures[0]!.modifications.kind).toBe('signatures');
    expect(r.signatures[0]!.integrity.coversWholeDocument).toBe(false);
    expect(r.signatures[1]!.integrity.coversWholeDocument).toBe(true);
    // The appearances are drawn where asked: page 4 has both widgets, page 1 none.
    const pdf = await PDF.load(twice);
    const annots = (p: number) => (pdf.getPage(p)!.dict.getArray('Annots', (ref) => pdf.getObject(ref))?.toArray() ?? []).map((a) => pdf.getObject(a as never) as PdfDict);
    expect(annots(3).map((a) => (a.get('FT') as PdfName).value)).toEqual(['Sig', 'Sig']);
    expect(annots(0)).toEqual([]);
    writeFileSync(path.join(dir, 'twice.pdf'), twice);
    await run('pdftoppm', ['-f', '4', '-l', '4', '-r', '30', '-png', path.join(dir, 'twice.pdf'), path.join(dir, 'twice')]);
  });

  it('draws the Decree 30 text box top right of page 1 with the ISO 8601 time in Vietnam time', async () => {
    const time = new Date('2026-11-23T02:30:00Z');
    const lines = decree30TextLines({ organisation: 'Sở Nội vụ tỉnh Ninh Bình', number: '123/SNV-VP', time });
    expect(lines.at(-1)).toBe('Thời gian ký: 2026-11-23T09:30:00+07:00');
    const r = await signPdf(source, { signer: pki.signer(pki.organisation), appearance: { kind: 'text', lines }, signingTime: time });
    await independentChecks(r.bytes, dir, pki.ca.certificate);
    const pdf = await PDF.load(r.bytes);
    const annots = pdf.getPage(0)!.dict.getArray('Annots', (ref) => pdf.getObject(ref))!.toArray();
    const widget = pdf.getObject(annots[0] as never) as PdfDict;
    const [x1, y1, x2, y2] = (widget.getArray('Rect')!.toArray() as PdfNumber[]).map((n) => n.value);
    const box = pdf.getPage(0)!.getMediaBox();
    expect(x2!).toBeGreaterThan(box.width - 60); // right edge near the right margin
    expect(y2!).toBeGreaterThan(box.height - 20); // top edge near the top
    expect(x1!).toBeGreaterThan(box.width / 2);
    expect(y1!).toBeGreaterThan(box.height - 100);
    // The appearance carries the text itself, in a font with Vietnamese glyphs.
    writeFileSync(path.join(dir, 'text.pdf'), r.bytes);
    const { stdout } = await run('pdftotext', ['-f', '1', '-l', '1', '-x', String(Math.floor(x1!)), '-y', '0', '-W', '600', '-H', '80', path.join(dir, 'text.pdf'), '-']);
    expect(stdout).toContain('2026-11-23T09:30:00+07:00');
  });
});

describe('validation corpus', () => {
  it('B-B without a timestamp is reported as B-B (not B-T) and passes with the CA trusted and a CRL', async () => {
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B', crls: [goodCrl] });
    const s = only(await validatePdf(r.bytes, { trustRoots: [pki.ca.certificate] }));
    expect([s.format, s.level, s.timestamp]).toEqual(['PAdES-BASELINE-B', 'B-B', null]);
    expect(s.revocation).toMatchObject({ status: 'good', source: 'embedded' });
    expect(s.indication).toBe('TOTAL_PASSED');
    expect(s.signer?.commonName).toBe('Nguyễn Văn An');
    expect(s.chain.trusted).toBe(true);
  });

  it('without revocation data: INDETERMINATE / TRY_LATER', async () => {
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B' });
    const s = only(await validatePdf(r.bytes, { trustRoots: [pki.ca.certificate] }));
    expect([s.indication, s.subIndication]).toEqual(['INDETERMINATE', 'TRY_LATER']);
  });

  it('content altered inside the signed range: TOTAL_FAILED / HASH_FAILURE', async () => {
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B' });
    const bytes = Buffer.from(r.bytes);
    const at = bytes.indexOf('Producer', 0, 'latin1');
    expect(at).toBeGreaterThan(0);
    bytes.write('Pr0ducer', at, 'latin1');
    const s = only(await validatePdf(new Uint8Array(bytes), trust()));
    expect([s.indication, s.subIndication]).toEqual(['TOTAL_FAILED', 'HASH_FAILURE']);
    expect(s.integrity.digestMatches).toBe(false);
  });

  it('signature bytes altered: TOTAL_FAILED / SIG_CRYPTO_FAILURE', async () => {
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B' });
    const [sig] = extractSignatures(r.bytes);
    // The RSA signature value is the last 256 bytes of a B-B CMS (no unsigned attributes follow it).
    const value = Buffer.from(sig!.cms.subarray(sig!.cms.length - 256)).toString('hex').toUpperCase();
    const text = Buffer.from(r.bytes).toString('latin1');
    const at = text.toUpperCase().indexOf(value, sig!.byteRange[1]);
    expect(at).toBeGreaterThan(0);
    const bytes = Buffer.from(r.bytes);
    bytes.write(bytes[at + 10] === 0x30 ? '1' : '0', at + 10, 'latin1');
    const s = only(await validatePdf(new Uint8Array(bytes), trust()));
    expect([s.indication, s.subIndication]).toEqual(['TOTAL_FAILED', 'SIG_CRYPTO_FAILURE']);
    expect(s.integrity.digestMatches).toBe(true);
  });

  it('untrusted root: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND', async () => {
    const other = await createDevCa({ name: 'CN=Another Root, C=VN' });
    const r = await signPdf(source, { signer: pki.signer(pki.official), level: 'B-B' });
    const s = only(await validatePdf(r.bytes, { trustRoots: [other.certificate], crls: [goodCrl] }));
    expect([s.indication, s.subIndication]).toEqual(['INDETERMINATE', 'NO_CERTIFICATE_CHAIN_FOUND']);
  });

  it('revoked before signing: TOTAL_FAILED / REVOKED with a timestamp, INDETERMINATE / REVOKED_NO_POE without', async () => {
    const revokedKey = await issueCertificate(pki.ca, { kind: 'official', subject: 'CN=Trần Thị Bình, C=VN' });
    const crl = await issueCrl(pki.ca, [{ serial: revokedKey.serial, date: new Date(Date.now() - 3600_000) }]);
    const signer = signerFromPkcs8(revokedKey.pkcs8, revokedKey.certificate, [pki.ca.certificate]);
    const bt = only(await validatePdf((await signPdf(source, { signer, tsa: pki.tsa })).bytes, { trustRoots: [pki.ca.certificate], crls: [crl] }));
    expect([bt.indication, bt.subIndication, bt.revocation.status]).toEqual(['TOTAL_FAILED', 'REVOKED', 'revoked']);
    const bb = only(await validatePdf((await signPdf(source, { signer, level: 'B-B' })).bytes, { trustRoots: [pki.ca.certificate], crls: [crl] }));
    expect([bb.indication, bb.subIndication]).toEqual(['INDETERMINATE', 'REVOKED_NO_POE']);
    expect(bb.message.vi).toContain('thu hồi');
  });

  it('revoked after a timestamped signature: still TOTAL_PASSED, with a warning', async () => {
    const k = await issueCertificate(pki.ca, { kind: 'official', subject: 'CN=Lê Văn Cường, C=VN' });
    const signed = await signPdf(source, { signer: signerFromPkcs8(k.pkcs8, k.certificate), tsa: pki.tsa });
    const crl = await issueCrl(pki.ca, [{ serial: k.serial, date: new Date(Date.now() + 60_000) }]);
    const s = only(await validatePdf(signed.bytes, { trustRoots: [pki.ca.certificate], crls: [crl], now: new Date(Date.now() + 120_000) }));
    expect(s.indication).toBe('TOTAL_PASSED');
    expect(s.warnings.some((w) => w.en.includes('revoked'))).toBe(true);
  });

  it('expired certificate: INDETERMINATE / OUT_OF_BOUNDS_NO_POE at B-B; TOTAL_PASSED at B-T with a timestamp inside its validity', async () => {
    const ca = await createDevCa({ notBefore: new Date('2019-01-01T00:00:00Z'), years: 20 });
    const k = await issueCertificate(ca, { kind: 'official', subject: 'CN=Phạm Văn Dũng, C=VN', notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
    const tsaKey = await issueCertificate(ca, { kind: 'tsa', subject: 'CN=TSA 2020, C=VN', notBefore: new Date('2019-06-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') });
    const pastTsa = createDevTsa(tsaKey, [ca.certificate], () => new Date('2020-06-01T10:00:00Z'));
    const signer = signerFromPkcs8(k.pkcs8, k.certificate, [ca.certificate]);
    const crl = await issueCrl(ca, []);
    const opts = { trustRoots: [ca.certificate], crls: [crl] };
    const bb = only(await validatePdf((await signPdf(source, { signer, level: 'B-B', signingTime: new Date('2020-06-01T09:59:00Z') })).bytes, opts));
    expect([bb.indication, bb.subIndication]).toEqual(['INDETERMINATE', 'OUT_OF_BOUNDS_NO_POE']);
    const bt = only(await validatePdf((await signPdf(source, { signer, tsa: pastTsa, signingTime: new Date('2020-06-01T09:59:00Z') })).bytes, opts));
    expect(bt.timestamp?.time).toBe('2020-06-01T10:00:00.000Z');
    expect([bt.indication, bt.bestSignatureTime]).toEqual(['TOTAL_PASSED', '2020-06-01T10:00:00.000Z']);
    // Signing with it today is refused up front.
    await expect(signPdf(source, { signer, level: 'B-B' })).rejects.toMatchObject({ code: 'PKI_CERT_NOT_VALID' });
  });

  it('a later revision that redraws a signed page: TOTAL_FAILED / FORMAT_FAILURE naming the page; an added annotation only warns', async () => {
    const { twice } = await leaderThenClerk();
    // Third revision: someone appends text to page 1's content.
    const pdf = await PDF.load(twice);
    pdf.getPage(0)!.drawText('ĐÃ SỬA', { x: 100, y: 400, size: 30, color: rgb(1, 0, 0) });
    const tampered = await pdf.save({ incremental: true });
    expect(Buffer.from(tampered.subarray(0, twice.length)).equals(Buffer.from(twice))).toBe(true);
    const r = await validatePdf(tampered, trust());
    for (const s of r.signatures) {
      expect([s.indication, s.subIndication]).toEqual(['TOTAL_FAILED', 'FORMAT_FAILURE']);
      expect(s.modifications.pagesChanged).toEqual([1]);
      expect(s.integrity.digestMatches && s.integrity.signatureValid).toBe(true);
      expect(s.message.vi).toContain('trang 1');
    }
    // A reviewer's note added after signing changes no page content.
    const noted = await PDF.load(twice);
    noted.getPage(1)!.addTextAnnotation({ rect: { x: 50, y: 50, width: 20, height: 20 }, contents: 'Đã xem' } as never);
    const r2 = await validatePdf(await noted.save({ incremental: true }), trust());
    expect(r2.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    expect(r2.signatures[1]!.modifications.kind).toBe('annotations');
  });
});

describe('bad input', () => {
  it('refuses malformed, encrypted, too large, JavaScript and embedded files with catalogue errors', async () => {
    const signer = pki.signer(pki.official);
    const code = (p: Promise<unknown>) => p.then(() => 'signed', (e) => e.code);
    expect(await code(signPdf(new TextEncoder().encode('not a pdf at all'), { signer }))).toBe('PKI_PDF_MALFORMED');
    expect(await code(signPdf(source, { signer, maxBytes: 1000 }))).toBe('PKI_PDF_TOO_LARGE');

    writeFileSync(path.join(dir, 'plain.pdf'), source);
    await run('qpdf', ['--encrypt', 'u', 'o', '256', '--', path.join(dir, 'plain.pdf'), path.join(dir, 'enc.pdf')]);
    const { readFileSync } = await import('node:fs');
    expect(await code(signPdf(readFileSync(path.join(dir, 'enc.pdf')), { signer }))).toBe('PKI_PDF_ENCRYPTED');

    const js = await PDF.load(source);
    js.getCatalog().set('OpenAction', PdfDict.of({ S: PdfName.of('JavaScript'), JS: PdfString.fromString('app.alert(1)') }));
    const jsBytes = await js.save();
    const e = await signPdf(jsBytes, { signer }).catch((x) => x);
    expect(e.code).toBe('PKI_PDF_ACTIVE_CONTENT');
    expect(e.params.what).toContain('JavaScript');

    const att = await PDF.load(source);
    await att.attachments.add('payload.txt', new TextEncoder().encode('x'));
    expect(await code(signPdf(await att.save(), { signer }))).toBe('PKI_PDF_ACTIVE_CONTENT');

    const enc = await issueCertificate(pki.ca, { kind: 'encryption', subject: 'CN=Chỉ mã hóa, C=VN' });
    expect(await code(signPdf(source, { signer: signerFromPkcs8(enc.pkcs8, enc.certificate) }))).toBe('PKI_KEY_USAGE');
    expect(await code(signPdf(source, { signer, level: 'B-T' }))).toBe('PKI_UNSUPPORTED');
    expect(await code(signPdf(source, { signer, appearance: { kind: 'image', image: new Uint8Array(100) } }))).toBe('PKI_APPEARANCE_IMAGE');
  });

  it('reports JavaScript in a signed PDF when validating, and a PDF without signatures as PKI_NO_SIGNATURE', async () => {
    const js = await PDF.load(source);
    js.getCatalog().set('OpenAction', PdfDict.of({ S: PdfName.of('JavaScript'), JS: PdfString.fromString('app.alert(1)') }));
    const signedJs = await signPdf(await js.save(), { signer: pki.signer(pki.official) }).catch((e) => e);
    expect(signedJs.code).toBe('PKI_PDF_ACTIVE_CONTENT');
    // A signed document that gets JavaScript afterwards: reported, and the change is not on a page.
    const signed = await signPdf(source, { signer: pki.signer(pki.official), crls: [goodCrl] });
    const later = await PDF.load(signed.bytes);
    later.getCatalog().set('OpenAction', PdfDict.of({ S: PdfName.of('JavaScript'), JS: PdfString.fromString('app.alert(1)') }));
    const r = await validatePdf(await later.save({ incremental: true }), trust());
    expect(r.documentWarnings[0]?.vi).toContain('JavaScript');
    await expect(validatePdf(source, trust())).rejects.toMatchObject({ code: 'PKI_NO_SIGNATURE' });
  });
});
