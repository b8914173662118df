import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDF } from '@libpdf/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPdf } from '../pdf/index.js';
import { sampleSpec } from '../pdf/sample.js';
import { issueCrl } from './dev-ca.js';
import { demoSealPng, demoSignaturePng } from './demo-images.js';
import { decree30TextLines, sealPlacementOver, signPdf, type Placement } from './sign.js';
import { independentChecks, run, testPki, type TestPki } from './testing.js';
import { validatePdf } from './validate.js';

/**
 * Decree 30/2020 appendix I appearances, checked on the rendered page
 * (poppler's pdftoppm): the signer's blue signature image, the red seal over
 * its left third, and the text-only organisation signature at the top right
 * of attachments and copies. Each signed file still validates.
 */

const DPI = 72; // one pixel per point: PDF coordinates map straight to pixels
let pki: TestPki;
let dir: string;
let source: Uint8Array;
let crl: Uint8Array;
let signature: Uint8Array;
let seal: Uint8Array;
let n = 0;

beforeAll(async () => {
  pki = await testPki();
  dir = mkdtempSync(path.join(os.tmpdir(), 'congso-appearance-'));
  source = new Uint8Array(await renderPdf(sampleSpec()));
  crl = await issueCrl(pki.ca, []);
  [signature, seal] = await Promise.all([demoSignaturePng('Nguyễn Văn An'), demoSealPng('UBND tỉnh Ninh Bình', 'Ninh Bình')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Raster {
  width: number;
  height: number;
  pageHeightPt: number;
  rgb(x: number, y: number): [number, number, number];
}

async function render(pdf: Uint8Array, page: number): Promise<Raster> {
  const file = path.join(dir, `r${n++}.pdf`);
  writeFileSync(file, pdf);
  await run('pdftoppm', ['-f', String(page + 1), '-l', String(page + 1), '-r', String(DPI), '-png', '-singlefile', file, file]);
  const { data, info } = await sharp(`${file}.png`).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const doc = await PDF.load(pdf);
  const box = doc.getPage(page)!.getMediaBox();
  return {
    width: info.width,
    height: info.height,
    pageHeightPt: box.height,
    rgb: (x, y) => {
      const o = (y * info.width + x) * 3;
      return [data[o]!, data[o + 1]!, data[o + 2]!];
    },
  };
}

const isRed = ([r, g, b]: number[]) => r! > 150 && g! < 120 && b! < 120;
const isBlue = ([r, g, b]: number[]) => b! > 110 && r! < 110 && b! > g! + 30;

/** Counts pixels matching `test` inside a rectangle given in PDF points (origin bottom left). */
function count(img: Raster, r: { x: number; y: number; width: number; height: number }, test: (p: number[]) => boolean): number {
  const k = DPI / 72;
  const x0 = Math.max(0, Math.floor(r.x * k));
  const x1 = Math.min(img.width, Math.ceil((r.x + r.width) * k));
  const y0 = Math.max(0, Math.floor((img.pageHeightPt - r.y - r.height) * k));
  const y1 = Math.min(img.height, Math.ceil((img.pageHeightPt - r.y) * k));
  let c = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (test(img.rgb(x, y))) c++;
  return c;
}

/** Bounding box (pixels) of every pixel that differs between two renderings of the same page. */
function changed(a: Raster, b: Raster): { minX: number; minY: number; maxX: number; maxY: number; pixels: number } {
  const box = { minX: Infinity, minY: Infinity, maxX: -1, maxY: -1, pixels: 0 };
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const p = a.rgb(x, y);
      const q = b.rgb(x, y);
      if (Math.abs(p[0] - q[0]) + Math.abs(p[1] - q[1]) + Math.abs(p[2] - q[2]) > 30) {
        box.pixels++;
        box.minX = Math.min(box.minX, x);
        box.maxX = Math.max(box.maxX, x);
        box.minY = Math.min(box.minY, y);
        box.maxY = Math.max(box.maxY, y);
      }
    }
  }
  return box;
}

describe('Decree 30 appendix I appearances', () => {
  it('the leader signs with the signature image, the clerk applies the seal over its left third: both drawn, both TOTAL_PASSED', async () => {
    const last = (await PDF.load(source)).getPages().length - 1;
    const sig: Placement = { page: last, x: 340, y: 160, width: 180, height: 72 };
    const at = sealPlacementOver(sig);
    const once = await signPdf(source, { signer: pki.signer(pki.official), tsa: pki.tsa, appearance: { kind: 'image', image: signature }, placement: sig });
    const twice = await signPdf(once.bytes, { signer: pki.signer(pki.organisation), tsa: pki.tsa, appearance: { kind: 'image', seal }, placement: at });

    const before = await render(source, last);
    const after = await render(twice.bytes, last);
    const leftThird = { x: sig.x, y: sig.y, width: sig.width / 3, height: sig.height };
    const rightHalf = { x: sig.x + sig.width / 2, y: sig.y, width: sig.width / 2, height: sig.height };
    const rightOfSeal = { x: at.x + at.width + 2, y: sig.y, width: sig.x + sig.width - at.x - at.width - 2, height: sig.height };
    // The seal is red and really drawn, left of the signature and over its left third...
    expect(count(after, { ...at, width: sig.x - at.x }, isRed)).toBeGreaterThan(200);
    expect(count(after, leftThird, isRed)).toBeGreaterThan(50);
    // ...and no further: the rest of the signature image stays blue and free of red.
    expect(count(after, rightOfSeal, isRed)).toBe(0);
    expect(count(after, rightHalf, isBlue)).toBeGreaterThan(100);
    // Only the two boxes changed on the page.
    const d = changed(before, after);
    expect(d.pixels).toBeGreaterThan(500);
    expect(d.minX).toBeGreaterThanOrEqual(Math.floor(at.x) - 2);
    expect(d.maxX).toBeLessThanOrEqual(Math.ceil(sig.x + sig.width) + 2);
    expect(d.minY).toBeGreaterThanOrEqual(Math.floor(before.pageHeightPt - Math.max(at.y + at.height, sig.y + sig.height)) - 2);
    expect(d.maxY).toBeLessThanOrEqual(Math.ceil(before.pageHeightPt - Math.min(at.y, sig.y)) + 2);

    const r = await validatePdf(twice.bytes, { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(r.signatures.map((s) => s.indication)).toEqual(['TOTAL_PASSED', 'TOTAL_PASSED']);
    await independentChecks(twice.bytes, dir, pki.ca.certificate);
  });

  it('one signature showing both images: the seal at the left over the signature image\'s left third', async () => {
    const box: Placement = { page: 0, x: 300, y: 120, width: 240, height: 100 };
    const r = await signPdf(source, { signer: pki.signer(pki.organisation), appearance: { kind: 'image', image: signature, seal }, placement: box });
    const img = await render(r.bytes, 0);
    // Seal disc: d = box height = 100 pt; the signature image starts at d - sigW/3.
    expect(count(img, { x: box.x, y: box.y, width: 60, height: box.height }, isRed)).toBeGreaterThan(200);
    expect(count(img, { x: box.x + 110, y: box.y, width: box.width - 110, height: box.height }, isBlue)).toBeGreaterThan(100);
    expect(count(img, { x: box.x + 110, y: box.y, width: box.width - 110, height: box.height }, isRed)).toBe(0);
    // Blue and red meet in the overlap (the signature's left third, under the seal's right part).
    expect(count(img, { x: box.x + 45, y: box.y, width: 55, height: box.height }, isBlue)).toBeGreaterThan(0);
    const v = await validatePdf(r.bytes, { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(v.signatures[0]!.indication).toBe('TOTAL_PASSED');
    await independentChecks(r.bytes, dir, pki.ca.certificate);
  });

  it('an attachment gets the organisation\'s text-only signature at the top right of page 1, and nothing else changes', async () => {
    const time = new Date('2026-11-23T02:30:00Z');
    const lines = decree30TextLines({ organisation: 'UBND tỉnh Ninh Bình', number: '45/UBND-VP', time });
    const r = await signPdf(source, { signer: pki.signer(pki.organisation), appearance: { kind: 'text', lines }, signingTime: time });
    const before = await render(source, 0);
    const after = await render(r.bytes, 0);
    const d = changed(before, after);
    expect(d.pixels).toBeGreaterThan(200);
    expect(d.minX).toBeGreaterThan(before.width / 2); // right half
    expect(d.maxX).toBeGreaterThan(before.width - 60); // up to the right margin
    expect(d.minY).toBeLessThan(20); // from the top
    expect(d.maxY).toBeLessThan(110);
    const v = await validatePdf(r.bytes, { trustRoots: [pki.ca.certificate], crls: [crl] });
    expect(v.signatures[0]!.indication).toBe('TOTAL_PASSED');
  });

  it('demo images are transparent PNGs: a red seal and a blue signature', async () => {
    for (const [png, test] of [[seal, isRed], [signature, isBlue]] as const) {
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect(info.channels).toBe(4);
      let transparent = 0;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! === 0) transparent++;
        else if (data[i + 3]! > 200 && test([data[i]!, data[i + 1]!, data[i + 2]!])) coloured++;
      }
      expect(transparent).toBeGreaterThan(info.width * info.height * 0.5);
      expect(coloured).toBeGreaterThan(1000);
    }
  });
});
