/**
 * Entry of the V8 startup snapshot for `congso verify` (bin/pki.mjs builds it
 * with `node --build-snapshot` from a CommonJS bundle of this file, and
 * bin/congso runs `node --snapshot-blob` on it): validation's libraries are
 * already loaded and initialised in the snapshot, so a run starts at the work.
 */
import { startupSnapshot } from 'node:v8';
import { reportErrors, verify } from './verify-cli.js';

startupSnapshot.setDeserializeMainFunction(() => {
  // `node --snapshot-blob BLOB verify FILE …`: argv is [node, 'verify', FILE, …].
  const args = process.argv.slice(process.argv[1] === 'verify' ? 2 : 1);
  reportErrors(() => verify(args)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
});
