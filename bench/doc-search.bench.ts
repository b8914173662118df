import { sql } from 'kysely';
import { buildApp } from '../server/src/main.js';
import { login } from '../server/test/auth.js';
import { benchKernel, result } from './lib.js';

/**
 * Full-text search over 200,000 official documents (metadata and the text of
 * their PDFs), accent-insensitive: p95 latency of GET /api/documents?q=… over
 * HTTP on loopback, one request at a time, as the province's vice-chairman
 * (the whole province in scope) and as the director of the Department of
 * Justice (his agency only), with queries typed without diacritics — common
 * words found in most documents, rarer phrases, people's names, a number/symbol.
 * Baseline, same run, same data: the naive query a first version would write —
 * unaccent() of summary and content, ILIKE per word, newest first — in SQL
 * only, for 5 of the 20 queries (each reads every row's text).
 * Target: p95 ≤ 50 ms.
 *
 * Data are generated in PostgreSQL (generate_series, one INSERT … SELECT per
 * table): Vietnamese administrative sentences, names and places, spread over
 * the last three years up to today and the demo agencies (half of them at the Department of Justice).
 */

const N = Number(process.env.DOC_SEARCH_N ?? 200_000);

const SENTENCES = [
  'Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015',
  'Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư',
  'Theo đề nghị của Giám đốc Sở Tư pháp',
  'Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành triển khai thực hiện nghiêm túc',
  'Tăng cường công tác phòng, chống thiên tai và tìm kiếm cứu nạn trong mùa mưa bão',
  'Đẩy mạnh chuyển đổi số trong hoạt động của cơ quan nhà nước',
  'Triển khai kế hoạch cải cách hành chính năm 2026 trên địa bàn tỉnh',
  'Tổ chức tiếp công dân định kỳ và đột xuất theo quy định',
  'Bảo đảm vệ sinh an toàn thực phẩm trong dịp Tết Nguyên đán',
  'Thực hiện công tác giải phóng mặt bằng dự án đường cao tốc',
  'Rà soát, cập nhật cơ sở dữ liệu hộ tịch điện tử',
  'Tuyên truyền, phổ biến, giáo dục pháp luật cho người dân vùng nông thôn',
  'Hướng dẫn thủ tục đăng ký khai sinh, kết hôn, khai tử trực tuyến',
  'Kiểm tra việc chấp hành pháp luật về đất đai và môi trường',
  'Báo cáo kết quả thực hiện nhiệm vụ quý III và phương hướng quý IV',
  'Phối hợp với Ủy ban nhân dân cấp xã giải quyết phản ánh, kiến nghị của người dân',
  'Đề nghị các đơn vị gửi báo cáo về Văn phòng trước ngày 25 hằng tháng',
  'Cấp học bổng khuyến học cho học sinh có hoàn cảnh khó khăn',
  'Mở rộng bảo hiểm y tế và bảo hiểm xã hội tự nguyện',
  'Quản lý, sử dụng tài sản công tại cơ quan, đơn vị',
  'Xây dựng nông thôn mới nâng cao và nông thôn mới kiểu mẫu',
  'Phát triển du lịch Tràng An, Tam Cốc, Bái Đính bền vững',
  'Phòng cháy, chữa cháy tại khu dân cư và cơ sở sản xuất',
  'Chấn chỉnh kỷ luật, kỷ cương hành chính trong thi hành công vụ',
  'Thẩm định dự thảo văn bản quy phạm pháp luật của Hội đồng nhân dân tỉnh',
  'Nơi nhận: như trên; Lưu: VT',
];
const TYPES = [
  ['quyet_dinh', 'Quyết định'], ['cong_van', 'Công văn'], ['ke_hoach', 'Kế hoạch'], ['bao_cao', 'Báo cáo'],
  ['thong_bao', 'Thông báo'], ['to_trinh', 'Tờ trình'], ['chi_thi', 'Chỉ thị'], ['giay_moi', 'Giấy mời'],
];
const TOPICS = [
  'phê duyệt kế hoạch chuyển đổi số', 'tăng cường phòng chống thiên tai', 'triển khai cải cách hành chính', 'tổ chức tiếp công dân',
  'bảo đảm an toàn thực phẩm', 'giải phóng mặt bằng dự án', 'số hóa sổ hộ tịch', 'phổ biến giáo dục pháp luật', 'kiểm tra công tác đất đai',
  'báo cáo kết quả quý', 'giải quyết phản ánh kiến nghị', 'cấp học bổng khuyến học', 'phát triển bảo hiểm y tế', 'quản lý tài sản công',
  'xây dựng nông thôn mới', 'phát triển du lịch bền vững', 'phòng cháy chữa cháy', 'chấn chỉnh kỷ luật kỷ cương', 'thẩm định văn bản quy phạm',
];
const PLACES = ['phường Hoa Lư', 'xã Gia Viễn', 'xã Nho Quan', 'phường Tam Điệp', 'xã Yên Khánh', 'xã Kim Sơn', 'phường Phủ Lý', 'xã Duy Tiên', 'xã Bình Lục', 'phường Nam Định', 'xã Ý Yên', 'xã Hải Hậu'];
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Quang', 'Thu', 'Ngọc', 'Hữu', 'Thanh', 'Xuân'];
const GIVEN = ['Hùng', 'Hoa', 'Lan', 'Tuấn', 'Hương', 'Dũng', 'Mai', 'Sơn', 'Thảo', 'Long', 'Hà', 'Nam', 'Trang', 'Việt', 'Phương', 'Khánh', 'Quyết', 'Yến', 'Bình', 'Cường'];

