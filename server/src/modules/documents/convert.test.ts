import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { docxToPdf } from './convert.js';
import { seedDocumentsDemo } from './seed.js';

/**
 * .docx drafts converted with the real LibreOffice (headless, own profile,
 * time limit, macros refused). The .docx is built here, part by part (the
 * minimal WordprocessingML package), so the test depends on no sample file;
 * the PDF's text is read back with pdftotext.
 */

const run = promisify(execFile);
let env: TestEnv;
let specialist: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function docx(paragraphs: string[], extra: Record<string, string> = {}): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`);
  zip.file('_rels/.rels', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`);
  const body = paragraphs.map((p) => `<w:p><w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:sz w:val="28"/></w:rPr><w:t xml:space="preserve">${p}</w:t></w:r></w:p>`).join('');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`);
  for (const [name, content] of Object.entries(extra)) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

async function textOf(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-docx-test-'));
  try {
    await writeFile(path.join(dir, 'x.pdf'), pdf);
    return (await run('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'x.pdf'), '-'])).stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const LINES = ['QUYẾT ĐỊNH', 'Về việc thành lập Tổ công tác chuyển đổi số của Sở Tư pháp', 'Điều 1. Thành lập Tổ công tác gồm các ông, bà có tên sau đây.'];

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await seedDocumentsDemo(env.k);
  specialist = await login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn');
}, 120_000);
afterAll(() => env.close());

describe('.docx drafts', () => {
  it('converts a .docx to a PDF whose text is the document\'s', async () => {
    const pdf = await docxToPdf(await docx(LINES));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = (await textOf(pdf)).replace(/\s+/g, ' ');
    for (const l of LINES) expect(text).toContain(l);
  }, 240_000);

  it('a .docx draft sent with a new outgoing document is stored as its PDF and found by its words', async () => {
    const r = await env.app.inject({
      method: 'POST', url: '/api/documents/outgoing', headers: { ...specialist.headers, 'idempotency-key': `k-${randomUUID()}` },
      payload: { docType: 'quyet_dinh', summary: 'Thành lập Tổ công tác', recipients: [], file: { name: 'du-thao.docx', data: (await docx(LINES)).toString('base64') } },
    });
    expect(r.statusCode).toBe(201);
    const body = r.json() as Json;
    expect(body.versions).toHaveLength(1);
    expect(body.versions[0].kind).toBe('draft');
    const pdf = await env.app.inject({ method: 'GET', url: `/api/documents/${body.id}/pdf`, headers: specialist.headers });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const found = await env.app.inject({ method: 'GET', url: `/api/documents?q=${encodeURIComponent('to cong tac chuyen doi so')}`, headers: specialist.headers });
    expect((found.json() as Json).items.map((x: Json) => x.id)).toContain(body.id);
  }, 240_000);

  it('refuses a .docx with macros, and a file that is no .docx, with a Vietnamese problem and nothing stored', async () => {
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM document`.execute(env.k.db)).rows[0]!.n;
    const before = await count();
    const send = async (data: Buffer) =>
      env.app.inject({
        method: 'POST', url: '/api/documents/outgoing', headers: { ...specialist.headers, 'idempotency-key': `k-${randomUUID()}` },
        payload: { docType: 'quyet_dinh', summary: 'Dự thảo có macro', recipients: [], file: { name: 'du-thao.docx', data: data.toString('base64') } },
      });
    const macro = await send(await docx(LINES, { 'word/vbaProject.bin': 'Attribute VB_Name = "AutoOpen"' }));
    expect(macro.statusCode).toBe(400);
    expect(macro.headers['content-type']).toMatch(/problem\+json/);
    expect((macro.json() as Json).errors[0]).toMatchObject({ field: 'body.file' });
    expect(JSON.stringify(macro.json())).toMatch(/macro/);
    const junk = await send(Buffer.from('PK\u0003\u0004 không phải tệp Word', 'utf8'));
    expect(junk.statusCode).toBe(400);
    expect(JSON.stringify(junk.json())).toMatch(/\.docx hợp lệ/);
    expect(await count()).toBe(before);
  }, 120_000);
});
