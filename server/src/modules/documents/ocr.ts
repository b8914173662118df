import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { transaction, type Executor, type Tx } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './document.repo.js';
import * as ocrRepo from './ocr.repo.js';

/**
 * Scanned PDFs made searchable: the pages of a document's PDF that carry no
 * text are recognised with Debian's `ocrmypdf` and Tesseract's Vietnamese
 * model (`tesseract-ocr-vie`), in an outbox job (OCR_TOPIC), a few pages per
 * run, so the document shows its progress (page i of n) and a restart loses at
 * most one run. The recognised text joins the PDF's own text in
 * document_search, so a scan is found by its words, without diacritics too.
 *
 * The PDF is never rewritten: the stored file keeps its bytes (and a signed
 * scan its signatures, which any rewrite would break); each page is copied out
 * (qpdf) and only ocrmypdf's text (`--sidecar`, `--output-type none`) is kept.
 */

const run = promisify(execFile);
export const OCR_TOPIC = 'documents.ocr';
/** A page with fewer letters and digits than this is taken for a scan. */
export const MIN_PAGE_CHARS = 20;
/** One run recognises pages until this much time has passed (the outbox lease is a minute). */
const RUN_BUDGET_MS = 25_000;
const PAGE_TIMEOUT_MS = 120_000;
const MAX_ATTEMPTS = 3;

async function onPath(cmd: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    try {
      await access(path.join(dir, cmd), fsConstants.X_OK);
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

async function withTemp<T>(data: Uint8Array, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'congso-ocr-'));
  try {
    const file = path.join(dir, 'in.pdf');
    await writeFile(file, data);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text of each page (poppler's pdftotext; pages are separated by form feeds). [] when it cannot be read. */
export async function pageTexts(data: Uint8Array): Promise<string[]> {
  return withTemp(data, async (file) => {
    try {
      const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-'], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
      const pages = stdout.split('\f');
      if (pages.length > 1 && pages[pages.length - 1]!.trim() === '') pages.pop();
      return pages.map((p) => p.replace(/[ \t]+/g, ' ').trim());
    } catch {
      return [];
    }
  });
}

const letters = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '').length;

/**
 * Indexes a new version's text for search and, when some of its pages have no
 * text (a scan), queues their OCR. Called in the transaction that adds the version.
 */
export async function indexText(k: Kernel, tx: Tx, documentId: string, versionId: string, data: Uint8Array): Promise<void> {
  const pages = await pageTexts(data);
  const text = pages.join('\n').trim();
  await repo.setText(tx, documentId, text);
  const scans = pages.flatMap((p, i) => (letters(p) < MIN_PAGE_CHARS ? [i + 1] : []));
  if (!scans.length) return;
  if (!(await onPath('ocrmypdf'))) {
    await ocrRepo.insert(tx, { version_id: versionId, document_id: documentId, pages: scans, layer_text: text, status: 'failed', error: 'Máy chủ chưa cài ocrmypdf và tesseract-ocr-vie' });
    return;
  }
  if (await ocrRepo.insert(tx, { version_id: versionId, document_id: documentId, pages: scans, layer_text: text })) {
    await k.outbox.enqueue(tx, OCR_TOPIC, { versionId }, { dedupeKey: `${OCR_TOPIC}:${versionId}:0`, maxAttempts: MAX_ATTEMPTS });
  }
}

/** Recognises one page (1-based) of the PDF at `file`: copied out with qpdf, read by ocrmypdf, text only. */
async function ocrPage(file: string, dir: string, page: number): Promise<string> {
  const one = path.join(dir, `p${page}.pdf`);
  const txt = path.join(dir, `p${page}.txt`);
  await run('qpdf', ['--empty', '--pages', file, String(page), '--', one], { timeout: 60_000 });
  await run('ocrmypdf', ['-l', 'vie', '--jobs', '1', '--quiet', '--force-ocr', '--output-type', 'none', '--sidecar', txt, one, '-'], {
    timeout: PAGE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024,
  });
  return (await readFile(txt, 'utf8')).replace(/\f/g, '\n').replace(/[ \t]+/g, ' ').trim();
}

/**
 * The job: recognises the next pages of a version for about RUN_BUDGET_MS (at
 * least one page), keeps their text, and queues itself for the rest; at the
 * end the document's search text becomes its text layer plus the recognised
 * text (if the version is still the document's current one). A PDF ocrmypdf
 * cannot read is marked failed after the last attempt, and the document says so.
 */
export async function runOcr(k: Kernel, payload: { versionId: string }, attempts: number): Promise<void> {
  const job = await ocrRepo.get(k.db, payload.versionId);
  if (!job || job.status === 'done' || job.status === 'failed') return;
  const version = await repo.version(k.db, job.version_id);
  if (!version) return;
  await ocrRepo.markRunning(k.db, job.version_id);
  const from = job.pages_done;
  const texts: string[] = [];
  try {
    await withTemp(await k.files.read(version.sha256), async (file, dir) => {
      const started = Date.now();
      for (let i = from; i < job.pages.length && (texts.length === 0 || Date.now() - started < RUN_BUDGET_MS); i++) {
        texts.push(await ocrPage(file, dir, job.pages[i]!));
      }
    });
  } catch (e) {
    const message = ((e as { stderr?: string }).stderr || (e as Error).message || String(e)).slice(0, 500);
    if (attempts >= MAX_ATTEMPTS) {
      k.log.warn({ version: job.version_id, err: message }, 'OCR failed');
      await ocrRepo.fail(k.db, job.version_id, message);
      return;
    }
    throw e;
  }
  const done = from + texts.length >= job.pages.length;
  await transaction(k.db, async (tx) => {
    if (!(await ocrRepo.advance(tx, job.version_id, from, texts, done))) return;
    if (!done) {
      const next = from + texts.length;
      await k.outbox.enqueue(tx, OCR_TOPIC, { versionId: job.version_id }, { dedupeKey: `${OCR_TOPIC}:${job.version_id}:${next}`, maxAttempts: MAX_ATTEMPTS });
      return;
    }
    const d = await repo.document(tx, job.document_id, true);
    if (d?.current_version_id === job.version_id) {
      await repo.setText(tx, job.document_id, [job.layer_text, ...job.texts, ...texts].filter(Boolean).join('\n'));
    }
  });
}

export interface OcrView {
  status: 'queued' | 'running' | 'done' | 'failed';
  pagesDone: number;
  pagesTotal: number;
  percent: number;
  error: string | null;
  at: Date;
}

/** The OCR progress of a version, for the document's view (null when it needed none). */
export async function ocrView(ex: Executor, versionId: string | null): Promise<OcrView | null> {
  if (!versionId) return null;
  const r = await ocrRepo.ofVersion(ex, versionId);
  if (!r) return null;
  const total = r.pages.length;
  return {
    status: r.status, pagesDone: r.pages_done, pagesTotal: total, percent: total ? Math.floor((100 * r.pages_done) / total) : 100,
    error: r.error, at: r.finished_at ?? r.updated_at,
  };
}
