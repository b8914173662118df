import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ctxFor } from '../server/test/auth.js';
import { createDraft, saveDraft, submitDraft } from '../server/src/modules/services/dossier.service.js';
import { benchKernel, result } from './lib.js';

/**
 * Dossiers/s for the full submission at the one-stop desk — lock the draft,
 * validate forms (JSON Schema) and attachments, resolve the handling agency,
 * next code of the day, open the case (action log, pinned definition), dossier
 * row and files, audit entry, outbox event, then receive it at once (second
 * action, SLA clock and appointment date from the calendar, 766 rollup) — at
 * 16 concurrent clients, against single-row INSERTs/s into a plain table over
 * the same pool, 16 concurrent clients, same run. Target ratio ≥ 0.25.
 */

async function concurrently<T>(items: T[], clients: number, fn: (x: T) => Promise<void>): Promise<number> {
  let i = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
  return (performance.now() - t0) / 1000;
}

export default async function dossierSubmit(args: string[]) {
  const n = Number(args[0] ?? 2000);
  const clients = Number(process.env.BENCH_CLIENTS ?? 16);
  const b = await benchKernel({ seed: true, env: { DATABASE_POOL_MAX: '10' } });
  try {
    const desk = await ctxFor(b.k, 'motcua@ninhbinh.gov.vn');
    const form = { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Bổ sung hồ sơ xin việc' };
    const drafts: string[] = [];
    for (let i = 0; i < n; i++) {
      const d = await createDraft(b.k, desk, { procedureCode: '2.000488' });
      await saveDraft(b.k, desk, d.id, { version: d.version, applicant: { name: `Người nộp ${i}`, phone: '0912345678' }, forms: { to_khai: form } });
      drafts.push(d.id);
    }
    await sql`ANALYZE`.execute(b.k.db);

    await sql`CREATE TABLE bench_plain (id bigserial PRIMARY KEY, code text NOT NULL, at timestamptz NOT NULL DEFAULT now())`.execute(b.k.db);
    const rows = Array.from({ length: n * 5 }, (_, i) => i);
    const baseSeconds = await concurrently(rows, clients, async (i) => {
      await sql`INSERT INTO bench_plain (code) VALUES (${`HS-${i}`})`.execute(b.k.db);
    });
    const baseline = rows.length / baseSeconds;

    const seconds = await concurrently(drafts, clients, async (id) => {
      await submitDraft(b.k, desk, id, { channel: 'desk' }, `bench-${randomUUID()}`);
    });
    const value = n / seconds;
    const made = (await sql<{ n: number; codes: number; received: number }>`
      SELECT count(*)::int AS n, count(DISTINCT code)::int AS codes, count(*) FILTER (WHERE received_at IS NOT NULL AND due_at IS NOT NULL)::int AS received FROM dossier`.execute(b.k.db)).rows[0]!;
    if (made.n !== n || made.codes !== n || made.received !== n) throw new Error(`expected ${n} received dossiers with distinct codes, got ${JSON.stringify(made)}`);
    console.log(`plain single-row INSERTs, ${clients} clients: ${baseline.toFixed(0)} rows/s`);
    console.log(`desk submissions (validate, code, case, audit, outbox, receive with appointment), ${clients} clients: ${value.toFixed(1)} dossiers/s (${n} in ${seconds.toFixed(1)} s)`);
    return result('dossier-submit', 'dossiers_per_second', value, baseline, 'dossiers/s');
  } finally {
    await b.close();
  }
}
