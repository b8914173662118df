import PDFDocument from 'pdfkit';
import { FONTS, fontFor, type FontStyle } from './fonts.js';
import type { PdfBlock, PdfHeader, PdfSpec } from './index.js';

type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'center' | 'right' | 'justify';

const MM = 72 / 25.4;

/** Decree 30/2020, Appendix I: A4 portrait, top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm. */
const MARGINS = { top: 20 * MM, bottom: 20 * MM, left: 30 * MM, right: 15 * MM };

/**
 * Decree 30 sets body text at 13–14 pt and header lines at 12–13 pt. Noto Serif
 * is wider than Times New Roman, so the lower end keeps the national name on one
 * line in its column; tables take 12 pt so a few columns fit across the page.
 */
const SIZE = { body: 13, title: 14, header: 12, motto: 13, table: 12, footer: 9 } as const;

/** At least 6 pt between paragraphs (Decree 30, Appendix I). */
const GAP = 6;
/** First-line indent 1–1.27 cm. */
const INDENT = 10 * MM;
/** Room for a handwritten signature and a seal between the title and the name. */
const SIGNATURE_SPACE = 25 * MM;
const CELL_PAD = 4;
const RULE_WIDTH = 0.6;
// The right column must hold the national name on one line (about 256 pt in bold 12 pt Noto Serif).
const HEADER_LEFT_SHARE = 0.44;
/** Keeps a long agency line from running into the national name. */
const HEADER_GUTTER = 8;

const NATIONAL_NAME = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
const MOTTO = 'Độc lập - Tự do - Hạnh phúc';

/**
 * Input may arrive decomposed (NFD, e.g. typed on macOS or pasted from some
 * sources); the font has precomposed glyphs, and NFC keeps extracted text and
 * search in the PDF matching what the database holds.
 */
const nfc = (s: string) => s.normalize('NFC');
/** Decree 30 writes agency names, document type names and signers' titles in capitals. */
const upper = (s: string) => nfc(s).toLocaleUpperCase('vi');

class Layout {
  constructor(readonly doc: Doc) {}

  get left(): number {
    return this.doc.page.margins.left;
  }
  get width(): number {
    const { margins, width } = this.doc.page;
    return width - margins.left - margins.right;
  }
  get top(): number {
    return this.doc.page.margins.top;
  }
  get bottom(): number {
    return this.doc.page.maxY();
  }

  use(style: FontStyle, size: number): Doc {
    return this.doc.font(FONTS[style]).fontSize(size);
  }

  lineHeight(style: FontStyle, size: number): number {
    return this.use(style, size).currentLineHeight(true);
  }

  /** Starts a new page unless `height` still fits; a fresh page never breaks again, so oversize content cannot loop. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom && this.doc.y > this.top + 0.5) this.doc.addPage();
  }

  /** The largest size up to `size` at which `text` fits on one line of `width`, but not below `min`. */
  fit(text: string, style: FontStyle, size: number, width: number, min = 11): number {
    const w = this.use(style, size).widthOfString(text);
    if (w <= width) return size;
    return Math.max(min, Math.floor((size * width) / w * 4) / 4);
  }

  /**
   * Lines of `text` in the current font, as even in length as they can be
   * without adding a line: centred headings wrapped greedily leave a lone word
   * on the last line ("... HÀNH CHÍNH / CÔNG"), which Vietnamese documents avoid.
   */
  balanced(text: string, width: number): string[] {
    const words = text.split(/\s+/).filter(Boolean);
    const wrap = (w: number): string[] => {
      const lines: string[] = [];
      let cur = '';
      for (const word of words) {
        const next = cur ? `${cur} ${word}` : word;
        if (cur && this.doc.widthOfString(next) > w) {
          lines.push(cur);
          cur = word;
        } else {
          cur = next;
        }
      }
      if (cur) lines.push(cur);
      return lines;
    };
    const count = wrap(width).length;
    if (count <= 1) return wrap(width);
    let lo = 0;
    let hi = width;
    while (hi - lo > 0.5) {
      const mid = (lo + hi) / 2;
      if (wrap(mid).length <= count) hi = mid;
      else lo = mid;
    }
    return wrap(hi);
  }

  /**
   * Draws `text` centred in [x, x + width], each "\n"-separated part balanced
   * over as few lines as it needs ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" keeps its break);
   * returns the widest line's width.
   */
  centred(text: string, x: number, y: number, width: number): number {
    const lines = text.split('\n').flatMap((part) => this.balanced(part, width));
    // One call per line: pdfkit counts the width of a "\n" glyph when centring, which shifts joined lines.
    let top = y;
    for (const line of lines) {
      this.doc.text(line, x, top, { width, align: 'center' });
      top = this.doc.y;
    }
    return Math.max(0, ...lines.map((l) => this.doc.widthOfString(l)));
  }

