import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
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
});

function settings(k: Kernel) {
  const input: Record<string, string> = {};
  for (const key of Object.keys(env.shape)) if (process.env[key]) input[key] = process.env[key]!;
  const e = env.parse(input);
  const secret = e.NATIONAL_FILE_LINK_SECRET
    ?? (k.config.NATIONAL_SYNC_TOKEN ? createHash('sha256').update(`congso national file links\n${k.config.NATIONAL_SYNC_TOKEN}`).digest('hex') : null);
  return { secret, ttlMs: e.NATIONAL_FILE_LINK_TTL_HOURS * 3_600_000 };
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
