import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PdfSpec, renderPdf, vnDate, vnDateTime, vnMoney, vnPlaceDate } from './index.js';
import { sampleSpec } from './sample.js';

/**
 * The PDFs are read back with poppler (Debian's poppler-utils), an independent
 * implementation: if pdftotext finds the Vietnamese text intact, so will a
 * reader's viewer and a search index. A machine without poppler fails here on
 * purpose rather than skipping, so a CI image that lost it is noticed.
 */

let dir: string;
let seq = 0;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-pdf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function save(pdf: Buffer): string {
  const file = path.join(dir, `doc-${++seq}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

function poppler(tool: 'pdftotext' | 'pdfinfo' | 'pdffonts', args: string[]): string {
  return execFileSync(`/usr/bin/${tool}`, args, { encoding: 'utf8' }).normalize('NFC');
}

/**
 * Text of the whole document or of one page, with line breaks and runs of spaces
 * folded to one space. `layout` keeps physical lines (a table row reads across)
 * instead of poppler's reading order (a table reads column by column).
 */
function textOf(file: string, page?: number, layout = false): string {
  const range = page === undefined ? [] : ['-f', String(page), '-l', String(page)];
  const mode = layout ? ['-layout'] : [];
  return poppler('pdftotext', ['-enc', 'UTF-8', ...mode, ...range, file, '-']).replace(/\s+/g, ' ');
}

function infoOf(file: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of poppler('pdfinfo', ['-enc', 'UTF-8', file]).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1]!] = m[2]!;
  }
  return info;
}

interface FontRow {
  name: string;
  emb: string;
  sub: string;
  uni: string;
}
function fontsOf(file: string): FontRow[] {
  const lines = poppler('pdffonts', [file]).split('\n').filter(Boolean);
  // Columns are fixed-width; the last six are: encoding emb sub uni objectID gen.
  return lines.slice(2).map((line) => {
    const cols = line.trim().split(/\s+/);
    const n = cols.length;
    return { name: cols[0]!, emb: cols[n - 5]!, sub: cols[n - 4]!, uni: cols[n - 3]! };
  });
}

describe('renderPdf', () => {
  let file: string;
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderPdf(sampleSpec());
    file = save(pdf);
  });

  it('writes a PDF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
  });

  it('keeps every Vietnamese diacritic in the text layer', () => {
    const text = textOf(file);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'ỦY BAN NHÂN DÂN',
      'TRUNG TÂM PHỤC VỤ',
      'Số: 000.00.04.H42-261123-0001',
      'Ninh Bình, ngày 23 tháng 11 năm 2026',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      '(Liên: Giao người nộp hồ sơ)',
      'Giấy tiếp nhận hồ sơ',
      'Nguyễn Thị Hương',
      'Trần Văn Đức',
      'Ông/bà: Nguyễn Thị Hương',
      'Nội dung yêu cầu giải quyết: Cấp đổi giấy phép lái xe',
      'Ủy ban nhân dân cấp xã nơi có đất',
      'Lệ phí đã nộp: 135.000 đồng.',
      'Thời gian nhận hồ sơ: 23/11/2026 00:30.',
      'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      '(Ký và ghi rõ họ tên)',
      'Lưu ý:',
      'Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 0001.',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('flows long text and a long table over several pages, repeating the table header', () => {
    const info = infoOf(file);
    const pages = Number(info['Pages']);
    expect(pages).toBeGreaterThanOrEqual(2);
    const page2 = textOf(file, 2, true);
    expect(page2.trim().startsWith('STT Tên giấy tờ Hình thức Ghi chú')).toBe(true);
    expect(page2).not.toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    // Every table row made it, in order.
    const all = textOf(file, undefined, true);
    let at = 0;
    for (let i = 1; i <= 30; i++) {
      const found = all.indexOf(`mẫu ${String(i).padStart(2, '0')}`, at);
      if (i % 7 !== 4) {
        expect(found, `row ${i}`).toBeGreaterThan(at);
        at = found;
      }
    }
    for (let p = 1; p <= pages; p++) {
      expect(textOf(file, p)).toContain(`Trang ${p}/${pages}`);
      expect(textOf(file, p)).toContain('Tra cứu hồ sơ');
    }
  });

  it('sets the document information', () => {
    const info = infoOf(file);
    expect(info['Title']).toBe('Giấy tiếp nhận hồ sơ và hẹn trả kết quả 000.00.04.H42-261123-0001');
    expect(info['Author']).toBe('Trung tâm Phục vụ hành chính công tỉnh Ninh Bình');
    expect(info['Subject']).toBe('Cấp đổi giấy phép lái xe');
    expect(info['Keywords']).toBe('hồ sơ, biên nhận, 000.00.04.H42-261123-0001');
    expect(info['Page size']).toMatch(/^595\.2\d x 841\.8\d pts \(A4\)/);
  });

  it('embeds subsets of Noto Serif and no other font', () => {
    const fonts = fontsOf(file);
    expect(fonts.map((f) => f.name.replace(/^[A-Z]{6}\+/, '')).sort()).toEqual([
      'NotoSerif-Bold',
      'NotoSerif-BoldItalic',
      'NotoSerif-Italic',
      'NotoSerif-Regular',
    ]);
    for (const f of fonts) {
      expect(f.name).toMatch(/^[A-Z]{6}\+NotoSerif-/);
      expect(f, f.name).toMatchObject({ emb: 'yes', sub: 'yes', uni: 'yes' });
    }
    // Subsetting works: four full faces would be about 2 MB.
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('is reproducible byte for byte given createdAt', async () => {
    expect((await renderPdf(sampleSpec())).equals(pdf)).toBe(true);
    const later = sampleSpec();
    later.meta.createdAt = new Date('2026-11-23T08:00:00Z');
    expect((await renderPdf(later)).equals(pdf)).toBe(false);
  });
});

describe('renderPdf, plain documents and edge cases', () => {
  it('renders a one-page letter without header, footer or page numbers', async () => {
    const file = save(
      await renderPdf({
        meta: { title: 'Thư cảm ơn' },
        blocks: [
          { kind: 'text', text: 'Kính gửi: Bà Nguyễn Thị Hương', bold: true, align: 'left' },
          { kind: 'text', text: 'Cảm ơn bà đã góp ý về dự thảo quy định.', indent: true },
          { kind: 'list', items: ['Thứ nhất', 'Thứ hai'], numbered: false },
          { kind: 'spacer', height: 40 },
          { kind: 'signatures', blocks: [{ title: 'KT. Giám đốc\nPhó Giám đốc', name: 'Lê Văn Bình' }] },
        ],
      }),
    );
    const text = textOf(file);
    expect(text).toContain('Kính gửi: Bà Nguyễn Thị Hương');
    // An explicit break in a signer's title stays a break ("on behalf of" lines).
    const lines = poppler('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-']).split('\n').map((l) => l.trim());
    expect(lines).toContain('KT. GIÁM ĐỐC');
    expect(lines).toContain('PHÓ GIÁM ĐỐC');
    expect(text).toContain('Lê Văn Bình');
    expect(text).not.toContain('Trang');
    expect(text).not.toContain('CỘNG HÒA');
    expect(infoOf(file)['Pages']).toBe('1');
    expect(fontsOf(file).every((f) => f.emb === 'yes' && f.name.includes('NotoSerif'))).toBe(true);
  });

  it('numbers pages of a multi-page document even without a footer text', async () => {
    const file = save(
      await renderPdf({
        meta: { title: 'Dài' },
        blocks: [{ kind: 'text', text: Array.from({ length: 40 }, (_, i) => `Đoạn văn thứ ${i + 1} về thủ tục hành chính.`).join('\n') }],
      }),
    );
    expect(Number(infoOf(file)['Pages'])).toBe(2);
    expect(textOf(file, 2)).toContain('Trang 2/2');
  });

  it('composes decomposed (NFD) input into precomposed letters', async () => {
    const nfd = 'Nguyễn Thị Hương, Đắk Lắk'.normalize('NFD');
    const file = save(await renderPdf({ meta: { title: nfd }, blocks: [{ kind: 'text', text: nfd }] }));
    const raw = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(raw).toContain('Nguyễn Thị Hương, Đắk Lắk'.normalize('NFC'));
    expect(infoOf(file)['Title']).toBe('Nguyễn Thị Hương, Đắk Lắk');
  });

  it('cuts a table row taller than a page instead of looping', async () => {
    const huge = Array.from({ length: 3000 }, (_, i) => `từ${i}`).join(' ');
    const file = save(
      await renderPdf({
        meta: { title: 'Bảng' },
        blocks: [{ kind: 'table', columns: [{ title: 'A' }, { title: 'B' }], rows: [['1', huge], ['2', 'dòng sau']] }],
      }),
    );
    expect(Number(infoOf(file)['Pages'])).toBe(2);
    expect(textOf(file)).toContain('dòng sau');
  });

  it('rejects a table row with more cells than columns', async () => {
    const spec: PdfSpec = { meta: { title: 'x' }, blocks: [{ kind: 'table', columns: [{ title: 'A' }], rows: [['1', '2']] }] };
    await expect(renderPdf(spec)).rejects.toThrow(RangeError);
  });
});

describe('Vietnamese dates and money', () => {
  it('dates in Asia/Ho_Chi_Minh, whatever the server time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      expect(vnDate(new Date('2026-11-22T17:30:00Z'))).toBe('ngày 23 tháng 11 năm 2026');
      expect(vnDate(new Date('2026-11-22T16:59:59Z'))).toBe('ngày 22 tháng 11 năm 2026');
      expect(vnDate(new Date('2026-12-31T17:00:00Z'))).toBe('ngày 01 tháng 01 năm 2027');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('pads days below 10 and the months 1 and 2 only (Decree 30)', () => {
    expect(vnDate(new Date('2026-03-04T20:00:00Z'))).toBe('ngày 05 tháng 3 năm 2026');
    expect(vnDate(new Date('2026-02-05T01:00:00Z'))).toBe('ngày 05 tháng 02 năm 2026');
    expect(vnDate(new Date('2026-01-09T01:00:00Z'))).toBe('ngày 09 tháng 01 năm 2026');
    expect(vnDate(new Date('2026-10-10T01:00:00Z'))).toBe('ngày 10 tháng 10 năm 2026');
    expect(vnDate(new Date('2026-12-25T01:00:00Z'))).toBe('ngày 25 tháng 12 năm 2026');
  });

  it('writes place and date', () => {
    expect(vnPlaceDate('Ninh Bình', new Date('2026-11-22T17:30:00Z'))).toBe('Ninh Bình, ngày 23 tháng 11 năm 2026');
  });

  it('writes date and time', () => {
    expect(vnDateTime(new Date('2026-11-22T17:30:00Z'))).toBe('23/11/2026 00:30');
    expect(vnDateTime(new Date('2026-11-23T07:05:00Z'))).toBe('23/11/2026 14:05');
    expect(vnDateTime(new Date('2026-01-01T16:59:00Z'))).toBe('01/01/2026 23:59');
  });

  it('rejects an invalid date', () => {
    expect(() => vnDate(new Date('not a date'))).toThrow(RangeError);
  });

  it('writes amounts in đồng with dots between thousands', () => {
    expect(vnMoney(1234567)).toBe('1.234.567 đồng');
    expect(vnMoney(0)).toBe('0 đồng');
    expect(vnMoney(999)).toBe('999 đồng');
    expect(vnMoney(1000)).toBe('1.000 đồng');
    expect(vnMoney(135000)).toBe('135.000 đồng');
    expect(vnMoney(-50000)).toBe('-50.000 đồng');
    expect(vnMoney(1234.5)).toBe('1.235 đồng');
    expect(vnMoney(-0.4)).toBe('0 đồng');
    expect(() => vnMoney(Number.NaN)).toThrow(RangeError);
  });
});