  rule(x: number, y: number, length: number): void {
    this.doc.save().lineWidth(RULE_WIDTH).moveTo(x, y).lineTo(x + length, y).stroke().restore();
  }
}

export async function renderPdf(spec: PdfSpec): Promise<Buffer> {
  const { meta } = spec;
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGINS,
    // Every page stays in memory until the end so the footer can say "Trang i/n".
    bufferPages: true,
    // Without it pdfkit loads Helvetica, which has no Vietnamese and is not embedded.
    font: FONTS.regular,
    lang: 'vi-VN',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: nfc(meta.title),
      ...(meta.author ? { Author: nfc(meta.author) } : {}),
      ...(meta.subject ? { Subject: nfc(meta.subject) } : {}),
      ...(meta.keywords?.length ? { Keywords: nfc(meta.keywords.join(', ')) } : {}),
      Creator: 'congso',
      Producer: 'congso (pdfkit)',
      // pdfkit derives the file ID from the info dictionary, so a fixed date makes the bytes reproducible.
      CreationDate: meta.createdAt ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const L = new Layout(doc);
  if (spec.header) drawHeader(L, spec.header);
  spec.blocks.forEach((block, i) => {
    if (i > 0 && block.kind !== 'spacer') doc.y += GAP;
    drawBlock(L, block);
  });
  drawFooters(L, spec.footer);

  doc.end();
  return done;
}

function drawBlock(L: Layout, block: PdfBlock): void {
  switch (block.kind) {
    case 'title':
      return drawTitle(L, block.text, block.subtitle);
    case 'text':
      return drawText(L, block.text, fontFor(block.bold, block.italic), block.align ?? 'justify', block.indent ?? false);
    case 'fields':
      return drawFields(L, block.rows);
    case 'table':
      return drawTable(L, block.columns, block.rows);
    case 'list':
      return drawList(L, block.items, block.numbered ?? false);
    case 'signatures':
      return drawSignatures(L, block.blocks);
    case 'spacer':
      L.doc.y = Math.min(L.doc.y + (block.height ?? SIZE.body), L.bottom);
      return;
  }
}

/**
 * Decree 30, Appendix I: two columns. Left: parent body, then the issuing
 * body in bold with a rule 1/3–1/2 as long as its line, then "Số: ...". Right:
 * national name and motto (rule as long as the motto), then place and date on
 * the same line as the number.
 */
function drawHeader(L: Layout, h: PdfHeader): void {
  const { doc } = L;
  const top = doc.y;
  const leftX = L.left;
  const leftW = L.width * HEADER_LEFT_SHARE - HEADER_GUTTER / 2;
  const rightX = L.left + L.width * HEADER_LEFT_SHARE + HEADER_GUTTER / 2;
  const rightW = L.left + L.width - rightX;

  let leftY = top;
  h.agency.forEach((raw, i) => {
    const isIssuer = i === h.agency.length - 1;
    L.use(isIssuer ? 'bold' : 'regular', SIZE.header);
    const widest = L.centred(upper(raw), leftX, leftY, leftW);
    leftY = doc.y;
    if (isIssuer) {
      const ruleLen = Math.max(30, Math.min(widest, leftW) * 0.4);
      leftY += 2;
      L.rule(leftX + (leftW - ruleLen) / 2, leftY, ruleLen);
      leftY += 2;
    }
  });

  L.use('bold', L.fit(NATIONAL_NAME, 'bold', SIZE.header, rightW));
  doc.text(NATIONAL_NAME, rightX, top, { width: rightW, align: 'center' });
  L.use('bold', L.fit(MOTTO, 'bold', SIZE.motto, rightW));
  doc.text(MOTTO, rightX, doc.y, { width: rightW, align: 'center' });
  const mottoW = doc.widthOfString(MOTTO);
  let rightY = doc.y + 2;
  L.rule(rightX + (rightW - mottoW) / 2, rightY, mottoW);
  rightY += 2;

  const lineY = Math.max(leftY, rightY) + GAP;
  let endY = lineY;
  if (h.number) {
    const text = nfc(h.number);
    L.use('regular', L.fit(text, 'regular', SIZE.body, leftW));
    doc.text(text, leftX, lineY, { width: leftW, align: 'center' });
    endY = Math.max(endY, doc.y);
  }
  if (h.placeDate) {
    const text = nfc(h.placeDate);
    L.use('italic', L.fit(text, 'italic', SIZE.body, rightW));
    doc.text(text, rightX, lineY, { width: rightW, align: 'center' });
    endY = Math.max(endY, doc.y);
  }
  doc.x = L.left;
  doc.y = endY + 3 * GAP;
}

