import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { pageTexts } from './ocr.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * OCR of scanned incoming documents with the real ocrmypdf and Tesseract's
 * Vietnamese model: a letter is rendered, rasterised (pdftoppm) and wrapped
 * back into a PDF made of the image alone — a scan with no text layer. After
 * the clerk receives it, the outbox job recognises it, the document shows its
 * progress, the stored PDF keeps its bytes, and the document is found by
 * words of its body typed without diacritics.
 */

const run = promisify(execFile);
let env: TestEnv;
let clerk: TestSession;
let director: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const call = async (s: TestSession, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...s.headers, 'idempotency-key': `k-${randomUUID()}` } });
  return { status: r.statusCode, body: r.json() as Json, raw: r };
};

/** A one-page scan: the letter rendered, rasterised at 150 dpi in grey, and placed as an image on an A4 page. */
async function scannedLetter(body: string): Promise<Buffer> {
  const pdf = await renderPdf({
    meta: { title: 'Giấy mời', createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'UBND XÃ GIA VIỄN'], number: 'Số: 27/GM-UBND', placeDate: 'Gia Viễn, ngày 20 tháng 11 năm 2026' },
    blocks: [{ kind: 'title', text: 'Giấy mời' }, { kind: 'text', text: body }],
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-scan-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-r', '150', '-gray', '-png', '-f', '1', '-l', '1', '-singlefile', path.join(dir, 'in.pdf'), path.join(dir, 'page')]);
    const png = await readFile(path.join(dir, 'page.png'));
    const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, info: { Title: 'scan' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
    doc.addPage({ size: 'A4', margin: 0 });
    doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
    doc.end();
    await done;
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  [clerk, director] = await Promise.all([login(env.app, 'vanthu.stp@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn')]);
}, 120_000);
afterAll(() => env.close());

describe('OCR of scanned documents', () => {
  it('recognises a scan in a job with progress, keeps the PDF as received, and the text is found without diacritics', async () => {
    const scan = await scannedLetter('Kính mời đại diện lãnh đạo các phòng đến dự cuộc họp bàn phương án cứu hộ đê điều và phòng chống lụt bão năm 2027.');
    expect((await pageTexts(scan)).join('').trim()).toBe(''); // a true scan: no text layer
    const meta = { docType: 'giay_moi', summary: 'Mời họp tại Ủy ban nhân dân xã', numberSymbol: '27/GM-UBND', issuerName: 'UBND xã Gia Viễn', issuedOn: '2026-11-20' };
    const r = await call(clerk, 'POST', '/api/documents/incoming', { ...meta, file: { name: 'giay-moi-quet.pdf', data: scan.toString('base64') } });
    expect(r.status).toBe(201);
    expect(r.body.ocr).toMatchObject({ status: 'queued', pagesDone: 0, pagesTotal: 1, percent: 0 });
    const id = r.body.id as string;

    const search = async (q: string) => (await call(director, 'GET', `/api/documents?q=${encodeURIComponent(q)}`)).body.items.map((x: Json) => x.id);
    expect(await search('cuu ho de dieu')).not.toContain(id); // not before OCR

    await env.k.outbox.drain();
    const after = await call(clerk, 'GET', `/api/documents/${id}`);
    expect(after.body.ocr).toMatchObject({ status: 'done', pagesDone: 1, pagesTotal: 1, percent: 100, error: null });
    expect(await search('cuu ho de dieu')).toContain(id);
    expect(await search('phong chong lut bao')).toContain(id);
    expect(await search('đê điều')).toContain(id);

    // The stored file is the one received, byte for byte: OCR keeps text only, never rewrites a PDF.
    const pdf = await env.app.inject({ method: 'GET', url: `/api/documents/${id}/pdf`, headers: clerk.headers });
    expect(Buffer.compare(pdf.rawPayload, scan)).toBe(0);
  }, 240_000);

  it('does not queue OCR for a PDF that has its text', async () => {
    const pdf = await renderPdf({
      meta: { title: 'Công văn', createdAt: new Date('2026-11-20T02:00:00Z') },
      header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ NỘI VỤ'], number: 'Số: 88/SNV-VP', placeDate: 'Ninh Bình, ngày 20 tháng 11 năm 2026' },
      blocks: [{ kind: 'text', text: 'Về việc rà soát biên chế công chức năm 2027 của các cơ quan chuyên môn thuộc tỉnh.' }],
    });
    const r = await call(clerk, 'POST', '/api/documents/incoming', {
      docType: 'cong_van', summary: 'Về việc rà soát biên chế', numberSymbol: '88/SNV-VP', issuerName: 'Sở Nội vụ', file: { name: 'cv-88.pdf', data: Buffer.from(pdf).toString('base64') },
    });
    expect(r.status).toBe(201);
    expect(r.body.ocr).toBeNull();
    expect((await call(director, 'GET', `/api/documents?q=${encodeURIComponent('ra soat bien che cong chuc')}`)).body.items.map((x: Json) => x.id)).toContain(r.body.id);
  });
});
