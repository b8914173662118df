/**
 * pdf-verify: `congso verify` on a twice-signed 1 MB, 20-page PDF against
 * poppler's `pdfsig` on the same file, whole process each (what an operator or
 * a script pays). Target: congso within 2× of pdfsig.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueCrl } from '../server/src/kernel/pki/dev-ca.js';
import { signPdf } from '../server/src/kernel/pki/sign.js';
import { bigPdf, run, testPki } from '../server/src/kernel/pki/testing.js';
import { toPem } from '../server/src/kernel/pki/util.js';
import { result } from './lib.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function pdfVerify(): Promise<object> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-bench-verify-'));
  try {
    const pki = await testPki();
    const once = await signPdf(await bigPdf(20, 1024 * 1024), { signer: pki.signer(pki.official), tsa: pki.tsa });
    const twice = await signPdf(once.bytes, { signer: pki.signer(pki.organisation), tsa: pki.tsa });
    const file = path.join(dir, 'twice.pdf');
    writeFileSync(file, twice.bytes);
    writeFileSync(path.join(dir, 'ca.pem'), toPem('CERTIFICATE', pki.ca.certificate));
    writeFileSync(path.join(dir, 'crl.der'), await issueCrl(pki.ca, []));
    const congso = ['verify', file, '--trust', path.join(dir, 'ca.pem'), '--crl', path.join(dir, 'crl.der')];
    const n = 10;
    const time = async (cmd: string, args: string[]) => {
      await run(cmd, args); // warm the page cache
      const t = performance.now();
      for (let i = 0; i < n; i++) await run(cmd, args);
      return (performance.now() - t) / n / 1000;
    };
    // The first run also builds the lean bundle (bin/pki.mjs) if the sources changed; `time` warms up first.
    const ours = await time(path.join(ROOT, 'bin/congso'), congso);
    const pdfsig = await time('pdfsig', [file]);
    // The floor for any Node.js command: starting a bare `node` that does nothing.
    const node = await time(process.execPath, ['-e', '0']);
    console.error(`congso verify ${ours.toFixed(3)} s, pdfsig ${pdfsig.toFixed(3)} s, bare node ${node.toFixed(3)} s per run`);
    const r2 = (x: number) => Math.round(x * 1000) / 1000;
    return { ...result('pdf-verify', 'congso verify vs pdfsig, whole process, twice-signed 1 MB PDF', ours, pdfsig, 's'), node_bare_s: r2(node), congso_s: r2(ours), pdfsig_s: r2(pdfsig), ratio_to_bare_node: Math.round((ours / node) * 100) / 100 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
