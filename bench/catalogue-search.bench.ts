import { sql } from 'kysely';
import { systemCtx } from '../server/src/kernel/context.js';
import { buildApp } from '../server/src/main.js';
import { importCatalogue } from '../server/src/modules/services/catalogue.service.js';
import { demoCatalogue } from '../server/src/modules/services/seed.js';
import type { Procedure } from '../server/src/modules/services/catalogue.schema.js';
import { benchKernel, result } from './lib.js';

/**
 * Accent- and typo-forgiving search over 2,000 procedures (the demo catalogue
 * plus generated variants with realistic names): p95 latency of
 * GET /api/procedures?q=… over HTTP on loopback, one request at a time.
 * Baseline: the naive query a first version would write — unaccent() over the
 * stored JSON of every current version, ILIKE per word — timed in the same run.
 * Target: p95 ≤ 30 ms.
 */

const ACTIONS = ['Cấp', 'Cấp lại', 'Cấp đổi', 'Điều chỉnh', 'Gia hạn', 'Thu hồi', 'Đăng ký', 'Xác nhận', 'Công nhận', 'Thẩm định', 'Phê duyệt', 'Chấp thuận'];
const OBJECTS = ['giấy phép hoạt động', 'giấy chứng nhận đủ điều kiện', 'chứng chỉ hành nghề', 'giấy phép kinh doanh', 'hồ sơ thiết kế', 'phương án', 'giấy phép môi trường', 'quyết định thành lập', 'giấy phép khai thác', 'giấy chứng nhận đăng ký'];
const FIELDS = ['dịch vụ lữ hành nội địa', 'cơ sở bán lẻ thuốc', 'trường mầm non tư thục', 'cơ sở giáo dục nghề nghiệp', 'cửa hàng xăng dầu', 'bến thủy nội địa', 'điểm du lịch', 'cơ sở giết mổ gia súc', 'trạm y tế', 'công trình thủy lợi', 'hợp tác xã nông nghiệp', 'nhà văn hóa', 'cơ sở karaoke', 'phòng khám tư nhân', 'trung tâm ngoại ngữ', 'cơ sở sản xuất phân bón', 'làng nghề truyền thống'];

const QUERIES = [
  'dang ky khai sinh', 'dang ki khai sin', 'chung thuc ban sao', 'ho kinh doanh', 'giay phep xay dung',
  'cap lai giay phep hoat dong', 'chung chi hanh nghe', 'tro cap xa hoi', 'ket hon', 'ly lich tu phap',
  'giay chung nhan quyen su dung dat', 'thu hoi giay phep moi truong', 'xang dau', 'truong mam non', 'phong kham',
  'gia han chung chi', 'khai tu', 'xac nhan tinh trang hon nhan', 'karaoke', 'du lich',
];

function variants(seed: Procedure[], n: number): Procedure[] {
  const out: Procedure[] = [];
  for (let i = 0; out.length < n; i++) {
    const base = seed[i % seed.length]!;
    const name = `${ACTIONS[i % ACTIONS.length]} ${OBJECTS[Math.floor(i / ACTIONS.length) % OBJECTS.length]} ${FIELDS[Math.floor(i / 7) % FIELDS.length]}`;
    out.push({ ...base, code: `8.${String(100000 + i).padStart(6, '0')}`, name: `${name} (${i})` });
  }
  return out;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

export default async function catalogueSearch() {
  const b = await benchKernel({ seed: true });
  try {
    const demo = demoCatalogue() as Procedure[];
    if (!demo.length) throw new Error('no demo catalogue');
    await importCatalogue(b.k, systemCtx('bench'), variants(demo, 2000 - demo.length));
    const count = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM procedure`.execute(b.k.db)).rows[0]!.n;
    await sql`ANALYZE`.execute(b.k.db);
    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${addr.port}/api/procedures?limit=20&q=`;

    // Warm up, then measure.
    for (const q of QUERIES) await (await fetch(base + encodeURIComponent(q))).json();
    const ours: number[] = [];
    let hits = 0;
    for (let round = 0; round < 25; round++) {
      for (const q of QUERIES) {
        const t0 = performance.now();
        const r = (await (await fetch(base + encodeURIComponent(q))).json()) as { items: unknown[] };
        ours.push(performance.now() - t0);
        if (r.items.length) hits++;
      }
    }

    const naive: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const q of QUERIES) {
        const words = q.split(' ');
        const t0 = performance.now();
        await sql`
          SELECT p.code, v.data->>'name' AS name FROM procedure p
            JOIN procedure_version v ON v.procedure_id = p.id AND v.version = p.current_version
           WHERE ${sql.join(words.map((w) => sql`unaccent(v.data->>'name') ILIKE ${`%${w}%`}`), sql` AND `)}
           ORDER BY v.data->>'name' LIMIT 20`.execute(b.k.db);
        naive.push(performance.now() - t0);
      }
    }
    await app.close();
    const ourP95 = p95(ours);
    const naiveP95 = p95(naive);
    console.log(`${count} procedures, ${QUERIES.length} queries × 25 over HTTP: p95 ${ourP95.toFixed(2)} ms (queries with results: ${hits}/${ours.length})`);
    console.log(`naive unaccent(JSON) ILIKE scan, SQL only: p95 ${naiveP95.toFixed(2)} ms (no typo tolerance)`);
    return result('catalogue-search', 'p95_ms', ourP95, naiveP95, 'ms');
  } finally {
    await b.close();
  }
}
