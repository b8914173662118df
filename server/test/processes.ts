import type { ChildProcess } from 'node:child_process';

/** Helpers for tests that start congso as a separate process (and kill it). */

/** Waits until `${base}/api/health` answers 200; fails with the child's stderr if it exits first. */
export async function healthy(base: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; ) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${err}`);
    try {
      if ((await fetch(`${base}/api/health`)).status === 200) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy: ${err}`);
}

/** Resolves when the child has exited (at once if it already has). */
export const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r)));
