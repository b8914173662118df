import sharp from 'sharp';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { getAccount } from '../identity/index.js';
import { feedbackErrors } from './errors.js';
import * as repo from './report.repo.js';
import { MODERATE } from './report.service.js';

/**
 * Moderation by the feedback desk: edit a report's text (an insult, a phone
 * number typed into the body), hide a report or a photo, blur part of a photo
 * (faces, number plates), block an abusive account. Every change is audited
 * with what it was before; a blurred photo replaces the public copy (the
 * original stays in the file store, reachable only through the audit trail).
 */

async function moderated(k: Kernel, ctx: Ctx, id: string) {
  const r = /^[0-9a-f-]{36}$/.test(id) ? await repo.report(k.db, id) : undefined;
  if (!r) throw feedbackErrors.notFound();
  authorize(ctx.actor, MODERATE, { unitPath: r.unit_path, agencyId: r.agency_id });
  return r;
}

export async function editReport(k: Kernel, ctx: Ctx, id: string, input: { title?: string; body?: string; hidden?: boolean; reason: string }): Promise<void> {
  const r = await moderated(k, ctx, id);
  const patch: repo.ReportPatch = {};
  if (input.title !== undefined && input.title !== r.title) patch.title = input.title;
  if (input.body !== undefined && input.body !== r.body) patch.body = input.body;
  if (input.hidden !== undefined && input.hidden !== r.hidden) patch.hidden = input.hidden;
  if (!Object.keys(patch).length) throw errors.field('body', 'change', 'Không có gì thay đổi');
  await transaction(k.db, async (tx) => {
    await repo.updateReport(tx, id, patch);
    const before = Object.fromEntries(Object.keys(patch).map((f) => [f, r[f as keyof typeof r]]));
    await k.audit.record(tx, ctx, { action: 'feedback.report.moderate', entity: 'feedback_report', entityId: id, before, after: { ...patch, reason: input.reason } });
  });
}

/** Blurs rectangles of a photo (fractions of its width and height) or hides it. */
export async function moderatePhoto(k: Kernel, ctx: Ctx, id: string, position: number, input: { blur?: { x: number; y: number; width: number; height: number }[]; hidden?: boolean; reason: string }): Promise<void> {
  await moderated(k, ctx, id);
  const m = (await repo.media(k.db, id)).find((x) => x.position === position);
  if (!m) throw feedbackErrors.notFound();
  let replacement: Buffer | null = null;
  if (input.blur?.length && m.kind !== 'photo') throw errors.conflict('Chỉ làm mờ được ảnh; với video, hãy ẩn video');
  if (input.blur?.length) {
    const f = await k.files.meta(k.db, m.file_id);
    if (!f) throw feedbackErrors.notFound();
    const original = await k.files.read(f.sha256);
    const meta = await sharp(original).metadata();
    const W = meta.width!;
    const H = meta.height!;
    const patches = [];
    for (const [i, b] of input.blur.entries()) {
      const left = Math.floor(b.x * W);
      const top = Math.floor(b.y * H);
      const width = Math.max(1, Math.min(W - left, Math.ceil(b.width * W)));
      const height = Math.max(1, Math.min(H - top, Math.ceil(b.height * H)));
      if (left >= W || top >= H) throw errors.field(`body.blur.${i}`, 'range', 'Vùng làm mờ nằm ngoài ảnh');
      // A strong blur of the region, pasted back over it: faces and plates become unreadable.
      const input2 = await sharp(original).extract({ left, top, width, height }).blur(Math.max(8, Math.min(width, height) / 4)).toBuffer();
      patches.push({ input: input2, left, top });
    }
    replacement = await sharp(original).composite(patches).jpeg({ quality: 82 }).toBuffer();
  }
  await transaction(k.db, async (tx) => {
    let fileId: string | undefined;
    if (replacement) fileId = (await k.files.put(tx, ctx, `${id}-${position}-mo.jpg`, replacement, { allow: ['image/jpeg'] })).id;
    await repo.setMedia(tx, id, position, { file_id: fileId, hidden: input.hidden, size: replacement?.length });
    await k.audit.record(tx, ctx, {
      action: 'feedback.photo.moderate', entity: 'feedback_report', entityId: id,
      before: { position, fileId: m.file_id, hidden: m.hidden }, after: { position, fileId: fileId ?? m.file_id, hidden: input.hidden ?? m.hidden, blurred: input.blur?.length ?? 0, reason: input.reason },
    });
  });
}

export async function blockAccount(k: Kernel, ctx: Ctx, accountId: string, reason: string): Promise<void> {
  authorize(ctx.actor, MODERATE);
  const a = await getAccount(k, accountId);
  if (!a || a.kind === 'official') throw errors.field('body.accountId', 'exists', 'Chỉ khóa được tài khoản người dân, doanh nghiệp');
  await transaction(k.db, async (tx) => {
    await repo.block(tx, accountId, reason, ctx.actor!.id);
    await k.audit.record(tx, ctx, { action: 'feedback.account.block', entity: 'account', entityId: accountId, after: { reason } });
  });
}
