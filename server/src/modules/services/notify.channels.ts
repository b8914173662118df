import { z } from 'zod';
import type { Executor } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import { normalisePhone } from '../identity/index.js';

/**
 * Channels that tell an applicant what happened to their dossier: email (the
 * kernel's mailer), SMS through an HTTP brandname gateway, and Zalo through a
 * Zalo Official Account's ZNS template messages. One interface: each adapter
 * finds the recipient's address on its channel and queues the message in the
 * caller's transaction; the outbox delivers it after commit and retries a
 * failure with backoff (a dead letter after 10 attempts).
 *
 * Configured by environment (docs/services.md, README): a channel without its
 * settings is off and the applicant's preference falls back to email.
 */

export const CHANNELS = ['email', 'sms', 'zalo'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SMS_TOPIC = 'services.notify.sms';
export const ZALO_TOPIC = 'services.notify.zalo';

const env = z.object({
  SMS_GATEWAY_URL: z.string().url().regex(/^https?:\/\//, 'must start with http:// or https://').optional(),
  SMS_GATEWAY_TOKEN: z.string().optional(),
  SMS_BRANDNAME: z.string().regex(/^[A-Za-z0-9 ._-]{1,11}$/, 'a registered brandname: up to 11 letters, digits, space . _ -').default('UBND TINH'),
  ZALO_ZNS_URL: z.string().url().regex(/^https?:\/\//, 'must start with http:// or https://').default('https://business.openapi.zalo.me'),
  ZALO_OA_ACCESS_TOKEN: z.string().optional(),
  ZALO_ZNS_TEMPLATE_ID: z.string().regex(/^[0-9]{1,20}$/, 'the numeric id of the approved ZNS template').optional(),
  NOTIFY_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type ChannelEnv = z.infer<typeof env>;

/** Reads the channels' settings; a bad value stops start-up naming the variable. */
export function channelEnv(source: NodeJS.ProcessEnv = process.env): ChannelEnv {
  const input: Record<string, string> = {};
  for (const key of Object.keys(env.shape)) if (source[key]) input[key] = source[key]!;
  const r = env.safeParse(input);
  if (!r.success) throw new Error(`Invalid configuration (cấu hình không hợp lệ):\n${r.error.issues.map((i) => `  ${String(i.path[0])}: ${i.message}`).join('\n')}`);
  return r.data;
}

/** What the applicant is told, in the shapes each channel needs. */
export interface Notice {
  subject: string;
  /** The whole message (email). */
  text: string;
  /** One or two sentences (SMS); sent without diacritics. */
  short: string;
  /** The ZNS template's parameters (names documented in docs/services.md). */
  params: Record<string, string>;
  /** Our reference (dossier and case version): the gateway's tracking id. */
  ref: string;
}

export interface Recipient {
  email?: string | null;
  phone?: string | null;
}

export interface ChannelAdapter {
  readonly channel: Channel;
  /** Whether the channel is configured on this server. */
  enabled(): boolean;
  /** The recipient's address on this channel, or null when they have none. */
  addressOf(r: Recipient): string | null;
  /** Queues the notice for `to` in the caller's transaction. */
  queue(tx: Executor, to: string, n: Notice, requestId?: string): Promise<void>;
}

/** 0912345678 → 84912345678, as SMS gateways and ZNS want it. */
export const intlPhone = (p: string) => `84${p.slice(1)}`;

/** SMS brandname messages go without Vietnamese diacritics (GSM 7-bit: 160 characters a segment, not 70). */
export function smsText(s: string, max = 306): string {
  const ascii = s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/[^\x20-\x7e\n]/g, '');
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii;
}

export interface SmsRequest {
  brandname: string;
  phone: string;
  message: string;
  ref: string;
}

export interface ZnsRequest {
  phone: string;
  template_id: string;
  template_data: Record<string, string>;
  tracking_id: string;
}

async function post(url: string, headers: Record<string, string>, body: unknown, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}

class EmailChannel implements ChannelAdapter {
  readonly channel = 'email' as const;
  constructor(private readonly k: Kernel) {}
  enabled() {
    return true;
  }
  addressOf(r: Recipient) {
    return r.email || null;
  }
  queue(tx: Executor, to: string, n: Notice, requestId?: string) {
    return this.k.mailer.send(tx, this.k.outbox, { to, subject: n.subject, text: n.text }, requestId);
  }
}

/**
 * SMS through the province's brandname gateway (a carrier's or an aggregator's
 * HTTP API, or a relay in front of it): `POST SMS_GATEWAY_URL` with
 * `Authorization: Bearer SMS_GATEWAY_TOKEN` and a JSON `SmsRequest`; any 2xx is
 * accepted unless the JSON answer says `error` (non-zero) or `status: "error"`.
 */
class SmsChannel implements ChannelAdapter {
  readonly channel = 'sms' as const;
  constructor(private readonly k: Kernel, private readonly e: ChannelEnv) {}
  enabled() {
    return !!this.e.SMS_GATEWAY_URL;
  }
  addressOf(r: Recipient) {
    return (r.phone && normalisePhone(r.phone)) || null;
  }
  queue(tx: Executor, to: string, n: Notice, requestId?: string) {
    const body: SmsRequest = { brandname: this.e.SMS_BRANDNAME, phone: intlPhone(to), message: smsText(n.short), ref: n.ref };
    return this.k.outbox.enqueue(tx, SMS_TOPIC, body, { requestId, maxAttempts: 10 });
  }
  async deliver(body: SmsRequest): Promise<void> {
    const r = await post(this.e.SMS_GATEWAY_URL!, this.e.SMS_GATEWAY_TOKEN ? { authorization: `Bearer ${this.e.SMS_GATEWAY_TOKEN}` } : {}, body, this.e.NOTIFY_HTTP_TIMEOUT_MS);
    const j = r.json as { error?: unknown; status?: unknown } | null;
    if (r.status < 200 || r.status >= 300) throw new Error(`SMS gateway answered HTTP ${r.status}`);
    if (j && ((j.error !== undefined && j.error !== 0 && j.error !== '0' && j.error !== null) || j.status === 'error')) throw new Error(`SMS gateway refused: ${JSON.stringify(j).slice(0, 200)}`);
  }
}

/**
 * Zalo ZNS (Zalo Notification Service) through the province's Official
 * Account: `POST {ZALO_ZNS_URL}/message/template` with the header
 * `access_token: ZALO_OA_ACCESS_TOKEN` and a JSON `ZnsRequest` for the approved
 * template `ZALO_ZNS_TEMPLATE_ID`. Zalo answers HTTP 200 with `error: 0` on
 * success and a negative `error` otherwise (expired token, template not
 * approved, phone without Zalo…): anything but `error: 0` is a failure.
 */
class ZaloChannel implements ChannelAdapter {
  readonly channel = 'zalo' as const;
  constructor(private readonly k: Kernel, private readonly e: ChannelEnv) {}
  enabled() {
    return !!(this.e.ZALO_OA_ACCESS_TOKEN && this.e.ZALO_ZNS_TEMPLATE_ID);
  }
  addressOf(r: Recipient) {
    return (r.phone && normalisePhone(r.phone)) || null;
  }
  queue(tx: Executor, to: string, n: Notice, requestId?: string) {
    const body: ZnsRequest = { phone: intlPhone(to), template_id: this.e.ZALO_ZNS_TEMPLATE_ID!, template_data: n.params, tracking_id: n.ref };
    return this.k.outbox.enqueue(tx, ZALO_TOPIC, body, { requestId, maxAttempts: 10 });
  }
  async deliver(body: ZnsRequest): Promise<void> {
    const r = await post(`${this.e.ZALO_ZNS_URL.replace(/\/$/, '')}/message/template`, { access_token: this.e.ZALO_OA_ACCESS_TOKEN! }, body, this.e.NOTIFY_HTTP_TIMEOUT_MS);
    const j = r.json as { error?: unknown; message?: unknown } | null;
    if (r.status !== 200 || !j || j.error !== 0) throw new Error(`Zalo ZNS refused (HTTP ${r.status}): ${JSON.stringify(j).slice(0, 200)}`);
  }
}

export interface Channels {
  adapters: Record<Channel, ChannelAdapter>;
}

const byKernel = new WeakMap<Kernel, Channels>();

/** The channels of a kernel (built once from the environment). */
export function channelsOf(k: Kernel): Channels {
  let c = byKernel.get(k);
  if (!c) {
    const e = channelEnv();
    c = { adapters: { email: new EmailChannel(k), sms: new SmsChannel(k, e), zalo: new ZaloChannel(k, e) } };
    byKernel.set(k, c);
  }
  return c;
}

/** Registers the outbox handlers that deliver SMS and Zalo messages. */
export function registerChannels(k: Kernel): void {
  const { adapters } = channelsOf(k);
  k.outbox.on<SmsRequest>(SMS_TOPIC, (m) => (adapters.sms as SmsChannel).deliver(m.payload));
  k.outbox.on<ZnsRequest>(ZALO_TOPIC, (m) => (adapters.zalo as ZaloChannel).deliver(m.payload));
}

/**
 * Queues a notice on the channels the recipient chose (`prefer`), among those
 * configured here and for which they have an address; when none of them can
 * carry it, by email. Returns the channels used.
 */
export async function sendNotice(k: Kernel, tx: Executor, to: Recipient, prefer: readonly Channel[], n: Notice, requestId?: string): Promise<Channel[]> {
  const { adapters } = channelsOf(k);
  const used: Channel[] = [];
  for (const ch of prefer) {
    const a = adapters[ch];
    const addr = a.enabled() ? a.addressOf(to) : null;
    if (!addr) continue;
    await a.queue(tx, addr, n, requestId);
    used.push(ch);
  }
  if (!used.length && to.email) {
    await adapters.email.queue(tx, to.email, n, requestId);
    used.push('email');
  }
  return used;
}

/** Which channels this server can send on (for the preference screen). */
export function availableChannels(k: Kernel): Channel[] {
  const { adapters } = channelsOf(k);
  return CHANNELS.filter((c) => adapters[c].enabled());
}
