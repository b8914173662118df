/**
 * pdf-sign: PAdES B-B signatures per second on a 1 MB, 20-page PDF with a
 * software key, against `openssl cms -sign` of the same bytes in the same run
 * (a whole OpenSSL process per signature, as an operator's script would run
 * it). Also reports B-T with the in-process dev TSA.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { signPdf } from '../server/src/kernel/pki/sign.js';
import { bigPdf, independentChecks, run, testPki } from '../server/src/kernel/pki/testing.js';
import { toPem } from '../server/src/kernel/pki/util.js';
import { result } from './lib.js';

export default async function pdfSign(): Promise<object> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-sign-'));
  try {
    const pki = await testPki();
    const source = await bigPdf(20, 1024 * 1024);
    const signer = pki.signer(pki.official);
    const n = 20;

    await signPdf(source, { signer, level: 'B-B' }); // warm-up
    let t = performance.now();
    let last: Uint8Array = source;
    for (let i = 0; i < n; i++) last = (await signPdf(source, { signer, level: 'B-B' })).bytes;
    const bbPerSec = n / ((performance.now() - t) / 1000);
    await independentChecks(last, dir, pki.ca.certificate); // what we timed is a valid signature

    t = performance.now();
    for (let i = 0; i < n; i++) await signPdf(source, { signer, level: 'B-T', tsa: pki.tsa });
    const btPerSec = n / ((performance.now() - t) / 1000);

    const data = path.join(dir, 'in.pdf');
    writeFileSync(data, source);
    writeFileSync(path.join(dir, 'cert.pem'), toPem('CERTIFICATE', pki.official.certificate));
    writeFileSync(path.join(dir, 'key.pem'), toPem('PRIVATE KEY', pki.official.pkcs8));
    const args = ['cms', '-sign', '-binary', '-in', data, '-signer', path.join(dir, 'cert.pem'), '-inkey', path.join(dir, 'key.pem'), '-outform', 'DER', '-out', path.join(dir, 'out.p7s')];
    await run('openssl', args);
    t = performance.now();
    for (let i = 0; i < n; i++) await run('openssl', args);
    const opensslPerSec = n / ((performance.now() - t) / 1000);

    console.error(`B-B ${bbPerSec.toFixed(1)}/s, B-T ${btPerSec.toFixed(1)}/s, openssl cms -sign ${opensslPerSec.toFixed(1)}/s, PDF ${source.length} bytes`);
    return { ...result('pdf-sign', 'PAdES B-B signatures per second (1 MB, 20 pages)', bbPerSec, opensslPerSec, 'sig/s'), bt_per_s: Math.round(btPerSec * 100) / 100, pdf_bytes: source.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
