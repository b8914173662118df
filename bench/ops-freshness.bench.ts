import { randomUUID } from 'node:crypto';
import { ctxFor } from '../server/test/auth.js';
import { systemCtx } from '../server/src/kernel/context.js';
import { act, createDraft, saveDraft, submitDraft } from '../server/src/modules/services/dossier.service.js';
import { dashboard } from '../server/src/modules/operations/live.service.js';
import { benchKernel, result } from './lib.js';

/**
 * How stale the operations centre is: the time from a dossier's state change
 * (a leader approves it: the result is ready, the dossier is finished) being
 * committed to the first province screen that counts it, read through the
 * route's service while the outbox worker runs as in production
 * (JOBS_POLL_MS, default 500 ms) — under a steady write load (desk clients
 * submitting and receiving new dossiers, each feeding the same projection
 * through the outbox), against the same measure with no load, same run.
 * Target: p95 ≤ 2 s.
 */

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default async function opsFreshness(args: string[]) {
  const samples = Number(args[0] ?? 30);
  const clients = Number(process.env.BENCH_CLIENTS ?? 4);
  const b = await benchKernel({ seed: true, env: { DATABASE_POOL_MAX: '10' } });
  try {
    const k = b.k;
    const desk = await ctxFor(k, 'motcua@ninhbinh.gov.vn');
    const specialist = await ctxFor(k, 'chuyenvien.stp@ninhbinh.gov.vn');
    const leader = await ctxFor(k, 'giamdoc.stp@ninhbinh.gov.vn');
    const reader = systemCtx('bench');
    const form = { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Bổ sung hồ sơ xin việc' };
    const received = async (i: number) => {
      const d = await createDraft(k, desk, { procedureCode: '2.000488' });
      await saveDraft(k, desk, d.id, { version: d.version, applicant: { name: `Người nộp ${i}`, phone: '0912345678' }, forms: { to_khai: form } });
      return (await submitDraft(k, desk, d.id, { channel: 'desk' }, `bench-${randomUUID()}`)).dossier.id;
    };
    // Dossiers waiting for the leader's approval, one per sample (and the idle run's).
    const ready: string[] = [];
    for (let i = 0; i < 2 * samples; i++) {
      const id = await received(i);
      await act(k, specialist, id, 'process', {}, `bench-${randomUUID()}`);
      ready.push(id);
    }
    await k.outbox.drain();
    k.outbox.start(b.config.JOBS_POLL_MS, b.config.JOBS_LANES);

    const finished = async () => (await dashboard(k, reader, {})).figures.find((f) => f.key === 'dossiers.finished')!.value!;
    /** Approves one dossier and reads the screen until it counts it: ms from the commit. */
    const once = async (id: string) => {
      const before = await finished();
      await act(k, leader, id, 'approve', {}, `bench-${randomUUID()}`);
      const t0 = performance.now();
      for (;;) {
        if ((await finished()) > before) return performance.now() - t0;
        if (performance.now() - t0 > 30_000) throw new Error(`dossier ${id} not counted after 30 s`);
        await sleep(20);
      }
    };

    const idle: number[] = [];
    for (let i = 0; i < samples; i++) idle.push(await once(ready[i]!));

    // The steady write load: desk clients filing and receiving dossiers back to back.
    let stop = false;
    let written = 0;
    const t0 = performance.now();
    const load = Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        await received(1_000_000 + c * 100_000 + i);
        written++;
      }
    });
    await sleep(2_000);
    const loaded: number[] = [];
    for (let i = samples; i < 2 * samples; i++) {
      loaded.push(await once(ready[i]!));
      await sleep(100);
    }
    stop = true;
    await Promise.all(load);
    const rate = written / ((performance.now() - t0) / 1000);
    await k.outbox.stop();
    console.log(`idle: p95 ${p95(idle).toFixed(0)} ms (outbox poll ${b.config.JOBS_POLL_MS} ms)`);
    console.log(`under ${clients} desk clients writing ${rate.toFixed(1)} received dossiers/s: p95 ${p95(loaded).toFixed(0)} ms, max ${Math.max(...loaded).toFixed(0)} ms`);
    return result('ops-freshness', 'p95_ms', p95(loaded), p95(idle), 'ms');
  } finally {
    await b.close();
  }
}
