import { PDF, PdfArray, PdfDict, PdfName, PdfNumber, PdfRef, PdfString } from '@libpdf/core';
import { renderAppearance, textBoxSize, type Appearance } from './appearance.js';
import { buildPadesCms } from './cms.js';
import { pkiErrors } from './errors.js';
import { openForSigning } from './inspect.js';
import { checkSigningCertificate, type RemoteSigner } from './keys.js';
import type { TimestampAuthority } from './tsa.js';
import { isoVn, sha256 } from './util.js';

/**
 * PAdES signing (ETSI EN 319 142-1) as an incremental update: the original bytes
 * are kept as they are and the signature, its field and its appearance are
 * appended, so every earlier signature still covers exactly what it covered.
 * @libpdf/core parses the file and writes the update; we write the signature
 * dictionary, the visible widget and the CMS ourselves because its own sign()
 * puts a signing-time attribute in the CMS (PAdES baseline forbids it) and only
 * makes invisible widgets.
 */

export type PadesLevel = 'B-B' | 'B-T';

export interface Placement {
  /** 0-based page index. */
  page: number;
  /** PDF points from the page's lower-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SignPdfOptions {
  signer: RemoteSigner;
  level?: PadesLevel;
  /** Required for B-T. */
  tsa?: TimestampAuthority;
  /** The claimed signing time written to /M (not proven: that is what B-T is for). Defaults to now. */
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  fieldName?: string;
  /** No appearance means an invisible signature. */
  appearance?: Appearance;
  /** Where the appearance goes; text defaults to the top right of page 1 (Decree 30), images to the lower right of the last page. */
  placement?: Placement;
  /** CRLs to carry in the CMS: the revocation status known at signing time. */
  crls?: Uint8Array[];
  maxBytes?: number;
}

export interface SignPdfResult {
  bytes: Uint8Array;
  fieldName: string;
  byteRange: [number, number, number, number];
  level: PadesLevel;
}

const MM = 72 / 25.4;
/** Placeholder values wide enough for any offset in a 50 MB file, rewritten in place after saving. */
const BYTE_RANGE_PLACEHOLDER = 9_999_999_999;

function placementFor(pdf: PDF, appearance: Appearance, given?: Placement): Placement {
  if (given) return given;
  if (appearance.kind === 'text') {
    const page = pdf.getPage(0)!;
    const box = page.getMediaBox();
    const { width, height } = textBoxSize(appearance.lines);
    return { page: 0, x: box.x + box.width - 15 * MM - width, y: box.y + box.height - 3 * MM - height, width, height };
  }
  const last = pdf.getPages().length - 1;
  const box = pdf.getPage(last)!.getMediaBox();
  return { page: last, x: box.x + box.width - 15 * MM - 60 * MM, y: box.y + 30 * MM, width: 60 * MM, height: 30 * MM };
}

function uniqueName(pdf: PDF, wanted?: string): string {
  const names = new Set((pdf.getForm()?.getFields() ?? []).map((f) => f.name));
  if (wanted) {
    if (names.has(wanted)) throw pkiErrors.unsupported(`reusing the signature field "${wanted}"`);
    return wanted;
  }
  let i = names.size + 1;
  while (names.has(`Signature${i}`)) i++;
  return `Signature${i}`;
}

function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

function text(s: string): PdfString {
  return PdfString.fromString(s.normalize('NFC'));
}