function drawTitle(L: Layout, text: string, subtitle: string | undefined): void {
  const { doc } = L;
  const title = upper(text);
  const width = L.width;
  let height = L.use('bold', SIZE.title).heightOfString(title, { width, align: 'center' });
  if (subtitle) height += L.use('italic', SIZE.body).heightOfString(nfc(subtitle), { width, align: 'center' });
  // Keep the title with at least two lines of what follows it.
  L.ensure(GAP + height + 2 * L.lineHeight('regular', SIZE.body));
  L.use('bold', SIZE.title);
  L.centred(title, L.left, doc.y + GAP, width);
  if (subtitle) {
    L.use('italic', SIZE.body);
    L.centred(nfc(subtitle), L.left, doc.y, width);
  }
  doc.y += 2 * GAP;
}

function drawText(L: Layout, text: string, style: FontStyle, align: Align, indent: boolean): void {
  const { doc } = L;
  nfc(text).split('\n').forEach((para, i) => {
    if (i > 0) doc.y += GAP;
    L.ensure(L.lineHeight(style, SIZE.body));
    // pdfkit flows the paragraph onto new pages itself.
    L.use(style, SIZE.body).text(para, L.left, doc.y, { width: L.width, align, indent: indent ? INDENT : 0 });
  });
}

function drawFields(L: Layout, rows: [label: string, value: string][]): void {
  const { doc } = L;
  const width = L.width;
  rows.forEach(([rawLabel, rawValue], i) => {
    if (i > 0) doc.y += GAP / 3;
    const label = `${nfc(rawLabel)}: `;
    let value = nfc(rawValue);
    if (!value.trim()) {
      // Blank value on a printed form: a dotted line to write on by hand.
      const labelW = L.use('bold', SIZE.body).widthOfString(label);
      const dotW = L.use('regular', SIZE.body).widthOfString('.');
      value = '.'.repeat(Math.max(3, Math.floor((width - labelW) / dotW) - 2));
    }
    L.ensure(L.lineHeight('bold', SIZE.body));
    L.use('bold', SIZE.body).text(label, L.left, doc.y, { width, align: 'left', continued: true });
    L.use('regular', SIZE.body).text(value, { width, align: 'left' });
  });
}

