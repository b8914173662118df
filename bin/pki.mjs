// Lean launcher for `congso pki|sign|verify`: runs kernel/pki as one esbuild
// bundle (built on first use, rebuilt when a source it was built from changes),
// so these commands do not pay for tsx compiling TypeScript nor for loading the
// platform. The bundle lives in node_modules/.cache/congso-pki, next to the
// packages it leaves external (native addons, pdfkit's data files, fonts).
//
// `congso verify` goes one step further: a V8 startup snapshot (verify.blob,
// `node --build-snapshot` of a CommonJS bundle of kernel/pki/verify-snapshot.ts)
// holds validation's libraries already loaded, and bin/congso runs
// `node --snapshot-blob verify.blob` directly when the files listed in
// verify.inputs and the node binary are all older than it; otherwise it comes
// here, and this script (re)builds the snapshot before running the bundle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = process.env.CONGSO_PKI_CACHE ?? path.join(ROOT, 'node_modules', '.cache', 'congso-pki');
const ENTRY = path.join(ROOT, 'server', 'src', 'kernel', 'pki', 'main.ts');
const CURRENT = path.join(CACHE, 'current.json');
/** Not bundled: native addons and packages that read files next to their own code. */
const EXTERNAL = ['pkcs11js', 'pdfkit', 'sharp', '@expo-google-fonts/*', 'fontkit'];

function mtime(f) {
  try {
    return statSync(f).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** The bundle when every file it was built from is older than it; otherwise null. */
function fresh() {
  let cur;
  try {
    cur = JSON.parse(readFileSync(CURRENT, 'utf8'));
  } catch {
    return null;
  }
  const bundle = path.join(CACHE, cur.dir, 'main.js');
  if (!existsSync(bundle)) return null;
  for (const f of cur.inputs) if (mtime(path.join(ROOT, f)) > cur.builtAt) return null;
  return bundle;
}

async function build() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  const dir = `b-${builtAt.toString(36)}-${process.pid}`;
  const tmp = path.join(CACHE, `${dir}.tmp`);
  mkdirSync(tmp, { recursive: true });
  const r = await build({
    entryPoints: { main: ENTRY },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // CommonJS packages inside an ESM bundle call require(): give them one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    outExtension: { '.js': '.js' },
    // Less to read and parse at every start; identifiers are kept (libraries use class names).
    minifyWhitespace: true,
    minifySyntax: true,
    metafile: true,
    logLevel: 'error',
    absWorkingDir: ROOT,
  });
  writeFileSync(path.join(tmp, 'package.json'), '{"type":"module"}\n');
  renameSync(tmp, path.join(CACHE, dir));
  // Our own sources, and the lock file for the packages bundled in.
  const inputs = Object.keys(r.metafile.inputs).filter((f) => !f.includes('node_modules/'));
  inputs.push('package-lock.json', 'bin/pki.mjs');
  const next = path.join(CACHE, `current.${process.pid}.json`);
  writeFileSync(next, JSON.stringify({ dir, builtAt, inputs }));
  renameSync(next, CURRENT);
  // Older builds go once nothing can still be loading chunks from them (an hour is plenty).
  for (const old of readdirSync(CACHE)) {
    if (old.startsWith('b-') && old !== dir && mtime(path.join(CACHE, old)) < builtAt - 3_600_000) rmSync(path.join(CACHE, old), { recursive: true, force: true });
  }
  return path.join(CACHE, dir, 'main.js');
}

const SNAP = path.join(CACHE, 'verify.blob');
const SNAP_STATE = path.join(CACHE, 'verify.json');

/** Whether the verify snapshot, or the last failed attempt at one, is newer than every input (as bin/congso checks it). */
function snapshotCurrent() {
  let st;
  try {
    st = JSON.parse(readFileSync(SNAP_STATE, 'utf8'));
  } catch {
    return false;
  }
  if (st.ok && !existsSync(SNAP)) return false;
  if (mtime(process.execPath) > st.builtAt) return false;
  for (const f of st.inputs) if (mtime(path.join(ROOT, f)) > st.builtAt) return false;
  return true;
}

/** Builds verify.blob; a failure leaves a note (so it is not retried until an input changes) and the bundle is used. */
async function buildSnapshot() {
  const { build } = await import('esbuild');
  const builtAt = Date.now();
  mkdirSync(CACHE, { recursive: true });
  const cjs = path.join(CACHE, `verify.${process.pid}.cjs`);
  const tmpBlob = path.join(CACHE, `verify.${process.pid}.blob`);
  let inputs = ['package-lock.json', 'bin/pki.mjs', 'bin/congso'];
  let ok = false;
  try {
    const r = await build({
      entryPoints: [path.join(ROOT, 'server', 'src', 'kernel', 'pki', 'verify-snapshot.ts')],
      outfile: cjs,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minifyWhitespace: true,
      minifySyntax: true,
      metafile: true,
      logLevel: 'error',
      absWorkingDir: ROOT,
    });
    inputs = [...Object.keys(r.metafile.inputs).filter((f) => !f.includes('node_modules/')), ...inputs];
    const b = spawnSync(process.execPath, ['--snapshot-blob', tmpBlob, '--build-snapshot', cjs], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
    ok = b.status === 0 && existsSync(tmpBlob);
    if (ok) renameSync(tmpBlob, SNAP);
  } catch {
    ok = false;
  } finally {
    rmSync(cjs, { force: true });
    rmSync(tmpBlob, { force: true });
  }
  const next = path.join(CACHE, `verify.${process.pid}.json`);
  writeFileSync(next, JSON.stringify({ builtAt, ok, inputs }));
  renameSync(next, SNAP_STATE);
  // The list bin/congso reads: one path (from the repository's root) a line.
  const list = path.join(CACHE, `verify.${process.pid}.inputs`);
  writeFileSync(list, ok ? inputs.join('\n') + '\n' : '');
  renameSync(list, path.join(CACHE, 'verify.inputs'));
  if (!ok) rmSync(SNAP, { force: true });
}

if (process.argv[2] === 'verify' && !snapshotCurrent()) {
  try {
    await buildSnapshot();
  } catch {
    // no writable cache or no esbuild: the bundle (or tsx) below still verifies
  }
}

let bundle = fresh();
if (!bundle) {
  try {
    bundle = await build();
  } catch (e) {
    // No writable cache or no esbuild: run the TypeScript through tsx as before.
    process.stderr.write(`congso: lean bundle unavailable (${e.message}); running through tsx\n`);
    await import(pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'api', 'index.mjs')).href).then((m) => m.register());
    bundle = ENTRY;
  }
}
await import(pathToFileURL(bundle).href);
