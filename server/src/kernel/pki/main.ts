/**
 * Entry point of the lean command line for kernel/pki (`congso pki|sign|verify`):
 * bin/pki.mjs bundles this file with esbuild and runs the bundle, so these
 * commands load kernel/pki and its libraries and nothing else of the platform.
 */
import { runPkiCommand } from './cli.js';

const [cmd, ...args] = process.argv.slice(2);
runPkiCommand(cmd as 'pki' | 'sign' | 'verify', args).then(
  (code) => {
    // -1: a server (the dev TSA) keeps running.
    if (code >= 0) process.exit(code);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
