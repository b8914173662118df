import { PDF, PdfArray, PdfDict, PdfName, PdfRef, PdfStream, type PdfObject } from '@libpdf/core';
import { pkiErrors } from './errors.js';

/**
 * Reading untrusted PDFs. A signature vouches for what a reader sees; JavaScript
 * and embedded files can change or hide that after the fact, so we refuse to
 * sign such files and report them when validating.
 */

/** 50 MB: a scanned 200-page decree is about 30 MB; anything bigger is not a document we sign. */
export const MAX_PDF_BYTES = 50 * 1024 * 1024;

export interface ActiveContent {
  javascript: boolean;
  embeddedFiles: boolean;
  launchActions: boolean;
}

export async function openPdf(bytes: Uint8Array, maxBytes = MAX_PDF_BYTES): Promise<PDF> {
  if (bytes.length > maxBytes) throw pkiErrors.tooLarge(bytes.length, maxBytes);
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (!head.includes('%PDF-')) throw pkiErrors.malformed('no %PDF- header');
  let pdf: PDF;
  try {
    pdf = await PDF.load(bytes);
  } catch (e) {
    throw pkiErrors.malformed((e as Error).message);
  }
  if (pdf.isEncrypted) throw pkiErrors.encrypted();
  let pages: number;
  try {
    pages = pdf.getPages().length;
  } catch (e) {
    throw pkiErrors.malformed((e as Error).message);
  }
  if (pages === 0) throw pkiErrors.malformed('no pages');
  return pdf;
}

/**
 * Walks every object reachable from the catalog (not stream data) looking for
 * JavaScript, Launch actions and embedded files, wherever they hang: name tree,
 * OpenAction, additional actions, link and widget actions, file attachment
 * annotations. Object streams are covered because we walk parsed objects, not
 * raw bytes.
 */
export function findActiveContent(pdf: PDF, limit = 500_000): ActiveContent {
  const found: ActiveContent = { javascript: false, embeddedFiles: false, launchActions: false };
  const seen = new Set<string>();
  const stack: PdfObject[] = [pdf.getCatalog()];
  let visited = 0;
  while (stack.length && visited++ < limit) {
    let obj = stack.pop()!;
    if (obj instanceof PdfRef) {
      const key = `${obj.objectNumber} ${obj.generation}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const resolved = pdf.getObject(obj);
      if (!resolved) continue;
      obj = resolved;
    }
    if (obj instanceof PdfDict) {
      // The page tree points back up through /Parent; following it only revisits.
      for (const k of obj.keys()) {
        const name = k.value;
        if (name === 'JS' || name === 'JavaScript') found.javascript = true;
        if (name === 'EmbeddedFiles' || name === 'EF') found.embeddedFiles = true;
        if (name === 'Parent' || name === 'P') continue;
        const v = obj.get(k);
        if (v) stack.push(v);
      }
      const s = obj.get('S');
      if (s instanceof PdfName && s.value === 'JavaScript') found.javascript = true;
      if (s instanceof PdfName && s.value === 'Launch') found.launchActions = true;
      const t = obj.get('Type');
      if (t instanceof PdfName && t.value === 'EmbeddedFile') found.embeddedFiles = true;
      const st = obj.get('Subtype');
      if (st instanceof PdfName && st.value === 'FileAttachment') found.embeddedFiles = true;
      if (obj instanceof PdfStream) continue;
    } else if (obj instanceof PdfArray) {
      for (const item of obj.toArray()) stack.push(item);
    }
  }
  return found;
}

export function describeActive(a: ActiveContent): string[] {
  const out: string[] = [];
  if (a.javascript) out.push('JavaScript');
  if (a.launchActions) out.push('Launch actions');
  if (a.embeddedFiles) out.push('embedded files');
  return out;
}

/** Refuses a PDF we must not sign; returns it opened. */
export async function openForSigning(bytes: Uint8Array, maxBytes = MAX_PDF_BYTES): Promise<PDF> {
  const pdf = await openPdf(bytes, maxBytes);
  const active = describeActive(findActiveContent(pdf));
  if (active.length) throw pkiErrors.activeContent(active.join(', '));
  return pdf;
}
