import pg from 'pg';
import type { Logger } from 'pino';

/**
 * PostgreSQL LISTEN/NOTIFY on one dedicated connection, reconnecting with
 * backoff. Used to invalidate per-instance caches across every instance:
 * a cache may only serve entries while `live` is true, and `onReset` handlers
 * run whenever the connection is (re)established or lost, since notifications
 * sent meanwhile are gone.
 */
export class Notifier {
  private client: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();
  private readonly resets = new Set<() => void>();
  private starting: Promise<void> | null = null;
  private stopped = false;
  private retryMs = 200;
  live = false;

  constructor(
    private readonly url: string,
    private readonly log?: Logger,
  ) {}

  /** Subscribes to a channel; connects on first use. */
  listen(channel: string, fn: (payload: string) => void, onReset?: () => void): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`bad channel name ${channel}`);
    let set = this.handlers.get(channel);
    const isNew = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(fn);
    if (onReset) this.resets.add(onReset);
    if (isNew && this.client && this.live) void this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    this.start();
  }

  private start(): void {
    if (this.starting || this.stopped) return;
    this.starting = this.connect().finally(() => {
      this.starting = null;
    });
  }

  private lost(): void {
    const wasLive = this.live;
    this.live = false;
    this.client = null;
    if (wasLive) for (const r of this.resets) r();
    if (this.stopped) return;
    setTimeout(() => this.start(), this.retryMs).unref();
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'congso-listen' });
    client.on('error', () => undefined);
    client.on('end', () => {
      if (this.client === client) this.lost();
    });
    client.on('notification', (n) => {
      for (const fn of this.handlers.get(n.channel) ?? []) fn(n.payload ?? '');
    });
    try {
      await client.connect();
      for (const ch of this.handlers.keys()) await client.query(`LISTEN ${ch}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.retryMs = 200;
      for (const r of this.resets) r();
      this.live = true;
    } catch (e) {
      this.log?.warn({ err: (e as Error).message }, 'LISTEN connection failed; retrying');
      await client.end().catch(() => undefined);
      this.client = null;
      this.lost();
    }
  }

  /** Resolves once listening (for tests and start-up). */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const t0 = Date.now();
    while (!this.live && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 10));
    return this.live;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.live = false;
    await this.starting?.catch(() => undefined);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }
}
