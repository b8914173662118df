import { PDF, PdfArray, PdfBool, PdfDict, PdfName, PdfNumber, PdfRef, PdfStream, PdfString, type PdfObject } from '@libpdf/core';
import { hex, sha256 } from './util.js';

/**
 * What changed between the revision a signature covers and the document a
 * reader opens today. A signature only protects its own revision's bytes; an
 * incremental update after it can still redraw a page (the "shadow attack").
 * We compare what each page shows (its content streams and everything its
 * resources reach) and its annotations, the way DSS's PDF modification
 * detection does: new signature fields are expected, new annotations are
 * reported, any change to what a page shows fails the signature.
 */

export type ChangeKind = 'none' | 'signatures' | 'annotations' | 'content';

export interface RevisionDiff {
  kind: ChangeKind;
  /** Pages (1-based) whose content differs. */
  pagesChanged: number[];
  pagesAdded: number;
  pagesRemoved: number;
  signatureFieldsAdded: number;
  annotationsAdded: number;
  annotationsChanged: number;
}

class Canon {
  private memo = new Map<string, string>();
  constructor(private readonly pdf: PDF) {}

  /** A stable digest of an object and everything it references; /Parent and /P are back-links and skipped. */
  of(obj: PdfObject | undefined, depth = 0): string {
    if (obj === undefined) return 'u';
    if (depth > 64) return 'deep';
    if (obj instanceof PdfRef) {
      const key = `${obj.objectNumber} ${obj.generation}`;
      const hit = this.memo.get(key);
      if (hit) return hit;
      this.memo.set(key, `cycle:${key}`);
      const resolved = this.pdf.getObject(obj);
      const v = resolved ? this.of(resolved, depth + 1) : 'null';
      this.memo.set(key, v);
      return v;
    }
    if (obj instanceof PdfStream) {
      // The stream's bytes as stored, with its filters in the dictionary: any change to them
      // is a change (stricter than comparing decoded data, and it spares inflating every
      // image of every revision, which was most of a validation's time).
      return hex(sha256(Buffer.from(this.dict(obj, depth, ['Length'])), obj.data)).slice(0, 32);
    }
    if (obj instanceof PdfDict) return hex(sha256(Buffer.from(this.dict(obj, depth, [])))).slice(0, 32);
    if (obj instanceof PdfArray) return `[${obj.toArray().map((o) => this.of(o, depth + 1)).join(' ')}]`;
    if (obj instanceof PdfName) return `/${obj.value}`;
    if (obj instanceof PdfNumber) return String(obj.value);
    if (obj instanceof PdfString) return `<${hex(obj.bytes)}>`;
    if (obj instanceof PdfBool) return String(obj.value);
    return 'null';
  }

  private dict(d: PdfDict, depth: number, skip: string[]): string {
    const keys = [...d.keys()].map((k) => k.value).filter((k) => k !== 'Parent' && k !== 'P' && !skip.includes(k)).sort();
    return keys.map((k) => `/${k} ${this.of(d.get(k), depth + 1)}`).join('\n');
  }
}

interface PageView {
  content: string;
  annots: { hash: string; sigWidget: boolean }[];
}

function isSignatureWidget(pdf: PDF, d: PdfDict): boolean {
  const ft = d.get('FT');
  if (ft instanceof PdfName) return ft.value === 'Sig';
  const parent = d.get('Parent');
  const p = parent instanceof PdfRef ? pdf.getObject(parent) : parent;
  return p instanceof PdfDict && p.get('FT') instanceof PdfName && (p.get('FT') as PdfName).value === 'Sig';
}

function pages(pdf: PDF): PageView[] {
  const canon = new Canon(pdf);
  return pdf.getPages().map((page) => {
    const d = page.dict;
    const content = ['Contents', 'Resources', 'MediaBox', 'CropBox', 'Rotate'].map((k) => canon.of(d.get(k))).join('|');
    const annotsObj = d.get('Annots');
    const arr = annotsObj instanceof PdfRef ? pdf.getObject(annotsObj) : annotsObj;
    const annots = arr instanceof PdfArray
      ? arr.toArray().map((a) => {
          const ad = a instanceof PdfRef ? pdf.getObject(a) : a;
          return { hash: canon.of(a), sigWidget: ad instanceof PdfDict && isSignatureWidget(pdf, ad) };
        })
      : [];
    return { content, annots };
  });
}

export function diffRevisions(signed: PDF, current: PDF): RevisionDiff {
  const a = pages(signed);
  const b = pages(current);
  const diff: RevisionDiff = { kind: 'none', pagesChanged: [], pagesAdded: Math.max(0, b.length - a.length), pagesRemoved: Math.max(0, a.length - b.length), signatureFieldsAdded: 0, annotationsAdded: 0, annotationsChanged: 0 };
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]!.content !== b[i]!.content) diff.pagesChanged.push(i + 1);
    const before = new Set(a[i]!.annots.map((x) => x.hash));
    const after = new Set(b[i]!.annots.map((x) => x.hash));
    for (const x of b[i]!.annots) {
      if (before.has(x.hash)) continue;
      if (x.sigWidget) diff.signatureFieldsAdded++;
      else diff.annotationsAdded++;
    }
    for (const x of a[i]!.annots) if (!after.has(x.hash)) diff.annotationsChanged++;
  }
  if (diff.pagesChanged.length || diff.pagesAdded || diff.pagesRemoved) diff.kind = 'content';
  else if (diff.annotationsAdded || diff.annotationsChanged) diff.kind = 'annotations';
  else if (diff.signatureFieldsAdded) diff.kind = 'signatures';
  return diff;
}
