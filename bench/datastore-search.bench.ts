import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { transaction } from '../server/src/kernel/db/index.js';
import { buildApp } from '../server/src/main.js';
import { generateDataset, registerDataset } from '../server/src/modules/exchange/index.js';
import type { DatasetDef } from '../server/src/modules/exchange/datasets.js';
import * as repo from '../server/src/modules/exchange/opendata.repo.js';
import { benchKernel, result } from './lib.js';

/**
 * CKAN datastore_search over one resource of 1,000,000 rows (dossier counts
 * by unit, month and sector): p95 latency over HTTP on loopback of requests
 * with filters on one or two columns, some sorted by a number, some at an
 * offset, limit 100 and the total, one at a time. Target (issue 7): p95 ≤ 50 ms.
 * Baseline in the same run: the bare query for the same filters on the same
 * table (SQL only, first 100 rows in _id order, no total, no JSON).
 * `npm run bench -- datastore-search [ROWS]`.
 */

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

export default async function datastoreSearch(args: string[] = []) {
  const rows = Number(args[0] ?? 1_000_000);
  const b = await benchKernel({ seed: false });
  try {
    const def: DatasetDef = {
      id: 'ho-so-mot-trieu-dong', title: { vi: 'Hồ sơ theo đơn vị, tháng và lĩnh vực', en: 'Dossiers by unit, month and sector' },
      description: { vi: 'Dữ liệu thử tải', en: 'Load test' }, licence: 'CC-BY-4.0', frequency: 'monthly', publisher: 'VPUB', tags: ['thử tải'],
      fields: [
        { id: 'thang', type: 'text', label: 'Tháng', labelEn: 'Month' },
        { id: 'ma_don_vi', type: 'text', label: 'Mã đơn vị', labelEn: 'Unit' },
        { id: 'linh_vuc', type: 'text', label: 'Lĩnh vực', labelEn: 'Sector' },
        { id: 'tiep_nhan', type: 'int', label: 'Tiếp nhận', labelEn: 'Received' },
        { id: 'da_giai_quyet', type: 'int', label: 'Đã giải quyết', labelEn: 'Finished' },
      ],
      rows: async () => [{ thang: '2026-01', ma_don_vi: '10000', linh_vuc: 'ho-tich', tiep_nhan: 1, da_giai_quyet: 1 }],
    };
    registerDataset(b.k, def);
    await generateDataset(b.k, def);
    // The snapshot, in the table layout generation writes (typed columns, an index on (column, _id) per column,
    // trigram on the row's accent-free text, analysed, vacuumed), filled in one statement: 100 units × 120 months × 20 sectors ≈ 1M rows here.
    const t0 = performance.now();
    const table = `s_${createHash('sha256').update(def.id).digest('hex').slice(0, 16)}_bench`;
    const store = sql.table(`open_data_store.${table}`);
    await sql`CREATE TABLE ${store} (_id int PRIMARY KEY, thang text, ma_don_vi text, linh_vuc text, tiep_nhan bigint, da_giai_quyet bigint)`.execute(b.k.db);
    await sql`INSERT INTO ${store}
      SELECT i, to_char(date '2016-01-01' + make_interval(months => (i / 2000) % 120), 'YYYY-MM'), (10000 + i % 100)::text,
             'linh-vuc-' || ((i / 100) % 20), (i::bigint * 7919) % 97, (i::bigint * 104729) % 89
        FROM generate_series(1, ${rows}) AS i`.execute(b.k.db);
    await transaction(b.k.db, async (tx) => {
      const old = (await repo.dataset(tx, def.id, true))!.store_table!;
      await repo.indexStore(tx, table, def.fields);
      await sql`UPDATE open_dataset SET store_table = ${table}, row_count = ${rows} WHERE id = ${def.id}`.execute(tx);
      await sql`DROP TABLE ${sql.table(`open_data_store.${old}`)}`.execute(tx);
    });
    await repo.vacuumStore(b.k.db, table);
    console.log(`${rows} rows written and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/3/action/datastore_search?resource_id=${def.id}-csv&limit=100&`;
    const filters = Array.from({ length: 20 }, (_, i) => i % 2
      ? { ma_don_vi: String(10000 + ((i * 37) % 100)) }
      : { ma_don_vi: String(10000 + ((i * 13) % 100)), linh_vuc: `linh-vuc-${i % 20}` });
    const url = (f: object, i: number) => `${base}filters=${encodeURIComponent(JSON.stringify(f))}${i % 3 === 0 ? '&sort=tiep_nhan%20desc' : ''}${i % 5 === 4 ? '&offset=300' : ''}`;

    for (let i = 0; i < filters.length; i++) await (await fetch(url(filters[i]!, i))).json();
    const ours: number[] = [];
    const byKind = new Map<string, number[]>();
    const kind = (i: number) => `${Object.keys(filters[i]!).length} filter(s)${i % 3 === 0 ? ', sorted' : ''}${i % 5 === 4 ? ', offset' : ''}`;
    let total = 0;
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < filters.length; i++) {
        const t = performance.now();
        const r = (await (await fetch(url(filters[i]!, i))).json()) as { success: boolean; result: { total: number; records: unknown[] } };
        const ms = performance.now() - t;
        ours.push(ms);
        byKind.set(kind(i), [...(byKind.get(kind(i)) ?? []), ms]);
        if (!r.success || r.result.records.length === 0) throw new Error('datastore_search found nothing');
        total += r.result.total;
      }
    }
    const bare: number[] = [];
    for (let round = 0; round < 10; round++) {
      for (const f of filters) {
        const t = performance.now();
        const where = sql.join(Object.entries(f).map(([c, v]) => sql`${sql.ref(c)} = ${v}`), sql` AND `);
        await sql`SELECT * FROM ${store} WHERE ${where} ORDER BY _id LIMIT 100`.execute(b.k.db);
        bare.push(performance.now() - t);
      }
    }
    await app.close();
    for (const [k, xs] of byKind) console.log(`  ${k}: p95 ${p95(xs).toFixed(2)} ms over ${xs.length}`);
    const ourP95 = p95(ours);
    const bareP95 = p95(bare);
    console.log(`datastore_search, ${ours.length} requests (1–2 filters, some sorted, some at offset 300, limit 100, with total; mean total ${Math.round(total / ours.length)} rows): p95 ${ourP95.toFixed(2)} ms (target ≤ 50 ms)`);
    console.log(`bare query on the same table, SQL only, no total: p95 ${bareP95.toFixed(2)} ms`);
    return result('datastore-search', 'p95_ms', ourP95, bareP95, 'ms');
  } finally {
    await b.close();
  }
}
