import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDF, PdfDict, PdfName, PdfString } from '@libpdf/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * Bad files at the documents' upload doors (a new draft, a received document):
 * malformed, password-encrypted, too large, with JavaScript, with an embedded
 * file. Each gets a 4xx problem+json in Vietnamese, and nothing is stored —
 * no document, no version, no blob, no OCR job.
 */

const run = promisify(execFile);
let env: TestEnv;
let specialist: TestSession;
let clerk: TestSession;
let source: Uint8Array;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  [specialist, clerk] = await Promise.all([login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'), login(env.app, 'vanthu.stp@ninhbinh.gov.vn')]);
  source = await renderPdf({
    meta: { title: 'Công văn', createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số: 31/STP-VP', placeDate: 'Ninh Bình, ngày 20 tháng 11 năm 2026' },
    blocks: [{ kind: 'text', text: 'Về việc góp ý dự thảo quy chế phối hợp.' }],
  });
}, 120_000);
afterAll(() => env.close());

const counts = async () =>
  (await sql<{ d: number; v: number; f: number; o: number }>`
    SELECT (SELECT count(*) FROM document)::int AS d, (SELECT count(*) FROM document_version)::int AS v,
           (SELECT count(*) FROM file_ref)::int AS f, (SELECT count(*) FROM outbox WHERE topic = 'documents.ocr')::int AS o`.execute(env.k.db)).rows[0]!;

async function encrypted(): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-bad-'));
  try {
    await writeFile(path.join(dir, 'plain.pdf'), source);
    await run('qpdf', ['--encrypt', 'nguoidung', 'chusohuu', '256', '--', path.join(dir, 'plain.pdf'), path.join(dir, 'enc.pdf')]);
    return await readFile(path.join(dir, 'enc.pdf'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withJavaScript(): Promise<Uint8Array> {
  const pdf = await PDF.load(source);
  pdf.getCatalog().set('OpenAction', PdfDict.of({ S: PdfName.of('JavaScript'), JS: PdfString.fromString('app.launchURL("http://example.invalid")') }));
  return pdf.save();
}

async function withAttachment(): Promise<Uint8Array> {
  const pdf = await PDF.load(source);
  await pdf.attachments.add('chuong-trinh.exe', new TextEncoder().encode('MZ'));
  return pdf.save();
}

describe('bad PDFs at the upload doors', () => {
  it('refuses each with a clear Vietnamese 4xx and stores nothing', async () => {
    const cases: [string, Uint8Array, number, string, RegExp][] = [
      ['malformed', Buffer.from('%PDF-1.7\nkhông phải nội dung PDF'), 400, 'PKI_PDF_MALFORMED', /không phải PDF hợp lệ/],
      ['encrypted', await encrypted(), 422, 'PKI_PDF_ENCRYPTED', /mã hóa bằng mật khẩu/],
      ['javascript', await withJavaScript(), 422, 'PKI_PDF_ACTIVE_CONTENT', /JavaScript/],
      ['embedded file', await withAttachment(), 422, 'PKI_PDF_ACTIVE_CONTENT', /Không ký tệp PDF có/],
    ];
    const before = await counts();
    for (const [what, bytes, status, code, message] of cases) {
      const file = { name: `${what.replace(' ', '-')}.pdf`, data: Buffer.from(bytes).toString('base64') };
      const draft = await env.app.inject({
        method: 'POST', url: '/api/documents/outgoing', headers: { ...specialist.headers, 'idempotency-key': `k-${randomUUID()}` },
        payload: { docType: 'cong_van', summary: `Dự thảo ${what}`, recipients: [], file },
      });
      const received = await env.app.inject({
        method: 'POST', url: '/api/documents/incoming', headers: { ...clerk.headers, 'idempotency-key': `k-${randomUUID()}` },
        payload: { docType: 'cong_van', summary: `Văn bản đến ${what}`, numberSymbol: '31/STP-VP', issuerName: 'Sở Tư pháp', file },
      });
      for (const r of [draft, received]) {
        expect(r.statusCode, what).toBe(status);
        expect(r.headers['content-type'], what).toMatch(/application\/problem\+json/);
        const body = r.json() as Json;
        expect(body.code, what).toBe(code);
        expect(body.detail ?? body.title, what).toMatch(message);
      }
    }
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('refuses a PDF over 50 MB before reading it, and stores nothing', async () => {
    const before = await counts();
    // A valid PDF padded with comment lines to 52,450,000 bytes: within the request's limit
    // (70,000,000 base64 characters), over the PDF limit (50 MiB = 52,428,800 bytes).
    const huge = Buffer.concat([Buffer.from(source), Buffer.alloc(52_450_000 - source.length, '%\n')]);
    const r = await env.app.inject({
      method: 'POST', url: '/api/documents/incoming', headers: { ...clerk.headers, 'idempotency-key': `k-${randomUUID()}` },
      payload: { docType: 'cong_van', summary: 'Văn bản quá lớn', numberSymbol: '32/STP-VP', issuerName: 'Sở Tư pháp', file: { name: 'lon.pdf', data: huge.toString('base64') } },
    });
    expect(r.statusCode).toBe(413);
    expect((r.json() as Json).code).toBe('PKI_PDF_TOO_LARGE');
    expect(JSON.stringify(r.json())).toMatch(/quá lớn/);
    expect(await counts()).toEqual(before);
  }, 120_000);
});