export async function signPdf(input: Uint8Array, opts: SignPdfOptions): Promise<SignPdfResult> {
  const level = opts.level ?? (opts.tsa ? 'B-T' : 'B-B');
  if (level === 'B-T' && !opts.tsa) throw pkiErrors.unsupported('level B-T without a time-stamping authority (--tsa)');
  const signingTime = opts.signingTime ?? new Date();
  checkSigningCertificate(opts.signer.certificate, signingTime);
  const pdf = await openForSigning(input, opts.maxBytes);
  const blocker = pdf.canSaveIncrementally();
  if (blocker) throw pkiErrors.malformed(`an incremental update cannot be appended (${blocker})`);

  const crls = opts.crls ?? [];
  // Room for the CMS: RSA-2048 signature and attributes (~2 KB), the chain, CRLs, and a TSA token with its own chain.
  const reserve = 4096 + [opts.signer.certificate, ...opts.signer.chain, ...crls].reduce((n, c) => n + c.length, 0) + (level === 'B-T' ? 8192 : 0);

  const sig = PdfDict.of({
    Type: PdfName.of('Sig'),
    Filter: PdfName.of('Adobe.PPKLite'),
    SubFilter: PdfName.of('ETSI.CAdES.detached'),
    ByteRange: new PdfArray([0, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER].map((n) => PdfNumber.of(n))),
    Contents: PdfString.fromBytes(new Uint8Array(reserve)),
    M: PdfString.fromString(pdfDate(signingTime)),
  });
  if (opts.reason) sig.set('Reason', text(opts.reason));
  if (opts.location) sig.set('Location', text(opts.location));
  if (opts.contactInfo) sig.set('ContactInfo', text(opts.contactInfo));
  const sigRef = pdf.register(sig);

  const fieldName = uniqueName(pdf, opts.fieldName);
  const field = pdf.getOrCreateForm().createSignatureField(fieldName);
  const fieldRef = field.getRef()!;
  const widget = field.getDict();
  widget.delete('Kids'); // one field, one widget: merged into a single dictionary
  widget.set('V', sigRef);
  widget.set('Type', PdfName.of('Annot'));
  widget.set('Subtype', PdfName.of('Widget'));
  widget.set('F', PdfNumber.of(4 | 128)); // Print | Locked

  let pageIndex = 0;
  if (opts.appearance) {
    const at = placementFor(pdf, opts.appearance, opts.placement);
    if (at.page < 0 || at.page >= pdf.getPages().length) throw pkiErrors.unsupported(`page ${at.page + 1}: the document has ${pdf.getPages().length}`);
    pageIndex = at.page;
    const apDoc = await PDF.load(await renderAppearance(opts.appearance, at.width, at.height));
    const embedded = await pdf.embedPage(apDoc, 0);
    widget.set('Rect', new PdfArray([at.x, at.y, at.x + at.width, at.y + at.height].map((n) => PdfNumber.of(Math.round(n * 100) / 100))));
    widget.set('AP', PdfDict.of({ N: embedded.ref }));
  } else {
    widget.set('Rect', new PdfArray([0, 0, 0, 0].map((n) => PdfNumber.of(n))));
  }
  const page = pdf.getPage(pageIndex)!;
  widget.set('P', page.ref);
  addAnnotation(pdf, page.dict, fieldRef);

  const out = await pdf.save({ incremental: true });
  if (!Buffer.from(out.subarray(0, input.length)).equals(Buffer.from(input))) {
    // Never happens with an incremental save; if it ever did, earlier signatures would silently break.
    throw pkiErrors.malformed('the update rewrote earlier bytes');
  }
  const byteRange = patchByteRange(out, input.length, reserve);
  const documentDigest = sha256(out.subarray(0, byteRange[1]), out.subarray(byteRange[2], byteRange[2] + byteRange[3]));
  const cms = await buildPadesCms({ signer: opts.signer, documentDigest, tsa: level === 'B-T' ? opts.tsa : undefined, crls });
  if (cms.length > reserve) throw pkiErrors.space(cms.length, reserve);
  Buffer.from(out.buffer, out.byteOffset, out.length).write(Buffer.from(cms).toString('hex'), byteRange[1] + 1, 'latin1');
  return { bytes: out, fieldName, byteRange, level };
}

function addAnnotation(pdf: PDF, pageDict: PdfDict, ref: PdfRef): void {
  const annots = pageDict.get('Annots');
  if (annots instanceof PdfRef) {
    const arr = pdf.getObject(annots);
    if (arr instanceof PdfArray) {
      arr.push(ref);
      return;
    }
  }
  if (annots instanceof PdfArray) {
    annots.push(ref);
    return;
  }
  pageDict.set('Annots', new PdfArray([ref]));
}

/**
 * Finds our placeholders in the appended update, fills in the real ByteRange
 * (padded with spaces to the placeholder's width, so no offset moves) and
 * returns it.
 */
function patchByteRange(out: Uint8Array, from: number, reserve: number): [number, number, number, number] {
  const buf = Buffer.from(out.buffer, out.byteOffset, out.length);
  const hole = `<${'0'.repeat(reserve * 2)}>`;
  const cStart = buf.indexOf(hole, from, 'latin1');
  const brKey = buf.indexOf('/ByteRange', from, 'latin1');
  if (cStart < 0 || brKey < 0) throw pkiErrors.malformed('signature placeholders not found in the update');
  const open = buf.indexOf('[', brKey, 'latin1');
  const close = buf.indexOf(']', open, 'latin1');
  const cEnd = cStart + hole.length;
  const range: [number, number, number, number] = [0, cStart, cEnd, out.length - cEnd];
  const value = `[${range.join(' ')}`;
  const width = close - open;
  if (value.length > width) throw pkiErrors.malformed('ByteRange placeholder too small');
  buf.write(value.padEnd(width, ' '), open, 'latin1');
  return range;
}

/**
 * Where the organisation's seal goes when it is applied as its own signature
 * after the signer's (Decree 30 appendix I): a disc of the seal's real size
 * (default 36 mm), vertically centred on the signer's image, covering its left
 * third.
 */
export function sealPlacementOver(signature: Placement, diameterMm = 36): Placement {
  const d = diameterMm * MM;
  return { page: signature.page, x: signature.x + signature.width / 3 - d, y: signature.y + (signature.height - d) / 2, width: d, height: d };
}

/** The text Decree 30 puts in the organisation's top-right signature box. */
export function decree30TextLines(p: { organisation: string; signer?: string; number?: string; time: Date }): string[] {
  return [
    ...(p.signer ? [`Người ký: ${p.signer}`] : []),
    `Cơ quan: ${p.organisation}`,
    ...(p.number ? [`Số, ký hiệu: ${p.number}`] : []),
    `Thời gian ký: ${isoVn(p.time)}`,
  ];
}
