import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Generated } from 'kysely';
import type { Ctx } from '../context.js';
import type { Executor } from '../db/index.js';
import { defineErrors, AppError } from '../errors.js';

/**
 * Content-addressed file store on disk: a file is kept once under its SHA-256
 * (`files/ab/cd/abcd...`), each upload gets a `file_ref` row with the original
 * name. The type is detected from the content, never trusted from the name.
 */

interface FileBlobTable {
  sha256: string;
  size: number;
  mime: string;
  created_at: Generated<Date>;
}
interface FileRefTable {
  id: Generated<string>;
  sha256: string;
  original_name: string;
  mime: string;
  size: number;
  uploaded_by: string | null;
  created_at: Generated<Date>;
}
declare module '../db/index.js' {
  interface Database {
    file_blob: FileBlobTable;
    file_ref: FileRefTable;
  }
}

defineErrors({
  FILE_TOO_LARGE: { status: 413, vi: 'Tệp "{name}" quá lớn (tối đa {limit} byte)', en: 'File "{name}" is too large (at most {limit} bytes)' },
  FILE_TYPE_NOT_ALLOWED: { status: 415, vi: 'Loại tệp "{type}" không được chấp nhận (cho phép: {allowed})', en: 'File type "{type}" is not allowed (allowed: {allowed})' },
  FILE_TYPE_MISMATCH: { status: 415, vi: 'Nội dung tệp "{name}" ({type}) không khớp với phần mở rộng', en: 'The content of "{name}" ({type}) does not match its extension' },
  FILE_NAME_INVALID: { status: 400, vi: 'Tên tệp "{name}" không hợp lệ', en: 'Invalid file name "{name}"' },
  FILE_EMPTY: { status: 400, vi: 'Tệp rỗng', en: 'The file is empty' },
});

export interface StoredFile {
  id: string;
  sha256: string;
  size: number;
  mime: string;
  originalName: string;
}

export interface PutOptions {
  /** MIME types accepted for this upload (`image/*` allowed). */
  allow: string[];
  maxBytes?: number;
}

const EXT_TYPES: Record<string, string[]> = {
  pdf: ['application/pdf'],
  png: ['image/png'],
  jpg: ['image/jpeg'],
  jpeg: ['image/jpeg'],
  webp: ['image/webp'],
  gif: ['image/gif'],
  mp4: ['video/mp4'],
  docx: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/zip'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip'],
  zip: ['application/zip'],
  xml: ['application/xml', 'text/plain'],
  json: ['application/json', 'text/plain'],
  csv: ['text/csv', 'text/plain'],
  txt: ['text/plain'],
  geojson: ['application/geo+json', 'application/json', 'text/plain'],
};

/** A safe display name: no folders, no control characters, no dot-files. */
export function checkName(name: string): string {
  const trimmed = name.normalize('NFC').trim();
  if (
    !trimmed ||
    trimmed.length > 255 ||
    /[\\/\x00-\x1f\x7f]/.test(trimmed) ||
    trimmed === '.' ||
    trimmed === '..' ||
    trimmed.startsWith('.') ||
    trimmed.includes('..')
  ) {
    throw new AppError('FILE_NAME_INVALID', { name: name.slice(0, 80) });
  }
  return trimmed;
}

async function detect(buf: Buffer): Promise<string> {
  const ft = await fileTypeFromBuffer(buf);
  if (ft) return ft.mime;
  // No magic number: accept as text only if it is valid UTF-8 without NULs.
  const text = buf.toString('utf8');
  if (!text.includes('\uFFFD') && !text.includes('\u0000')) {
    const t = text.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        JSON.parse(text);
        return 'application/json';
      } catch {
        /* plain text */
      }
    }
    return 'text/plain';
  }
  return 'application/octet-stream';
}

function allowed(mime: string, allow: string[]): boolean {
  return allow.some((a) => a === mime || (a.endsWith('/*') && mime.startsWith(a.slice(0, -1))));
}

export class FileStore {
  readonly root: string;

  constructor(dataDir: string, private readonly defaultMax: number) {
    this.root = path.join(dataDir, 'files');
  }

  private pathOf(sha: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new AppError('FILE_NAME_INVALID', { name: sha.slice(0, 80) });
    return path.join(this.root, sha.slice(0, 2), sha.slice(2, 4), sha);
  }

  /**
   * Checks and stores a file and records it in `tx`. The blob is written to disk
   * before the row (write to a temp name, then rename): a crash leaves at worst
   * an unreferenced blob, never a row without its content.
   */
  async put(tx: Executor, ctx: Ctx | null, name: string, data: Buffer, opts: PutOptions): Promise<StoredFile> {
    const originalName = checkName(name);
    const max = opts.maxBytes ?? this.defaultMax;
    if (data.length === 0) throw new AppError('FILE_EMPTY');
    if (data.length > max) throw new AppError('FILE_TOO_LARGE', { name: originalName, limit: max });
    const mime = await detect(data);
    if (!allowed(mime, opts.allow)) {
      throw new AppError('FILE_TYPE_NOT_ALLOWED', { type: mime, allowed: opts.allow.join(', ') });
    }
    const ext = originalName.includes('.') ? originalName.split('.').pop()!.toLowerCase() : '';
    const expected = EXT_TYPES[ext];
    if (expected && !expected.includes(mime)) {
      throw new AppError('FILE_TYPE_MISMATCH', { name: originalName, type: mime });
    }
    const sha256 = createHash('sha256').update(data).digest('hex');
    const file = this.pathOf(sha256);
    if (!existsSync(file)) {
      mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, data, { mode: 0o640 });
      await rename(tmp, file);
    }
    await tx
      .insertInto('file_blob')
      .values({ sha256, size: data.length, mime })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute();
    const ref = await tx
      .insertInto('file_ref')
      .values({ sha256, original_name: originalName, mime, size: data.length, uploaded_by: ctx?.actor?.id ?? null })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    return { id: ref.id, sha256, size: data.length, mime, originalName };
  }

  async meta(db: Executor, id: string): Promise<StoredFile | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const r = await db.selectFrom('file_ref').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { id: r.id, sha256: r.sha256, size: r.size, mime: r.mime, originalName: r.original_name } : null;
  }

  /** Reads content by hash and checks it still matches (tampering on disk is detected). */
  async read(sha256: string): Promise<Buffer> {
    const buf = await readFile(this.pathOf(sha256));
    const actual = createHash('sha256').update(buf).digest('hex');
    if (actual !== sha256) throw new Error(`Stored file ${sha256} is corrupt (content hash ${actual})`);
    return buf;
  }
}
