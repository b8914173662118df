import type { Kernel } from '../../kernel/index.js';
import type { SessionMeRow } from './session.repo.js';

/**
 * A short-lived cache of session lookups per instance (SESSION_CACHE_MS), so an
 * authenticated read does not pay a database round trip each time. It is only
 * used while this instance listens to the `congso_auth` channel: triggers
 * (migration 0032) announce at commit which account changed — logout, role,
 * lock, password — and every instance drops that account's entries. Losing the
 * LISTEN connection empties the cache and stops its use until it is back.
 */
interface Entry {
  row: SessionMeRow;
  until: number;
}

const MAX_ENTRIES = 50_000;

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byAccount = new Map<string, Set<string>>();

  constructor(
    private readonly k: Kernel,
    private readonly ttlMs: number,
  ) {
    k.notify.listen(
      'congso_auth',
      (target) => (target === '*' ? this.clear() : this.dropAccount(target)),
      () => this.clear(),
    );
  }

  get(key: string): SessionMeRow | undefined {
    if (!this.k.notify.live) return undefined;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until < Date.now() || new Date(e.row.expires_at).getTime() <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.row;
  }

  set(key: string, row: SessionMeRow): void {
    if (!this.k.notify.live) return;
    if (this.entries.size >= MAX_ENTRIES) this.clear();
    this.entries.set(key, { row, until: Date.now() + this.ttlMs });
    let keys = this.byAccount.get(row.account_id);
    if (!keys) this.byAccount.set(row.account_id, (keys = new Set()));
    keys.add(key);
  }

  dropAccount(accountId: string): void {
    for (const key of this.byAccount.get(accountId) ?? []) this.entries.delete(key);
    this.byAccount.delete(accountId);
  }

  clear(): void {
    this.entries.clear();
    this.byAccount.clear();
  }
}

const caches = new WeakMap<Kernel, SessionCache | null>();

/** The kernel's session cache, or null when SESSION_CACHE_MS is 0. */
export function sessionCache(k: Kernel): SessionCache | null {
  let c = caches.get(k);
  if (c === undefined) {
    c = k.config.SESSION_CACHE_MS > 0 ? new SessionCache(k, k.config.SESSION_CACHE_MS) : null;
    caches.set(k, c);
  }
  return c;
}
