import type { Kernel } from '../../kernel/index.js';

/**
 * Public tracking lookups cached per instance for a few seconds, used only
 * while the instance listens to `congso_dossier` (migration 0043): every action
 * on a dossier announces its id at commit and all instances drop it. Losing the
 * LISTEN connection empties the cache and stops its use until it is back.
 */
const TTL_MS = 10_000;
const MAX_ENTRIES = 20_000;

interface Entry<T> {
  id: string;
  value: T;
  until: number;
}

export class TrackingCache<T> {
  private readonly byCode = new Map<string, Entry<T>>();
  private readonly codeOf = new Map<string, string>();

  constructor(private readonly k: Kernel) {
    k.notify.listen('congso_dossier', (id) => this.drop(id), () => this.clear());
  }

  get(code: string): T | undefined {
    if (!this.k.notify.live) return undefined;
    const e = this.byCode.get(code);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.drop(e.id);
      return undefined;
    }
    return e.value;
  }

  set(code: string, id: string, value: T): void {
    if (!this.k.notify.live) return;
    if (this.byCode.size >= MAX_ENTRIES) this.clear();
    this.byCode.set(code, { id, value, until: Date.now() + TTL_MS });
    this.codeOf.set(id, code);
  }

  drop(id: string): void {
    const code = this.codeOf.get(id);
    if (code) this.byCode.delete(code);
    this.codeOf.delete(id);
  }

  clear(): void {
    this.byCode.clear();
    this.codeOf.clear();
  }
}

const caches = new WeakMap<Kernel, TrackingCache<unknown>>();

export function trackingCache<T>(k: Kernel): TrackingCache<T> {
  let c = caches.get(k);
  if (!c) caches.set(k, (c = new TrackingCache<unknown>(k)));
  return c as TrackingCache<T>;
}
