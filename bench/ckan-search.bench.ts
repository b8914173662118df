import { sql } from 'kysely';
import { buildApp } from '../server/src/main.js';
import { generateDataset, registerDataset } from '../server/src/modules/exchange/index.js';
import { datasetDefs, type DatasetDef } from '../server/src/modules/exchange/datasets.js';
import * as repo from '../server/src/modules/exchange/opendata.repo.js';
import { benchKernel, result } from './lib.js';

/**
 * CKAN package_search over a catalogue of 500 datasets (the 3 built in, on the
 * demo province, plus 497 generated with realistic Vietnamese titles, tags and
 * publishers): p95 latency of GET /api/3/action/package_search with q, fq,
 * rows and facets, over HTTP on loopback, one request at a time — what a
 * harvester or the portal pays. Baseline in the same run: the bare search
 * query (repo.searchPackages, the SQL alone, no HTTP, no CKAN dictionaries,
 * no facets). The ratio is the cost of being CKAN-compatible.
 */

const TOPICS = ['Hộ kinh doanh', 'Doanh nghiệp thành lập mới', 'Trường học', 'Cơ sở y tế', 'Điểm du lịch', 'Chợ truyền thống', 'Công trình xây dựng', 'Giấy phép môi trường', 'Đất đai', 'Giao thông', 'Thủy lợi', 'Lao động việc làm', 'Bảo trợ xã hội', 'Văn hóa thể thao'];
const SPLITS = ['theo xã, phường', 'theo tháng', 'theo năm', 'theo lĩnh vực', 'theo loại hình'];
const PUBLISHERS = ['VPUB', 'STP', 'SKHCN', 'SXD', 'SNNMT', 'STC', 'SNV', 'SYT', 'SGDDT', 'SCT'];
const TAGS = ['thống kê', 'dịch vụ công', 'kinh tế', 'xã hội', 'môi trường', 'hạ tầng', 'giáo dục', 'y tế'];

const QUERIES = [
  'q=ho%20kinh%20doanh', 'q=truong%20hoc&fq=organization:sgddt', 'q=*:*&rows=20', `fq=${encodeURIComponent('tags:"thống kê"')}&rows=20`,
  'q=du%20lich%20theo%20thang', `q=dat%20dai&facet.field=${encodeURIComponent('["organization","tags"]')}`, 'q=y%20te&sort=metadata_modified%20desc',
  'q=giao%20thong%20xa%20phuong&rows=5', `q=moi%20truong&fq=${encodeURIComponent('+organization:snnmt +res_format:CSV')}`, 'q=thu%20tuc',
];

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

export default async function ckanSearch() {
  const b = await benchKernel({ seed: true });
  try {
    const defs: DatasetDef[] = [];
    for (let i = 0; defs.length < 497; i++) {
      const topic = TOPICS[i % TOPICS.length]!;
      const split = SPLITS[Math.floor(i / TOPICS.length) % SPLITS.length]!;
      defs.push({
        id: `bo-du-lieu-${String(i).padStart(4, '0')}`,
        title: { vi: `${topic} ${split} (${i})`, en: `Dataset ${i}` },
        description: { vi: `Số liệu ${topic.toLowerCase()} ${split} của tỉnh Ninh Bình, cập nhật định kỳ.`, en: `Figures ${i}` },
        licence: 'CC-BY-4.0', frequency: 'monthly', publisher: PUBLISHERS[i % PUBLISHERS.length]!,
        tags: [TAGS[i % TAGS.length]!, TAGS[(i * 3 + 1) % TAGS.length]!],
        fields: [{ id: 'ky', type: 'text', label: 'Kỳ', labelEn: 'Period' }, { id: 'gia_tri', type: 'int', label: 'Giá trị', labelEn: 'Value' }],
        rows: async () => Array.from({ length: 12 }, (_, m) => ({ ky: `2026-${String(m + 1).padStart(2, '0')}`, gia_tri: (i * 37 + m * 11) % 500 })),
      });
    }
    for (const d of defs) registerDataset(b.k, d);
    for (const d of datasetDefs(b.k)) await generateDataset(b.k, d);
    const count = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM open_dataset`.execute(b.k.db)).rows[0]!.n;
    await sql`ANALYZE`.execute(b.k.db);
    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/3/action/package_search?`;

    for (const q of QUERIES) await (await fetch(base + q)).json();
    const ours: number[] = [];
    let found = 0;
    for (let round = 0; round < 30; round++) {
      for (const q of QUERIES) {
        const t0 = performance.now();
        const r = (await (await fetch(base + q)).json()) as { success: boolean; result: { count: number } };
        ours.push(performance.now() - t0);
        if (!r.success) throw new Error(`package_search failed: ${q}`);
        if (r.result.count) found++;
      }
    }

    const bare: number[] = [];
    const words = ['ho kinh doanh', 'truong hoc', '', '', 'du lich theo thang', 'dat dai', 'y te', 'giao thong xa phuong', 'moi truong', 'thu tuc'];
    for (let round = 0; round < 30; round++) {
      for (const w of words) {
        const t0 = performance.now();
        await repo.searchPackages(b.k.db, { words: w.split(' ').filter(Boolean), fq: {}, sort: [{ column: 'modified_at', dir: 'desc' }], rows: 10, start: 0 });
        bare.push(performance.now() - t0);
      }
    }
    await app.close();
    const ourP95 = p95(ours);
    const bareP95 = p95(bare);
    console.log(`${count} datasets, ${QUERIES.length} package_search requests × 30 over HTTP: p95 ${ourP95.toFixed(2)} ms (with results: ${found}/${ours.length})`);
    console.log(`bare search query (SQL only, no HTTP, no dictionaries, no facets): p95 ${bareP95.toFixed(2)} ms`);
    return result('ckan-search', 'p95_ms', ourP95, bareP95, 'ms');
  } finally {
    await b.close();
  }
}