function drawTable(L: Layout, columns: { title: string; width?: number }[], rows: string[][]): void {
  const { doc } = L;
  if (columns.length === 0) return;
  const weights = columns.map((c) => {
    const w = c.width ?? 1;
    if (!(w > 0)) throw new RangeError(`table column "${c.title}": width must be positive`);
    return w;
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const widths = weights.map((w) => (L.width * w) / total);
  const header = columns.map((c) => nfc(c.title));

  const measure = (cells: string[], style: FontStyle): number => {
    L.use(style, SIZE.table);
    const minH = doc.currentLineHeight(true);
    const h = cells.reduce((m, c, i) => Math.max(m, c ? doc.heightOfString(c, { width: widths[i]! - 2 * CELL_PAD }) : minH), minH);
    return h + 2 * CELL_PAD;
  };

  const drawRow = (cells: string[], y: number, h: number, style: FontStyle, align: Align, clipped: boolean): void => {
    let x = L.left;
    cells.forEach((c, i) => {
      const w = widths[i]!;
      doc.save().lineWidth(RULE_WIDTH).rect(x, y, w, h).stroke().restore();
      if (c) {
        L.use(style, SIZE.table).text(c, x + CELL_PAD, y + CELL_PAD, {
          width: w - 2 * CELL_PAD,
          align,
          // Only a row taller than a page is cut; measured rows get no height so rounding cannot drop a line.
          ...(clipped ? { height: h - 2 * CELL_PAD, ellipsis: true } : {}),
        });
      }
      x += w;
    });
    doc.x = L.left;
    doc.y = y + h;
  };

  const headerH = measure(header, 'bold');
  const drawHeaderRow = () => drawRow(header, doc.y, headerH, 'bold', 'center', false);
  const body = rows.map((r, ri) => {
    if (r.length > columns.length) throw new RangeError(`table row ${ri + 1} has ${r.length} cells for ${columns.length} columns`);
    return columns.map((_, i) => nfc(r[i] ?? ''));
  });

  const maxRowH = L.bottom - L.top - headerH;
  const firstH = body.length ? Math.min(measure(body[0]!, 'regular'), maxRowH) : 0;
  L.ensure(headerH + firstH);
  drawHeaderRow();
  for (const cells of body) {
    const natural = measure(cells, 'regular');
    const h = Math.min(natural, maxRowH);
    if (doc.y + h > L.bottom) {
      doc.addPage();
      drawHeaderRow();
    }
    drawRow(cells, doc.y, h, 'regular', 'left', natural > h);
  }
}

function drawList(L: Layout, items: string[], numbered: boolean): void {
  const { doc } = L;
  L.use('regular', SIZE.body);
  const markerW = numbered ? doc.widthOfString(`${items.length}.`) + 8 : INDENT * 0.6;
  items.forEach((raw, i) => {
    if (i > 0) doc.y += GAP / 2;
    L.ensure(L.lineHeight('regular', SIZE.body));
    const y = doc.y;
    // Decree 30 documents list with "-" dashes or "1." numbers, not bullets.
    L.use('regular', SIZE.body).text(numbered ? `${i + 1}.` : '-', L.left, y, { width: markerW, lineBreak: false });
    doc.text(nfc(raw), L.left + markerW, y, { width: L.width - markerW, align: 'justify' });
  });
  doc.x = L.left;
}

function drawSignatures(L: Layout, blocks: { title: string; subtitle?: string; name?: string }[]): void {
  const { doc } = L;
  if (blocks.length === 0) return;
  // A single signer signs on the right, as in every Decree 30 template.
  const colW = blocks.length === 1 ? L.width / 2 : L.width / blocks.length;
  const x0 = blocks.length === 1 ? L.left + L.width / 2 : L.left;
  const cols = blocks.map((b) => ({
    title: upper(b.title),
    subtitle: b.subtitle ? nfc(b.subtitle) : '',
    name: b.name ? nfc(b.name) : '',
  }));
  const opts = { width: colW - 2 * CELL_PAD, align: 'center' as const };
  const headH = Math.max(
    ...cols.map(
      (c) =>
        L.use('bold', SIZE.body).heightOfString(c.title, opts) +
        (c.subtitle ? L.use('italic', SIZE.body).heightOfString(c.subtitle, opts) : 0),
    ),
  );
  const nameH = Math.max(...cols.map((c) => (c.name ? L.use('bold', SIZE.body).heightOfString(c.name, opts) : 0)));
  // The whole block moves to the next page together: a signature must not be separated from its title.
  L.ensure(2 * GAP + headH + SIGNATURE_SPACE + nameH);
  const top = doc.y + 2 * GAP;
  const nameY = top + headH + SIGNATURE_SPACE;
  cols.forEach((c, i) => {
    const x = x0 + i * colW + CELL_PAD;
    L.use('bold', SIZE.body);
    L.centred(c.title, x, top, opts.width);
    if (c.subtitle) {
      L.use('italic', SIZE.body);
      L.centred(c.subtitle, x, doc.y, opts.width);
    }
    if (c.name) L.use('bold', SIZE.body).text(c.name, x, nameY, opts);
  });
  doc.x = L.left;
  doc.y = nameY + nameH;
}

/**
 * Drawn last, once the page count is known, inside the bottom margin. Page
 * numbers appear on every document of more than one page (so a page lost or
 * swapped shows), and on any document with a footer.
 */
function drawFooters(L: Layout, footer: string | undefined): void {
  const { doc } = L;
  const range = doc.bufferedPageRange();
  const total = range.count;
  if (footer === undefined && total < 2) return;
  const text = footer === undefined ? '' : nfc(footer);
  for (let i = 0; i < total; i++) {
    doc.switchToPage(range.start + i);
    const { margins, height } = doc.page;
    const bottomMargin = margins.bottom;
    // Writing below maxY() would make pdfkit open a new page.
    margins.bottom = 0;
    const y = height - bottomMargin + 4 * MM;
    L.use('regular', SIZE.footer).fillColor('#333333');
    const num = `Trang ${i + 1}/${total}`;
    const numW = doc.widthOfString(num);
    if (text) {
      doc.save().lineWidth(0.4).strokeColor('#777777').moveTo(L.left, y - 3).lineTo(L.left + L.width, y - 3).stroke().restore();
      doc.text(text, L.left, y, { width: L.width - numW - 12, height: doc.currentLineHeight(true), ellipsis: true });
    }
    doc.text(num, L.left + L.width - numW, y, { lineBreak: false });
    doc.fillColor('black');
    margins.bottom = bottomMargin;
  }
}
