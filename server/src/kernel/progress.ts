import cliProgress from 'cli-progress';
import { AppError, messageOf } from './errors.js';

/**
 * A command-line job with a progress bar on stderr (also when not a TTY, at
 * most every 500 ms): `work` reports (done, total) and returns the summary line
 * printed at the end. A catalogue error is printed in Vietnamese with each
 * field's problem and gives exit code 1; anything else propagates.
 */
export async function withProgress(label: string, work: (progress: (done: number, total: number) => void) => Promise<string>): Promise<number> {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total}`, stream: process.stderr, noTTYOutput: true, notTTYSchedule: 500 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  try {
    const summary = await work((done, total) => {
      if (!started) bar.start(total, 0), (started = true);
      bar.update(done);
    });
    if (started) bar.stop();
    console.log(summary);
    return 0;
  } catch (e) {
    if (started) bar.stop();
    if (e instanceof AppError) {
      console.error(messageOf(e.code, e.params, 'vi'));
      for (const f of e.fields ?? []) console.error(`  ${f.field}: ${f.message}`);
      return 1;
    }
    throw e;
  }
}
