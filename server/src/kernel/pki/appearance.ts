import PDFDocument from 'pdfkit';
import { FONTS } from '../pdf/fonts.js';
import { pkiErrors } from './errors.js';

/**
 * What a signature looks like on the page (Decree 30/2020, appendix I):
 * - image: the signer's signature image (blue, transparent PNG), and/or the
 *   organisation's seal image (red, real size) over the left third of it;
 * - text: the organisation's signature on attachments and copies, no image,
 *   top right of page 1: organisation, number/symbol, and the signing time in
 *   ISO 8601 with the Vietnam offset.
 * The appearance is drawn with pdfkit (Vietnamese text in Noto Serif, the
 * renderer kernel/pdf uses) as a one-page PDF the size of the box; the signer
 * imports that page as the widget's appearance stream.
 */
export type Appearance =
  | { kind: 'image'; image?: Uint8Array; seal?: Uint8Array }
  | { kind: 'text'; lines: string[] };

/** Decree 30 asks for Times New Roman 10 pt; Noto Serif is the Times-like face we ship (see kernel/pdf/fonts.ts). */
const TEXT_SIZE = 10;
const PAD = 4;

function checkPng(bytes: Uint8Array, what: string): Buffer {
  const b = Buffer.from(bytes);
  if (b.length < 24 || b.toString('latin1', 1, 4) !== 'PNG') throw pkiErrors.image(`${what}: not a PNG`);
  return b;
}

/** Pixel size from the PNG header (IHDR). */
function pngSize(b: Buffer): { w: number; h: number } {
  const w = b.readUInt32BE(16);
  const h = b.readUInt32BE(20);
  if (!w || !h) throw pkiErrors.image('empty PNG');
  return { w, h };
}

/** Width and height a text box needs for `lines`, so callers can place it before drawing. */
export function textBoxSize(lines: string[]): { width: number; height: number } {
  const doc = new PDFDocument({ autoFirstPage: false });
  doc.font(FONTS.regular).fontSize(TEXT_SIZE);
  const width = Math.ceil(Math.max(...lines.map((l) => doc.widthOfString(l.normalize('NFC'))))) + 2 * PAD + 2;
  const height = Math.ceil(lines.length * doc.currentLineHeight(true)) + 2 * PAD;
  return { width, height };
}

export async function renderAppearance(a: Appearance, width: number, height: number): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: [width, height], margin: 0, compress: true, info: { Producer: 'congso', Creator: 'congso' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  if (a.kind === 'image') {
    if (!a.image && !a.seal) throw pkiErrors.image('no image given');
    try {
      const image = a.image ? checkPng(a.image, 'signature') : null;
      const seal = a.seal ? checkPng(a.seal, 'seal') : null;
      if (image && seal) {
        // Decree 30 appendix I: the seal (a disc as tall as the box) at the left, over the
        // left third of the signature image: sigX = d - sigW/3, and sigX + sigW fits the box.
        const d = Math.min(height, width * 0.6);
        const { w, h } = pngSize(image);
        const sigW = Math.min(1.5 * (width - d), (height * w) / h);
        const sigH = (sigW * h) / w;
        doc.image(image, d - sigW / 3, (height - sigH) / 2, { width: sigW, height: sigH });
        doc.image(seal, 0, (height - d) / 2, { fit: [d, d] });
      } else if (image) {
        doc.image(image, 0, 0, { fit: [width, height], align: 'center', valign: 'center' });
      } else if (seal) {
        const d = Math.min(width, height);
        doc.image(seal, (width - d) / 2, (height - d) / 2, { fit: [d, d] });
      }
    } catch (e) {
      if ((e as { code?: string }).code === 'PKI_APPEARANCE_IMAGE') throw e;
      throw pkiErrors.image((e as Error).message);
    }
  } else {
    doc.rect(0.5, 0.5, width - 1, height - 1).lineWidth(0.5).strokeColor('#1f3a93').stroke();
    doc.font(FONTS.regular).fontSize(TEXT_SIZE).fillColor('#1f3a93');
    let y = PAD;
    for (const line of a.lines) {
      doc.text(line.normalize('NFC'), PAD + 1, y, { lineBreak: false });
      y += doc.currentLineHeight(true);
    }
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
