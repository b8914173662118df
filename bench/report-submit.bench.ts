import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { ctxFor } from '../server/test/auth.js';
import { submit } from '../server/src/modules/feedback/report.service.js';
import { benchKernel, result } from './lib.js';

/**
 * Reports per second with one 500 KB photo through the whole submission
 * (image decoded, checked, resized and re-encoded; stored in the file store;
 * case opened with its clocks, audit and events; report row), one after
 * another, against storing the same bytes with a plain INSERT in the same run.
 */
export default async function reportSubmit(args: string[]) {
  const seconds = Number(args[0] ?? 10);
  const b = await benchKernel({ seed: true });
  try {
    // A photo-like JPEG of about 500 KB (noise compresses as badly as foliage).
    const raw = randomBytes(1000 * 800 * 3);
    const photo = await sharp(raw, { raw: { width: 1000, height: 800, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
    const citizen = await ctxFor(b.k, 'congdan@example.vn');
    await sql`CREATE TABLE bench_blob (id bigserial PRIMARY KEY, data bytea NOT NULL)`.execute(b.k.db);

    let n = 0;
    let end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await sql`INSERT INTO bench_blob (data) VALUES (${photo})`.execute(b.k.db);
      n++;
    }
    const baseline = n / seconds;

    n = 0;
    end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await submit(b.k, citizen, { categoryCode: 'moi_truong', title: `Phản ánh thử ${n}`, body: 'Rác thải ven đường cần thu gom.', address: 'Phường Phủ Lý', unitCode: '13285' },
        [{ name: 'anh.jpg', data: photo }], `bench-report-${n}`);
      n++;
    }
    const value = n / seconds;
    console.log(`photo ${(photo.length / 1024).toFixed(0)} KB; plain INSERT of the bytes: ${baseline.toFixed(1)}/s; full report submission: ${value.toFixed(1)}/s`);
    return result('report-submit', 'reports_per_second', value, baseline, 'reports/s');
  } finally {
    await b.close();
  }
}
