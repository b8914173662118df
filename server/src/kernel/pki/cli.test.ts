import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF, PdfDict, PdfName, PdfString } from '@libpdf/core';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { exportP12, issueCertificate } from './dev-ca.js';
import { independentChecks, run, testPki } from './testing.js';
import { fromPemOrDer } from './util.js';

/** The operator's path, as child processes: dev CA, TSA over HTTP, sign twice, verify. */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const congso = (args: string[]) => run(path.join(ROOT, 'bin/congso'), args, { cwd: ROOT, timeout: 60_000 });
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pki-cli-'));
  writeFileSync(path.join(dir, 'in.pdf'), await renderPdf(sampleSpec()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('congso pki / sign / verify', () => {
  it('dev-ca, then the leader signs B-T through `congso pki tsa`, the clerk adds the organisation\'s text signature, verify passes both', async () => {
    const ca = path.join(dir, 'ca');
    await congso(['pki', 'dev-ca', '--out', ca, '--password', 'pw-2026']);
    // Demo appearance images come with the dev CA, generated (not shipped as binaries).
    for (const png of ['chu-ky.png', 'con-dau.png']) expect(readFileSync(path.join(ca, png)).subarray(1, 4).toString('latin1')).toBe('PNG');
    const tsa = run(path.join(ROOT, 'bin/congso'), ['pki', 'tsa', '--dir', ca, '--password', 'pw-2026', '--port', '31899'], { cwd: ROOT, timeout: 60_000 });
    try {
      // Wait until the TSA answers.
      for (let i = 0; i < 100; i++) {
        const ok = await fetch('http://127.0.0.1:31899/tsr').then(() => true, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await congso(['sign', path.join(dir, 'in.pdf'), path.join(dir, 'one.pdf'), '--p12', path.join(ca, 'signer.p12'), '--password', 'pw-2026', '--level', 'B-T', '--tsa', 'http://127.0.0.1:31899/tsr', '--reason', 'Phê duyệt']);
    } finally {
      tsa.child.kill('SIGTERM');
      await tsa.catch(() => undefined);
    }
    await congso(['sign', path.join(dir, 'one.pdf'), path.join(dir, 'two.pdf'), '--p12', path.join(ca, 'org.p12'), '--password', 'pw-2026', '--appearance', 'text', '--number', '12/QĐ-UBND']);
    const two = new Uint8Array(readFileSync(path.join(dir, 'two.pdf')));
    await independentChecks(two, dir, fromPemOrDer(readFileSync(path.join(ca, 'ca.pem'), 'utf8'), 'CERTIFICATE')[0]!);

    const { stdout } = await congso(['verify', path.join(dir, 'two.pdf'), '--trust', path.join(ca, 'ca.pem'), '--crl', path.join(ca, 'crl.der')]);
    expect(stdout).toContain('2 chữ ký');
    expect(stdout.match(/CHỮ KÝ HỢP LỆ \(TOTAL_PASSED\)/g)).toHaveLength(2);
    expect(stdout).toContain('mức B-T');
    const { stdout: json } = await congso(['verify', path.join(dir, 'two.pdf'), '--trust', path.join(ca, 'ca.pem'), '--crl', path.join(ca, 'crl.pem'), '--json']);
    const report = JSON.parse(json);
    expect(report.signatures.map((s: { level: string; indication: string }) => `${s.level} ${s.indication}`)).toEqual(['B-T TOTAL_PASSED', 'B-B TOTAL_PASSED']);
  }, 180_000);

  it('without the trust root, verify exits 1 and says why in Vietnamese; a wrong password is a catalogue error', async () => {
    const ca = path.join(dir, 'ca');
    const e = await congso(['verify', path.join(dir, 'two.pdf')]).catch((x) => x);
    expect(e.code).toBe(1);
    expect(e.stdout).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    expect(e.stdout).toContain('không dẫn tới một tổ chức chứng thực gốc được tin cậy');
    // Without a usable cache for the lean bundle, the same command runs through tsx and says so.
    const slow = await run(path.join(ROOT, 'bin/congso'), ['verify', path.join(dir, 'two.pdf')], { cwd: ROOT, timeout: 120_000, env: { ...process.env, CONGSO_PKI_CACHE: '/dev/null/cache' } }).catch((x) => x);
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('running through tsx');
    expect(slow.stdout).toContain('NO_CERTIFICATE_CHAIN_FOUND');
    const w = await congso(['sign', path.join(dir, 'in.pdf'), path.join(dir, 'x.pdf'), '--p12', path.join(ca, 'signer.p12'), '--password', 'sai']).catch((x) => x);
    expect(w.code).toBe(1);
    expect(w.stderr).toContain('Mật khẩu tệp PKCS#12 không đúng');
  }, 180_000);

  it('refuses bad input with a clear catalogue error and writes nothing: encrypted, JavaScript, embedded file, huge, wrong password, encryption-only certificate', async () => {
    const ca = path.join(dir, 'ca');
    const source = readFileSync(path.join(dir, 'in.pdf'));
    const bad = path.join(dir, 'bad');
    await run('qpdf', ['--encrypt', 'u', 'o', '256', '--', path.join(dir, 'in.pdf'), `${bad}-encrypted.pdf`]);
    const js = await PDF.load(source);
    js.getCatalog().set('OpenAction', PdfDict.of({ S: PdfName.of('JavaScript'), JS: PdfString.fromString('app.alert(1)') }));
    writeFileSync(`${bad}-js.pdf`, await js.save());
    const att = await PDF.load(source);
    await att.attachments.add('payload.exe', new TextEncoder().encode('MZ'));
    writeFileSync(`${bad}-attachment.pdf`, await att.save());
    writeFileSync(`${bad}-huge.pdf`, Buffer.concat([source, Buffer.alloc(51 * 1024 * 1024, 0x20)]));
    writeFileSync(`${bad}-notpdf.pdf`, 'hello');
    const pki = await testPki();
    const enc = await issueCertificate(pki.ca, { kind: 'encryption', subject: 'CN=Chỉ mã hóa, C=VN' });
    writeFileSync(path.join(dir, 'enc.p12'), await exportP12(enc, [pki.ca.certificate], 'pw-2026'));

    const p12 = ['--p12', path.join(ca, 'org.p12'), '--password', 'pw-2026'];
    const cases: [string, string[], string, string][] = [
      [`${bad}-encrypted.pdf`, p12, 'PKI_PDF_ENCRYPTED', 'mã hóa'],
      [`${bad}-js.pdf`, p12, 'PKI_PDF_ACTIVE_CONTENT', 'JavaScript'],
      [`${bad}-attachment.pdf`, p12, 'PKI_PDF_ACTIVE_CONTENT', 'Không ký tệp PDF'],
      [`${bad}-huge.pdf`, p12, 'PKI_PDF_TOO_LARGE', 'quá lớn'],
      [`${bad}-notpdf.pdf`, p12, 'PKI_PDF_MALFORMED', 'không phải PDF'],
      [path.join(dir, 'in.pdf'), ['--p12', path.join(ca, 'org.p12'), '--password', 'wrong'], 'PKI_P12_PASSWORD', 'Mật khẩu'],
      [path.join(dir, 'in.pdf'), ['--p12', path.join(dir, 'enc.p12'), '--password', 'pw-2026'], 'PKI_KEY_USAGE', 'không được phép dùng để ký'],
    ];
    for (const [i, [input, key, code, words]] of cases.entries()) {
      const out = path.join(dir, `refused-${i}.pdf`);
      const e = await congso(['sign', input, out, ...key]).then(() => ({ code: 0, stderr: 'signed' }), (x) => x);
      expect(e.code, code).toBe(1);
      expect(e.stderr).toContain(code);
      expect(e.stderr).toContain(words);
      expect(existsSync(out)).toBe(false);
    }
  }, 240_000);
});