const QUERIES = [
  'quyet dinh', 'chuyen doi so', 'phong chong thien tai', 'cai cach hanh chinh', 'tiep cong dan', 've sinh an toan thuc pham',
  'giai phong mat bang', 'ho tich dien tu', 'hoc bong khuyen hoc', 'bao hiem y te', 'nguyen van hung', 'tran thi lan',
  'xa gia vien', 'du lich trang an', 'nong thon moi kieu mau', 'ky luat ky cuong', 'cong van', 'bao cao quy iii',
  '1234/ubnd-vp', 'thi hanh cong vu phuong tam diep',
];

const arr = (xs: string[]) => sql`ARRAY[${sql.join(xs)}]::text[]`;
const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

export default async function docSearch() {
  const b = await benchKernel({ seed: true });
  try {
    const db = b.k.db;
    const agencies = (await sql<{ id: string; unit_path: string | null; name: string; code: string }>`SELECT a.id, u.path AS unit_path, a.name, a.code FROM agency a JOIN org_unit u ON u.id = a.unit_id ORDER BY a.code`.execute(db)).rows;
    const stp = agencies.find((a) => a.code === 'STP')!;
    const t0 = performance.now();
    // One pass per table: the trigger that creates the search row per document is off during the load.
    await sql`ALTER TABLE document DISABLE TRIGGER document_search_touch`.execute(db);
    await sql`SELECT setseed(0.42)`.execute(db);
    await sql`
      INSERT INTO document (id, direction, agency_id, unit_path, doc_type, summary, number, symbol, number_symbol, issued_on, issuer_name, signer_name, state, created_at)
      SELECT gen_random_uuid(), dir, ag.id, ag.unit_path, t.code, t.name || ' về việc ' || topic || ' tại ' || place, num, sym, num || '/' || sym, created::date,
             CASE WHEN dir = 'outgoing' THEN ag.name ELSE 'Ủy ban nhân dân ' || place END, signer,
             CASE WHEN dir = 'outgoing' THEN (ARRAY['draft','reviewing','issued','dispatched'])[1 + i % 4] ELSE (ARRAY['received','registered','assigned','finished'])[1 + i % 4] END,
             created
        FROM (SELECT i,
                     CASE WHEN i % 3 = 0 THEN 'incoming' ELSE 'outgoing' END AS dir,
                     CASE WHEN i % 2 = 0 THEN ${stp.id}::uuid ELSE (${sql`ARRAY[${sql.join(agencies.map((a) => a.id))}]::uuid[]`})[1 + (i / 2) % ${agencies.length}] END AS agency_id,
                     1 + i % 8 AS type_ix,
                     (${arr(TOPICS)})[1 + floor(random() * ${TOPICS.length})::int] AS topic,
                     (${arr(PLACES)})[1 + floor(random() * ${PLACES.length})::int] AS place,
                     1 + i % 5000 AS num,
                     (ARRAY['QĐ-STP','UBND-VP','KH-UBND','BC-STP','TB-SKHCN','TTr-STP','CT-UBND','GM-VP'])[1 + i % 8] AS sym,
                     (${arr(FAMILY)})[1 + floor(random() * ${FAMILY.length})::int] || ' ' || (${arr(MIDDLE)})[1 + floor(random() * ${MIDDLE.length})::int] || ' ' || (${arr(GIVEN)})[1 + floor(random() * ${GIVEN.length})::int] AS signer,
                     now() - (1 - i::float / ${N}) * interval '1050 days' - random() * interval '8 hours' AS created
                FROM generate_series(1, ${N}) i) g
        JOIN (SELECT a.id, a.name, u.path AS unit_path FROM agency a JOIN org_unit u ON u.id = a.unit_id) ag ON ag.id = g.agency_id
        JOIN (SELECT ord AS ix, code, name FROM unnest(${arr(TYPES.map((t) => t[0]!))}, ${arr(TYPES.map((t) => t[1]!))}) WITH ORDINALITY u(code, name, ord)) t ON t.ix = g.type_ix`.execute(db);
    await sql`ALTER TABLE document ENABLE TRIGGER document_search_touch`.execute(db);
    const t1 = performance.now();
    // Bulk load: the search indexes are built once after the rows, not row by row (same definitions as 0066/0069).
    await sql`DROP INDEX document_search_gin`.execute(db);
    await sql`DROP INDEX document_search_recent`.execute(db);
    // The PDF's text: 8–20 sentences, a name and a place, as pdftotext would give it (about 1–2 KB).
    await sql`
      INSERT INTO document_search (document_id, content)
      SELECT d.id, d.summary || E'\n' || (
               SELECT string_agg((${arr(SENTENCES)})[1 + floor(random() * ${SENTENCES.length})::int], '. ')
                 FROM generate_series(1, 8 + (abs(hashtext(d.id::text)) % 13)) j WHERE d.id IS NOT NULL)
             || '. Người liên hệ: ' || (${arr(FAMILY)})[1 + floor(random() * ${FAMILY.length})::int] || ' ' || (${arr(MIDDLE)})[1 + floor(random() * ${MIDDLE.length})::int] || ' ' || (${arr(GIVEN)})[1 + floor(random() * ${GIVEN.length})::int]
             || ', ' || (${arr(PLACES)})[1 + floor(random() * ${PLACES.length})::int] || '.'
        FROM document d`.execute(db);
    const t2 = performance.now();
    await sql`SET maintenance_work_mem = '512MB'`.execute(db);
    await sql`CREATE INDEX document_search_gin ON document_search USING gin (search, created_day)`.execute(db);
    await sql`CREATE INDEX document_search_recent ON document_search (created_at)`.execute(db);
    await sql`VACUUM ANALYZE document`.execute(db);
    await sql`VACUUM ANALYZE document_search`.execute(db);
    const t3 = performance.now();
    const count = (await sql<{ n: number; bytes: string }>`SELECT count(*)::int AS n, pg_size_pretty(pg_total_relation_size('document_search')) AS bytes FROM document_search`.execute(db)).rows[0]!;
    console.log(`${count.n} documents loaded: documents ${((t1 - t0) / 1000).toFixed(1)} s, text and tsvector ${((t2 - t1) / 1000).toFixed(1)} s, indexes and analyze ${((t3 - t2) / 1000).toFixed(1)} s; document_search ${count.bytes}`);

    if (process.env.DOC_SEARCH_PAUSE) {
      // For EXPLAIN by hand: psql the printed database while the benchmark waits.
      console.log(`database ${b.url}: paused ${process.env.DOC_SEARCH_PAUSE} s`);
      await new Promise((r) => setTimeout(r, Number(process.env.DOC_SEARCH_PAUSE) * 1000));
    }
    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/documents?limit=20&q=`;
    const readers = [await login(app, 'lanhdao@ninhbinh.gov.vn'), await login(app, 'giamdoc.stp@ninhbinh.gov.vn')];

    const ask = async (cookie: string, q: string) => {
      const r = await fetch(base + encodeURIComponent(q), { headers: { cookie } });
      if (r.status !== 200) throw new Error(`search ${q}: ${r.status} ${await r.text()}`);
      return (await r.json()) as { total: number; totalCapped: boolean; items: { summary: string }[] };
    };
    for (const s of readers) for (const q of QUERIES) await ask(s.cookie, q);
    const ours: number[] = [];
    const perQuery = new Map<string, number[]>();
    let empty = 0;
    for (let round = 0; round < 10; round++) {
      for (const s of readers) {
        for (const q of QUERIES) {
          const t = performance.now();
          const r = await ask(s.cookie, q);
          const ms = performance.now() - t;
          ours.push(ms);
          perQuery.set(q, [...(perQuery.get(q) ?? []), ms]);
          if (!r.items.length) empty++;
        }
      }
    }
    const sample = await ask(readers[0]!.cookie, 'chuyen doi so');
    console.log(`"chuyen doi so" as the province's leader: ${sample.totalCapped ? `${sample.total}+` : sample.total} found; first: ${sample.items[0]?.summary}`);
    const slowest = [...perQuery].map(([q, xs]) => [q, pct(xs, 0.95)] as const).sort((a, b) => b[1] - a[1]).slice(0, 4);
    console.log(`slowest queries (p95 ms): ${slowest.map(([q, ms]) => `${q} ${ms.toFixed(1)}`).join(', ')}`);

    // The naive query: unaccent() over summary and content of every row, ILIKE per word, newest first (SQL only, no HTTP).
    // Each naive query reads every row's text (seconds at 200,000): a sample of the queries, once each.
    const naive: number[] = [];
    for (const q of QUERIES.filter((_, i) => i % 4 === 0)) {
      const words = q.split(/\s+/);
      const t = performance.now();
      await sql`
        SELECT d.id, d.summary FROM document d JOIN document_search s ON s.document_id = d.id
         WHERE ${sql.join(words.map((w) => sql`f_unaccent(d.summary || ' ' || coalesce(d.number_symbol, '') || ' ' || s.content) ILIKE ${`%${w}%`}`), sql` AND `)}
         ORDER BY d.created_at DESC LIMIT 20`.execute(db);
      naive.push(performance.now() - t);
    }
    await app.close();
    const ourP95 = pct(ours, 0.95);
    const naiveP95 = pct(naive, 0.95);
    console.log(`${count.n} documents, ${QUERIES.length} queries × 2 readers × 10 over HTTP: p50 ${pct(ours, 0.5).toFixed(2)} ms, p95 ${ourP95.toFixed(2)} ms (pages with no result: ${empty}/${ours.length})`);
    console.log(`naive unaccent() ILIKE over summary and content, SQL only, 5 of the queries once each: p50 ${pct(naive, 0.5).toFixed(0)} ms, p95 ${naiveP95.toFixed(0)} ms`);
    return result('doc-search', 'p95_ms', ourP95, naiveP95, 'ms');
  } finally {
    await b.close();
  }
}
