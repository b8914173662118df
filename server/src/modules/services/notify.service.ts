import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { availableChannels, type Channel, CHANNELS } from './notify.channels.js';
import * as repo from './notify.repo.js';

/** The applicant's choice of channels for news about their dossiers. */

export interface PreferenceView {
  channels: Channel[];
  /** False when nothing was chosen yet (email is used). */
  chosen: boolean;
  /** The channels this server can send on now. */
  available: Channel[];
}

export async function getPreference(k: Kernel, ctx: Ctx): Promise<PreferenceView> {
  if (!ctx.actor) throw errors.unauthenticated();
  const saved = (await repo.preference(k.db, ctx.actor.id)) as Channel[] | null;
  return { channels: saved ?? ['email'], chosen: !!saved, available: availableChannels(k) };
}

export async function savePreference(k: Kernel, ctx: Ctx, channels: string[]): Promise<PreferenceView> {
  if (!ctx.actor) throw errors.unauthenticated();
  const unique = [...new Set(channels)];
  const bad = unique.findIndex((c) => !(CHANNELS as readonly string[]).includes(c));
  if (bad >= 0) throw errors.field(`body.channels.${bad}`, 'enum', `Kênh «${unique[bad]}» không có; chọn trong email, sms, zalo`);
  if (!unique.length) throw errors.field('body.channels', 'min', 'Chọn ít nhất một kênh nhận thông báo');
  await transaction(k.db, async (tx) => {
    await repo.savePreference(tx, ctx.actor!.id, unique);
    await k.audit.record(tx, ctx, { action: 'services.notification_preference.save', entity: 'account', entityId: ctx.actor!.id, after: { channels: unique } });
  });
  return getPreference(k, ctx);
}

/** The channels to use for an applicant's account (null owner: a desk filing without account). */
export async function channelsFor(k: Kernel, ex: Parameters<typeof repo.preference>[0], ownerId: string | null, hasEmail: boolean): Promise<Channel[]> {
  const saved = ownerId ? ((await repo.preference(ex, ownerId)) as Channel[] | null) : null;
  return saved ?? (hasEmail ? ['email'] : ['sms']);
}
