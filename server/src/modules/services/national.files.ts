import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, errors } from '../../kernel/errors.js';
import type { Ctx } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db/index.js';
import type { FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import type { Procedure } from './catalogue.schema.js';
import * as repo from './dossier.repo.js';

/**
 * Files of a dossier for the national portal (docs/national-portal.md,
 * "Files"): each status lists the dossier's files with their SHA-256 and a
 * download link that needs no session — signed (HMAC-SHA256) and expiring —
 * so the portal fetches what it lacks and checks it against the hash. Links
 * rather than base64 in the body: a status stays small whatever the files
 * weigh, is the same for a 10 kB form and a 20 MB scan, and the portal
 * downloads each file once (the hash tells it whether it has it already).
 */

const env = z.object({
  /** Key of the links' signatures (≥ 32 characters). Default: derived from NATIONAL_SYNC_TOKEN. */
  NATIONAL_FILE_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** How long a link stays valid. */
  NATIONAL_FILE_LINK_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(72),
  /**
   * Where the links of an inbound dossier's files may point: origins separated by commas
   * (e.g. `https://dichvucong.gov.vn`). None set: a dossier delivered with files is refused.
   */
  NATIONAL_INBOUND_FILE_ORIGINS: z.string().optional(),
  /** How long one inbound file may take to download. */
  NATIONAL_INBOUND_FILE_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
});

function settings(k: Kernel) {
  const input: Record<string, string> = {};
  for (const key of Object.keys(env.shape)) if (process.env[key]) input[key] = process.env[key]!;
  const e = env.parse(input);
  const secret = e.NATIONAL_FILE_LINK_SECRET
    ?? (k.config.NATIONAL_SYNC_TOKEN ? createHash('sha256').update(`congso national file links\n${k.config.NATIONAL_SYNC_TOKEN}`).digest('hex') : null);
  const origins = (e.NATIONAL_INBOUND_FILE_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean).map((o) => {
    try {
      return new URL(o).origin;
    } catch {
      return null;
    }
  }).filter((o): o is string => !!o);
  return { secret, ttlMs: e.NATIONAL_FILE_LINK_TTL_HOURS * 3_600_000, origins, timeoutMs: e.NATIONAL_INBOUND_FILE_TIMEOUT_MS };
}

const sign = (secret: string, dossierId: string, fileId: string, exp: number) =>
  createHmac('sha256', secret).update(`${dossierId}.${fileId}.${exp}`).digest('base64url');

/** A signed link to a dossier's file, valid until `exp` (seconds since 1970), or null when no key is configured. */
export function fileLink(k: Kernel, dossierId: string, fileId: string, now = Date.now()): { url: string; exp: number } | null {
  const s = settings(k);
  if (!s.secret) return null;
  const exp = Math.floor((now + s.ttlMs) / 1000);
  return { url: `${k.config.publicUrl}/api/national/files/${dossierId}/${fileId}?exp=${exp}&sig=${sign(s.secret, dossierId, fileId, exp)}`, exp };
}

/** The file behind a signed link: refused (403) when the signature is wrong, gone (410) once expired. */
export async function fileByLink(k: Kernel, dossierId: string, fileId: string, exp: number, sig: string) {
  const s = settings(k);
  if (!s.secret) throw errors.notFound('tệp');
  const want = Buffer.from(sign(s.secret, dossierId, fileId, exp));
  const got = Buffer.from(sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw new AppError('SERVICES_FILE_LINK_INVALID');
  if (exp * 1000 < Date.now()) throw new AppError('SERVICES_FILE_LINK_EXPIRED');
  const f = (await repo.dossierFiles(k.db, dossierId)).find((x) => x.file_id === fileId);
  const meta = f && (await k.files.meta(k.db, fileId));
  if (!f || !meta) throw errors.notFound('tệp');
  return { name: meta.originalName, mime: meta.mime, sha256: meta.sha256, data: await k.files.read(meta.sha256) };
}

// ——— Inbound: the files of a dossier the national portal delivers ———

/** A file of an inbound dossier, as the national portal lists it: the component, the name, the link to fetch it by, its hash. */
export interface InboundFileRef {
  MaThanhPhan: string;
  TenTep: string;
  DuongDan: string;
  /** SHA-256 (hex) of the content, when the portal gives it: checked. */
  MaBam?: string;
}

export interface InboundFile {
  index: number;
  component: string;
  name: string;
  data: Buffer;
}

const mb = (n: number) => `${Math.round((n / 1_048_576) * 10) / 10} MB`;

/** Reads a response body up to `limit` bytes; null when it is larger (the rest is not read). */
async function readLimited(res: Response, limit: number): Promise<Buffer | null> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

/**
 * Downloads the files of an inbound dossier before anything is written, checking
 * what a desk or online submission checks — the component exists and takes
 * attachments, no more files than it allows, each no larger than an upload may be —
 * plus what a link needs: it points to a configured origin of the national portal
 * (no redirects followed, so it stays there), answers 200 within the time limit,
 * and matches its hash when one is given. Every problem is a field error
 * (`body.TepDinhKem.N…`), all at once. The type is checked when the file is stored
 * (`storeInboundFiles`), in the transaction that creates the dossier.
 */
export async function downloadInboundFiles(k: Kernel, p: Procedure, refs: InboundFileRef[], base = 'body.TepDinhKem'): Promise<InboundFile[]> {
  if (!refs.length) return [];
  const s = settings(k);
  const limit = k.config.UPLOAD_LIMIT_BYTES;
  const fields: FieldError[] = [];
  const counts = new Map<string, number>();
  for (const [i, f] of refs.entries()) {
    const c = p.components.find((x) => x.key === f.MaThanhPhan);
    if (!c || !c.attachment) {
      fields.push({ field: `${base}.${i}.MaThanhPhan`, rule: 'enum', message: `Thủ tục «${p.code}» không có thành phần hồ sơ đính kèm «${f.MaThanhPhan}»` });
      continue;
    }
    const n = (counts.get(c.key) ?? 0) + 1;
    counts.set(c.key, n);
    if (n === c.attachment.max + 1) fields.push({ field: `${base}.${i}.MaThanhPhan`, rule: 'max', message: `«${c.name}» chỉ đính kèm tối đa ${c.attachment.max} tệp` });
    let origin: string | null = null;
    try {
      origin = new URL(f.DuongDan).origin;
    } catch {
      origin = null;
    }
    if (!s.origins.length) {
      fields.push({ field: `${base}.${i}.DuongDan`, rule: 'origin', message: 'Chưa cấu hình địa chỉ được phép tải tệp của Cổng Dịch vụ công quốc gia (NATIONAL_INBOUND_FILE_ORIGINS)' });
    } else if (!origin || !s.origins.includes(origin)) {
      fields.push({ field: `${base}.${i}.DuongDan`, rule: 'origin', message: `Đường dẫn tệp «${f.TenTep}» không thuộc Cổng Dịch vụ công quốc gia` });
    }
  }
  if (fields.length) throw errors.validation(fields);

  const out: InboundFile[] = [];
  // One at a time: a dossier has a handful of files, and the portal is not to be flooded.
  for (const [i, f] of refs.entries()) {
    const at = `${base}.${i}.DuongDan`;
    let res: Response;
    try {
      res = await fetch(f.DuongDan, { redirect: 'manual', signal: AbortSignal.timeout(s.timeoutMs), headers: { accept: '*/*' } });
    } catch (e) {
      const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      fields.push({ field: at, rule: 'download', message: timeout ? `Tải tệp «${f.TenTep}» quá thời gian cho phép` : `Không kết nối được để tải tệp «${f.TenTep}»` });
      continue;
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => undefined);
      fields.push({ field: at, rule: 'download', message: `Không tải được tệp «${f.TenTep}» (Cổng trả lời HTTP ${res.status})` });
      continue;
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const data = Number.isFinite(declared) && declared > limit ? null : await readLimited(res, limit);
    if (!data) {
      if (Number.isFinite(declared) && declared > limit) await res.body?.cancel().catch(() => undefined);
      fields.push({ field: at, rule: 'size', message: `Tệp «${f.TenTep}» quá lớn (tối đa ${mb(limit)})` });
      continue;
    }
    if (!data.length) {
      fields.push({ field: at, rule: 'empty', message: `Tệp «${f.TenTep}» rỗng` });
      continue;
    }
    if (f.MaBam && createHash('sha256').update(data).digest('hex') !== f.MaBam.toLowerCase()) {
      fields.push({ field: `${base}.${i}.MaBam`, rule: 'hash', message: `Nội dung tệp «${f.TenTep}» tải về không khớp mã băm SHA-256 Cổng gửi kèm` });
      continue;
    }
    out.push({ index: i, component: f.MaThanhPhan, name: f.TenTep, data });
  }
  if (fields.length) throw errors.validation(fields);
  return out;
}

/**
 * Stores the downloaded files through the kernel's files store (type by content,
 * against the component's allowed types; name; size) and attaches them to the
 * dossier as its components, in the caller's transaction. Any refusal is a field
 * error naming the file, and the caller's transaction rolls back: no dossier
 * without its files.
 */
export async function storeInboundFiles(k: Kernel, tx: Executor, ctx: Ctx, p: Procedure, dossierId: string, files: InboundFile[], base = 'body.TepDinhKem'): Promise<number> {
  const fields: FieldError[] = [];
  const stored: { fileId: string; component: string; kind: 'component' }[] = [];
  for (const f of files) {
    const c = p.components.find((x) => x.key === f.component);
    if (!c?.attachment) {
      fields.push({ field: `${base}.${f.index}.MaThanhPhan`, rule: 'enum', message: `Thủ tục «${p.code}» không có thành phần hồ sơ đính kèm «${f.component}»` });
      continue;
    }
    try {
      const put = await k.files.put(tx, ctx, f.name, f.data, { allow: c.attachment.types });
      stored.push({ fileId: put.id, component: c.key, kind: 'component' });
    } catch (e) {
      if (!(e instanceof AppError) || !e.code.startsWith('FILE_')) throw e;
      const message = e.code === 'FILE_TYPE_NOT_ALLOWED' || e.code === 'FILE_TYPE_MISMATCH'
        ? `Tệp «${f.name}» không đúng loại cho phép của «${c.name}» (${c.attachment.types.join(', ')})`
        : e.code === 'FILE_NAME_INVALID' ? `Tên tệp «${f.name}» không hợp lệ` : `Tệp «${f.name}» không nhận được (${e.code})`;
      fields.push({ field: `${base}.${f.index}${e.code === 'FILE_NAME_INVALID' ? '.TenTep' : ''}`, rule: e.code === 'FILE_NAME_INVALID' ? 'name' : 'type', message });
    }
  }
  if (fields.length) throw errors.validation(fields);
  await repo.addDossierFiles(tx, dossierId, stored);
  return stored.length;
}
