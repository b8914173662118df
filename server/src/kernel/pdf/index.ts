/**
 * Vietnamese PDF rendering for forms, receipts and letters: a module describes
 * the document as data (a PdfSpec) and gets PDF bytes back; layout follows
 * Decree 30/2020/NĐ-CP on administrative documents. See docs/pdf.md.
 */

export type PdfBlock =
  /** Document type name (tên loại văn bản): centred, bold, upper-cased; subtitle (trích yếu) italic below. */
  | { kind: 'title'; text: string; subtitle?: string }
  /** A paragraph; `\n` starts a new one. Justified by default, as Decree 30 asks of body text. */
  | { kind: 'text'; text: string; bold?: boolean; italic?: boolean; align?: 'left' | 'center' | 'right' | 'justify'; indent?: boolean }
  /** "Label: value" lines, label bold, value wraps; an empty value prints a dotted line to fill in by hand. */
  | { kind: 'fields'; rows: [label: string, value: string][] }
  /** Bordered table, header bold and repeated on each page; `width` is a relative weight (default 1). */
  | { kind: 'table'; columns: { title: string; width?: number }[]; rows: string[][] }
  | { kind: 'list'; items: string[]; numbered?: boolean }
  /** Side-by-side signature columns, kept together on one page; a single block sits in the right half. A `\n` in a title is kept ("KT. Giám đốc\nPhó Giám đốc"). */
  | { kind: 'signatures'; blocks: { title: string; subtitle?: string; name?: string }[] }
  | { kind: 'spacer'; height?: number };

export interface PdfHeader {
  /** Issuing body lines, top-left, centred in its column: parent body (regular, uppercase) then the body itself (bold, uppercase, short rule under it). */
  agency: string[];
  /** Document number line under the agency, e.g. "Số: 000.00.04.H42-261123-0001". */
  number?: string;
  /** Place and date, italic, right column under the national motto, e.g. vnPlaceDate('Ninh Bình', date). */
  placeDate?: string;
}

export interface PdfSpec {
  meta: {
    title: string;
    author?: string;
    subject?: string;
    keywords?: string[];
    /** The PDF's CreationDate; fixed, it makes the output byte-for-byte reproducible. Defaults to now. */
    createdAt?: Date;
  };
  /** Decree 30/2020 header: agency left, national name "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold) and motto "Độc lập - Tự do - Hạnh phúc" (bold, rule under) right. Omit for plain documents. */
  header?: PdfHeader;
  blocks: PdfBlock[];
  /** Small text at the bottom of every page, plus "Trang i/n" page numbers. */
  footer?: string;
  /** Page size A4 portrait; margins per Decree 30 (top 20 mm, bottom 20 mm, left 30 mm, right 15 mm). */
}

export { renderPdf } from './render.js';
export { vnDate, vnDateTime, vnMoney, vnPlaceDate } from './format.js';
