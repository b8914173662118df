import { sql } from 'kysely';
import { buildApp } from '../server/src/main.js';
import { benchKernel, result } from './lib.js';

/**
 * The province's Decision 766 page with 1,000,000 dossiers loaded (11 months
 * of 2026, 129 communes and the departments, the demo catalogue's sectors):
 * p95 latency of GET /api/index-766 for the year over HTTP, one request at a
 * time, against the naive aggregation — the same counts computed from every
 * dossier row with FILTERs, as a first version would — timed in the same run
 * on the same data. The rollups are what the dossiers' transactions would
 * have written, built here in one statement per counter group. Targets: p95 ≤ 100 ms
 * and naive ÷ ours ≥ 20 (the JSON line's ratio is ours ÷ naive, so ≤ 0.05).
 */

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

export default async function index766Bench(args: string[]) {
  const n = Number(args[0] ?? 1_000_000);
  const b = await benchKernel({ seed: true });
  try {
    const db = b.k.db;
    const t0 = performance.now();
    // Handling bodies: 129 communes (no agency) and the departments of the seed.
    await sql`CREATE TEMP TABLE h AS
      SELECT row_number() OVER () - 1 AS i, unit_path, agency_id FROM (
        SELECT '37.' || (13000 + g * 7)::text AS unit_path, NULL::uuid AS agency_id FROM generate_series(1, 129) g
        UNION ALL SELECT '37', id FROM agency WHERE kind = 'department') x`.execute(db);
    await sql`CREATE TEMP TABLE pr AS
      SELECT row_number() OVER () - 1 AS i, p.code, p.name, p.sector_code, p.online_level = 'full' AS full_online
        FROM procedure p`.execute(db);
    const hn = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM h`.execute(db)).rows[0]!.n;
    const pn = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pr`.execute(db)).rows[0]!.n;
    await sql`CREATE TEMP TABLE src AS
      SELECT gen_random_uuid() AS id, g,
             timestamptz '2026-01-01 08:00+07' + (random() * 325) * interval '1 day' AS received_at,
             (g % ${hn}) AS hi, (g * 7 % ${pn}) AS pi, random() AS r1, random() AS r2, random() AS r3
        FROM generate_series(1, ${n}) g`.execute(db);
    await sql`INSERT INTO case_file (id, type, state, unit_path, agency_id, definition, definition_key, definition_version, version, data, created_at, updated_at)
      SELECT s.id, 'services.dossier',
             CASE WHEN s.r1 < 0.9 THEN 'returned' WHEN s.r1 < 0.95 THEN 'processing' ELSE 'supplementing' END,
             h.unit_path, h.agency_id, '{}'::json, pr.code, 0, 3, '{}'::jsonb, s.received_at, s.received_at
        FROM src s JOIN h ON h.i = s.hi JOIN pr ON pr.i = s.pi`.execute(db);
    await sql`INSERT INTO dossier (id, code, procedure_code, procedure_version, procedure_name, agency_id, unit_path, handler_name, owner_id, applicant,
                                   channel, forms, fee_total, submitted_at, received_at, due_at, finished_at, returned_at, supplement_count,
                                   rating, sector_code, full_online, paid_online)
      SELECT s.id, 'B-' || s.g, pr.code, 1, pr.name, h.agency_id, h.unit_path, 'Cơ quan', NULL, '{"name":"Người nộp"}'::jsonb,
             CASE WHEN s.r2 < 0.6 THEN 'online' WHEN s.r2 < 0.95 THEN 'desk' ELSE 'post' END, '{}'::jsonb, 0,
             s.received_at, s.received_at, s.received_at + interval '5 days',
             CASE WHEN s.r1 < 0.9 THEN s.received_at + (s.r3 * 6) * interval '1 day' END,
             CASE WHEN s.r1 < 0.9 THEN s.received_at + (s.r3 * 6) * interval '1 day' END,
             CASE WHEN s.r3 < 0.05 THEN 1 WHEN s.r3 < 0.06 THEN 2 ELSE 0 END,
             CASE WHEN s.r1 < 0.9 AND s.r2 < 0.2 THEN 'satisfied' WHEN s.r1 < 0.9 AND s.r2 < 0.22 THEN 'unsatisfied' END,
             pr.sector_code, pr.full_online, false
        FROM src s JOIN h ON h.i = s.hi JOIN pr ON pr.i = s.pi`.execute(db);
    // The rollups the dossiers' transactions would have kept (dossier.service.ts: receive, finish, rate).
    const day = (col: string) => sql.raw(`(${col} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date`);
    await sql`INSERT INTO dossier_rollup (day, unit_path, agency_key, sector_code, received, received_online, full_online_total, full_online_online)
      SELECT ${day('received_at')}, unit_path, coalesce(agency_id::text, ''), sector_code, count(*), count(*) FILTER (WHERE channel = 'online'),
             count(*) FILTER (WHERE full_online), count(*) FILTER (WHERE full_online AND channel = 'online')
        FROM dossier GROUP BY 1, 2, 3, 4`.execute(db);
    await sql`INSERT INTO dossier_rollup AS r (day, unit_path, agency_key, sector_code, finished, finished_on_time, processing_seconds, rated, rated_unsatisfied)
      SELECT ${day('finished_at')}, unit_path, coalesce(agency_id::text, ''), sector_code, count(*),
             count(*) FILTER (WHERE supplement_count < 2 AND (due_at IS NULL OR finished_at <= due_at)),
             sum(extract(epoch FROM finished_at - received_at))::bigint,
             count(*) FILTER (WHERE rating IS NOT NULL), count(*) FILTER (WHERE rating = 'unsatisfied')
        FROM dossier WHERE finished_at IS NOT NULL GROUP BY 1, 2, 3, 4
      ON CONFLICT (day, unit_path, agency_key, sector_code, stripe) DO UPDATE SET finished = EXCLUDED.finished, finished_on_time = EXCLUDED.finished_on_time,
        processing_seconds = EXCLUDED.processing_seconds, rated = EXCLUDED.rated, rated_unsatisfied = EXCLUDED.rated_unsatisfied`.execute(db);
    await sql`INSERT INTO dossier_rollup_month
      SELECT date_trunc('month', day)::date, unit_path, agency_key, sum(received), sum(received_online), sum(full_online_total), sum(full_online_online),
             sum(finished), sum(finished_on_time), sum(processing_seconds), sum(e_result), sum(digitised), sum(fee_bearing), sum(paid_online),
             sum(rated), sum(rated_unsatisfied)
        FROM dossier_rollup GROUP BY 1, 2, 3`.execute(db);
    await sql`INSERT INTO dossier_open_by_due
      SELECT (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, d.unit_path, coalesce(d.agency_id::text, ''), count(*)
        FROM dossier d JOIN case_file c ON c.id = d.id
       WHERE d.finished_at IS NULL AND d.due_at IS NOT NULL AND c.state <> 'supplementing' GROUP BY 1, 2, 3`.execute(db);
    await sql`VACUUM ANALYZE`.execute(db);
    const rollupRows = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM dossier_rollup`.execute(db)).rows[0]!.n;
    console.log(`loaded ${n} dossiers, ${rollupRows} rollup rows in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/index-766?from=2026-01-01&to=2026-12-31`;
    type Counts = { received: number; finished: number; onTime: number; openOverdue: number };
    let page: { counts: Counts; total: number } | null = null;
    for (let i = 0; i < 3; i++) page = (await (await fetch(url)).json()) as typeof page;
    const ours: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      const r = await fetch(url);
      if (r.status !== 200) throw new Error(`index-766 answered ${r.status}`);
      await r.json();
      ours.push(performance.now() - t);
    }

    // The naive aggregation: the same figures from every dossier row of the period, per handling body.
    const naive: number[] = [];
    let naiveTotals: Counts | null = null;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const rows = (await sql<Counts & { unit_path: string }>`
        SELECT d.unit_path, d.agency_id,
               count(*) FILTER (WHERE received_at >= '2026-01-01' AND received_at < '2027-01-01')::int AS received,
               count(*) FILTER (WHERE finished_at >= '2026-01-01' AND finished_at < '2027-01-01')::int AS finished,
               count(*) FILTER (WHERE finished_at >= '2026-01-01' AND finished_at < '2027-01-01' AND supplement_count < 2 AND (due_at IS NULL OR finished_at <= due_at))::int AS "onTime",
               count(*) FILTER (WHERE finished_at IS NULL AND due_at < now() AND c.state <> 'supplementing')::int AS "openOverdue",
               count(*) FILTER (WHERE channel = 'online')::int AS online,
               count(*) FILTER (WHERE rating = 'unsatisfied')::int AS unsatisfied
          FROM dossier d JOIN case_file c ON c.id = d.id
         WHERE received_at < '2027-01-01' AND (finished_at IS NULL OR finished_at >= '2026-01-01')
         GROUP BY d.unit_path, d.agency_id`.execute(db)).rows;
      naive.push(performance.now() - t);
      naiveTotals = rows.reduce((a, r) => ({ received: a.received + r.received, finished: a.finished + r.finished, onTime: a.onTime + r.onTime, openOverdue: a.openOverdue + r.openOverdue }), { received: 0, finished: 0, onTime: 0, openOverdue: 0 });
    }
    await app.close();
    const c = page!.counts;
    if (c.received !== naiveTotals!.received || c.finished !== naiveTotals!.finished || c.onTime !== naiveTotals!.onTime || c.openOverdue !== naiveTotals!.openOverdue) {
      throw new Error(`rollups disagree with the naive aggregation: ${JSON.stringify(c)} vs ${JSON.stringify(naiveTotals)}`);
    }
    const oursP95 = p95(ours);
    const naiveP95 = p95(naive);
    console.log(`GET /api/index-766 for 2026 (province): p95 ${oursP95.toFixed(1)} ms over HTTP; total score ${page!.total}; counts ${JSON.stringify(c)}`);
    console.log(`naive aggregation over ${n} dossiers, SQL only: p95 ${naiveP95.toFixed(0)} ms; naive ÷ ours = ${(naiveP95 / oursP95).toFixed(1)}`);
    return result('index-766', 'p95_ms', oursP95, naiveP95, 'ms');
  } finally {
    await b.close();
  }
}
