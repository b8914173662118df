import type { Ctx } from '../../kernel/context.js';
import { authorize, can, scopesFor } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { findProvinceUnit, findUnitByCode, getAgency, getAgencyByCode, listAllAgencies, listChildUnits } from '../org/index.js';
import { index766 } from '../services/index.js';
import { opsErrors } from './errors.js';
import { DASHBOARD_READ } from './http.js';
import * as repo from './live.repo.js';
import { vnDay } from './live.projection.js';

/**
 * The operations centre's live figures for one level (province, agency,
 * commune) and period, read from the projection's rollups: each figure with
 * its target and red/amber/green, the time it was computed and the list behind it.
 */

export type Rag = 'green' | 'amber' | 'red';
export type Unit = 'count' | 'percent' | 'points';

export interface Figure {
  key: string;
  value: number | null;
  unit: Unit;
  target: number | null;
  direction: 'up' | 'down' | null;
  rag: Rag | null;
  basis: string | null;
  /** The list behind the figure in the officials' workspace (what the reader may see). */
  link: string | null;
  computedAt: Date;
}

export interface Level {
  kind: 'province' | 'agency' | 'commune';
  code: string;
  name: string;
  unitPath: string;
  agencyId: string | null;
}

export const FIGURE_KEYS = [
  'dossiers.received', 'dossiers.receivedOnline', 'dossiers.onlineShare', 'dossiers.finished', 'dossiers.early', 'dossiers.onTime', 'dossiers.late',
  'dossiers.onTimeRate', 'dossiers.open', 'dossiers.overdue', 'dossiers.overdueRate', 'dossiers.satisfaction', 'dossiers.index766',
  'petitions.received', 'petitions.answered', 'petitions.answeredOnTime', 'petitions.onTimeRate', 'petitions.open', 'petitions.overdue',
  'petitions.overdueRate', 'petitions.satisfaction',
  'documents.issued', 'documents.received', 'documents.signed', 'documents.signedShare', 'documents.handled', 'documents.handledOnTime',
  'documents.onTimeRate', 'documents.open', 'documents.overdue', 'documents.overdueRate',
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

const MAX_DAYS = 366 * 5 + 1;

export function ragOf(value: number | null, t: Pick<repo.TargetRow, 'target' | 'amber' | 'direction'> | undefined): Rag | null {
  if (value === null || !t) return null;
  if (t.direction === 'up') return value >= t.target ? 'green' : value >= t.amber ? 'amber' : 'red';
  return value <= t.target ? 'green' : value <= t.amber ? 'amber' : 'red';
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

type OpenPair = { open: number; overdue: number };

/** The figures' values from sums (shared by the level, its children and the trend). */
export function values(d: repo.Sums, p: repo.Sums, doc: repo.Sums, open: { d: OpenPair; p: OpenPair; doc: OpenPair } | null): Partial<Record<FigureKey, number | null>> {
  return {
    'dossiers.received': d.received,
    'dossiers.receivedOnline': d.received_online,
    'dossiers.onlineShare': pct(d.received_online, d.received),
    'dossiers.finished': d.finished,
    'dossiers.early': d.early,
    'dossiers.onTime': d.on_time,
    'dossiers.late': d.late,
    'dossiers.onTimeRate': pct(d.early + d.on_time, d.finished),
    'dossiers.satisfaction': pct(d.satisfied, d.rated),
    'petitions.received': p.received,
    'petitions.answered': p.finished,
    'petitions.answeredOnTime': p.on_time,
    'petitions.onTimeRate': pct(p.on_time, p.finished),
    'petitions.satisfaction': pct(p.satisfied, p.rated),
    'documents.issued': doc.issued,
    'documents.received': doc.received,
    'documents.signed': doc.signed,
    'documents.signedShare': pct(doc.signed, doc.issued),
    'documents.handled': doc.finished,
    'documents.handledOnTime': doc.on_time,
    'documents.onTimeRate': pct(doc.on_time, doc.finished),
    ...(open
      ? {
          'dossiers.open': open.d.open,
          'dossiers.overdue': open.d.overdue,
          'dossiers.overdueRate': pct(open.d.overdue, open.d.open),
          'petitions.open': open.p.open,
          'petitions.overdue': open.p.overdue,
          'petitions.overdueRate': pct(open.p.overdue, open.p.open),
          'documents.open': open.doc.open,
          'documents.overdue': open.doc.overdue,
          'documents.overdueRate': pct(open.doc.overdue, open.doc.open),
        }
      : {}),
  };
}

/** Figures that are a state now, not a sum over a period (no trend). */
export const NOW_KEYS: FigureKey[] = ['dossiers.open', 'dossiers.overdue', 'dossiers.overdueRate', 'petitions.open', 'petitions.overdue', 'petitions.overdueRate',
  'documents.open', 'documents.overdue', 'documents.overdueRate', 'dossiers.index766'];

export const ZERO: repo.Sums = { received: 0, finished: 0, early: 0, on_time: 0, late: 0, rated: 0, satisfied: 0, issued: 0, signed: 0, received_online: 0 };

export const UNITS: Partial<Record<FigureKey, Unit>> = {
  'dossiers.onlineShare': 'percent', 'dossiers.onTimeRate': 'percent', 'dossiers.overdueRate': 'percent', 'dossiers.satisfaction': 'percent',
  'petitions.onTimeRate': 'percent', 'petitions.overdueRate': 'percent', 'petitions.satisfaction': 'percent', 'dossiers.index766': 'points',
  'documents.signedShare': 'percent', 'documents.onTimeRate': 'percent', 'documents.overdueRate': 'percent',
};

/**
 * The lists behind the figures (they show what the reader may see), filtered as the figure counts:
 * the level (unit = commune code, agency = agency code; none for the province) and, for sums over
 * the period, the period's Vietnamese days. Figures that are a state now (open, overdue) carry the
 * level only. See docs/operations-centre.md for each list's parameters.
 */
export function linkOf(key: FigureKey, q: { from: string; to: string; level: Level }): string | null {
  const scope = q.level.kind === 'commune' ? `&unit=${q.level.code}` : q.level.kind === 'agency' ? `&agency=${q.level.code}` : '';
  const per = `&from=${q.from}&to=${q.to}${scope}`;
  switch (key) {
    case 'dossiers.received':
      return `/lam-viec/ho-so?outcome=received${per}`;
    case 'dossiers.finished':
    case 'dossiers.onTimeRate':
      return `/lam-viec/ho-so?outcome=finished${per}`;
    case 'dossiers.early':
      return `/lam-viec/ho-so?outcome=early${per}`;
    case 'dossiers.onTime':
      return `/lam-viec/ho-so?outcome=on_time${per}`;
    case 'dossiers.late':
      return `/lam-viec/ho-so?outcome=late${per}`;
    case 'dossiers.receivedOnline':
    case 'dossiers.open':
      return '/lam-viec/ho-so?tab=processing';
    case 'dossiers.overdue':
    case 'dossiers.overdueRate':
      return '/lam-viec/ho-so?tab=overdue';
    case 'dossiers.onlineShare':
    case 'dossiers.satisfaction':
    case 'dossiers.index766':
      return `/chi-so-766?from=${q.from}&to=${q.to}${scope}`;
    case 'petitions.received':
      return `/lam-viec/phan-anh?outcome=received${per}`;
    case 'petitions.answered':
    case 'petitions.onTimeRate':
      return `/lam-viec/phan-anh?outcome=answered${per}`;
    case 'petitions.answeredOnTime':
      return `/lam-viec/phan-anh?outcome=answered_on_time${per}`;
    case 'petitions.open':
      return `/lam-viec/phan-anh?loc=dang-mo${scope}`;
    case 'petitions.overdue':
    case 'petitions.overdueRate':
      return `/lam-viec/phan-anh?loc=qua-han${scope}`;
    case 'petitions.satisfaction':
      return '/lam-viec/phan-anh/tong-hop';
    case 'documents.issued':
    case 'documents.signedShare':
      return `/lam-viec/van-ban?tab=outgoing${per}`;
    case 'documents.signed':
      return `/lam-viec/van-ban?tab=outgoing&signed=1${per}`;
    case 'documents.received':
      return `/lam-viec/van-ban?tab=incoming${per}`;
    case 'documents.handled':
    case 'documents.onTimeRate':
      return `/lam-viec/van-ban?tab=incoming&outcome=handled${per}`;
    case 'documents.handledOnTime':
      return `/lam-viec/van-ban?tab=incoming&outcome=handled_on_time${per}`;
    case 'documents.open':
      return `/lam-viec/van-ban?tab=incoming&open=1${scope}`;
    case 'documents.overdue':
    case 'documents.overdueRate':
      return `/lam-viec/van-ban?tab=incoming&overdue=1${scope}`;
    default:
      return null;
  }
}

export interface LevelQuery {
  unit?: string;
  agency?: string;
}

/** Resolves the level and checks the reader may see it (a commune leader sees their commune only). */
export async function resolveLevel(k: Kernel, ctx: Ctx, q: LevelQuery, action = DASHBOARD_READ): Promise<Level> {
  let level: Level;
  if (q.agency) {
    const a = await cached(k, `agency:${q.agency}`, () => getAgencyByCode(k.db, q.agency!));
    if (!a) throw opsErrors.agency(q.agency);
    level = { kind: 'agency', code: a.code, name: a.name, unitPath: a.unit_path, agencyId: a.id };
  } else if (q.unit) {
    const u = await cached(k, `unit:${q.unit}`, () => findUnitByCode(k.db, q.unit!));
    if (!u) throw opsErrors.unit(q.unit);
    level = { kind: u.parent_code ? 'commune' : 'province', code: u.code, name: u.full_name, unitPath: u.path, agencyId: null };
  } else {
    const p = await cached(k, 'province', () => findProvinceUnit(k.db));
    if (!p) throw opsErrors.unit('—');
    level = { kind: 'province', code: p.code, name: p.full_name, unitPath: p.path, agencyId: null };
    // Without a level asked for, a reader who cannot see the province starts at their own agency or commune.
    if (!can(ctx.actor, action, { unitPath: p.path })) {
      const own = (scopesFor(ctx.actor, action) ?? [])[0];
      if (own?.agencyId) {
        const a = await getAgency(k.db, own.agencyId);
        if (a) level = { kind: 'agency', code: a.code, name: a.name, unitPath: a.unit_path, agencyId: a.id };
      } else if (own?.unitPath) {
        const u = await findUnitByCode(k.db, own.unitPath.split('.').pop()!);
        if (u) level = { kind: u.parent_code ? 'commune' : 'province', code: u.code, name: u.full_name, unitPath: u.path, agencyId: null };
      }
    }
  }
  authorize(ctx.actor, action, { unitPath: level.unitPath, agencyId: level.agencyId });
  return level;
}

export function scopeOf(level: Level): repo.Scope {
  if (level.kind === 'agency') return { agencyKey: level.agencyId! };
  if (level.kind === 'commune') return { unitPath: level.unitPath };
  return {};
}

export function period(q: { from?: string; to?: string }, now = new Date()): { from: string; to: string } {
  const today = vnDay(now);
  const to = q.to ?? today;
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0 || days > MAX_DAYS) throw opsErrors.period(MAX_DAYS);
  return { from, to };
}

export interface Child {
  kind: 'agency' | 'commune';
  code: string;
  name: string;
  values: Partial<Record<FigureKey, number | null>>;
  rag: Partial<Record<FigureKey, Rag | null>>;
}

const NO_OPEN: OpenPair = { open: 0, overdue: 0 };

/**
 * The level's figures, channels and (for the province) every commune and
 * agency, from two statements run side by side (period sums by GROUPING SETS
 * over the monthly and edge-day rollups; open and overdue now), the targets
 * and the org lists from small caches, and the 766 score from the services module.
 */
async function screenData(k: Kernel, level: Level, p: { from: string; to: string }, now: Date, with766: boolean) {
  const s = scopeOf(level);
  const scope766 = level.kind === 'commune' ? { unit: level.code } : level.kind === 'agency' ? { agency: level.code } : {};
  const today = vnDay(now);
  const withChildren = level.kind === 'province';
  const [{ period: rows, open, dataAsOf }, targets, org, idx] = await Promise.all([
    repo.screenRows(k.db, p.from, p.to, today, now, s, withChildren),
    liveTargets(k),
    withChildren ? orgLists(k, level.code) : null,
    // The services module's 766 score, computed from its own rollups: kept per level and period, recomputed
    // in the background once older than a few seconds; the figure carries the time it was computed.
    with766 ? fresh(k, `766:${level.kind}:${level.code}:${p.from}:${p.to}`, () => index766(k, { from: p.from, to: p.to, ...scope766 })) : null,
  ]);
  const sumsOf = (kind: repo.Kind, dim: repo.Dim, key: string | null) => rows.find((r) => r.kind === kind && r.dim === dim && r.key === key) ?? ZERO;
  const openOf = (kind: repo.Kind, dim: repo.OpenRow['dim'], key: string | null) => open.find((r) => r.kind === kind && r.dim === dim && r.key === key) ?? NO_OPEN;
  const v = values(sumsOf('dossier', 'total', null), sumsOf('report', 'total', null), sumsOf('document', 'total', null),
    { d: openOf('dossier', 'total', null), p: openOf('report', 'total', null), doc: openOf('document', 'total', null) });
  if (idx) v['dossiers.index766'] = idx.value.computable > 0 ? Math.round((1000 * idx.value.total) / idx.value.computable) / 10 : null;
  // Each level has its own targets (the province's figures against the province's, a commune's against a commune's).
  const targetsOf = (kind: Level['kind']) => new Map(targets.filter((t) => t.level === kind).map((t) => [t.key, t]));
  const tmap = targetsOf(level.kind);
  const childTargets = { agency: targetsOf('agency'), commune: targetsOf('commune') };
  const computedAt = new Date();
  const figures: Figure[] = FIGURE_KEYS.filter((key) => key in v).map((key) => {
    const t = tmap.get(key);
    const value = v[key] ?? null;
    return {
      key, value, unit: UNITS[key] ?? 'count', target: t?.target ?? null, direction: t?.direction ?? null, rag: ragOf(value, t), basis: t?.basis ?? null,
      link: linkOf(key, { ...p, level }), computedAt: key === 'dossiers.index766' && idx ? idx.at : computedAt,
    };
  });
  const channelList = (kind: repo.Kind) => rows.filter((r) => r.kind === kind && r.dim === 'channel' && r.received > 0)
    .map((r) => ({ channel: r.key!, n: r.received })).sort((a, b) => b.n - a.n || a.channel.localeCompare(b.channel));
  const channels = { dossiers: channelList('dossier'), petitions: channelList('report') };

  const kids: Child[] = [];
  if (org) {
    const make = (kind: Child['kind'], code: string, name: string, dim: 'commune' | 'agency', key: string): Child => {
      const cv = values(sumsOf('dossier', dim, key), sumsOf('report', dim, key), sumsOf('document', dim, key),
        { d: openOf('dossier', dim, key), p: openOf('report', dim, key), doc: openOf('document', dim, key) });
      const rag: Child['rag'] = {};
      const cmap = childTargets[kind];
      for (const fk of Object.keys(cv) as FigureKey[]) if (cmap.has(fk)) rag[fk] = ragOf(cv[fk] ?? null, cmap.get(fk));
      return { kind, code, name, values: cv, rag };
    };
    for (const u of org.communes) kids.push(make('commune', u.code, u.full_name, 'commune', u.path));
    for (const a of org.agencies) if (a.kind !== 'commune_committee' && a.active) kids.push(make('agency', a.code, a.name, 'agency', a.id));
  }
  return { figures, channels, children: kids, dataAsOf };
}

/** Small caches of what changes rarely (targets, the province's communes and agencies), a few seconds each. */
const TTL_MS = 5_000;
const caches = new WeakMap<Kernel, Map<string, { at: number; value: Promise<unknown> }>>();
function cached<T>(k: Kernel, key: string, load: () => Promise<T>): Promise<T> {
  let m = caches.get(k);
  if (!m) caches.set(k, (m = new Map()));
  if (m.size > 500) for (const [key2, e] of m) if (Date.now() - e.at >= TTL_MS) m.delete(key2);
  const hit = m.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = load();
  m.set(key, { at: Date.now(), value });
  value.catch(() => m.delete(key));
  return value;
}
/**
 * Stale-while-revalidate: the last value (with when it was computed) while a
 * newer one is computed in the background once it is older than TTL_MS; a
 * value older than a minute is not served, the caller waits for a new one.
 */
const fresher = new WeakMap<Kernel, Map<string, { at: Date; value: unknown; pending: Promise<unknown> | null }>>();
async function fresh<T>(k: Kernel, key: string, load: () => Promise<T>): Promise<{ value: T; at: Date }> {
  let m = fresher.get(k);
  if (!m) fresher.set(k, (m = new Map()));
  const e = m.get(key);
  const refresh = () => {
    const started = new Date();
    const pending = load().then(
      (value) => { m.set(key, { at: started, value, pending: null }); return value; },
      (err) => { const cur = m.get(key); if (cur) cur.pending = null; else m.delete(key); throw err; },
    );
    return pending;
  };
  if (e && Date.now() - e.at.getTime() < 60_000) {
    if (Date.now() - e.at.getTime() >= TTL_MS && !e.pending) {
      e.pending = refresh();
      e.pending.catch(() => undefined);
    }
    return { value: e.value as T, at: e.at };
  }
  if (m.size > 500) for (const [key2, x] of m) if (Date.now() - x.at.getTime() >= 60_000 && !x.pending) m.delete(key2);
  const started = new Date();
  const value = await (e?.pending ?? refresh());
  return { value: value as T, at: m.get(key)?.at ?? started };
}

/** Forgets what is cached (after an administrator edits targets; the benchmark's uncached runs). */
export function forgetCached(k: Kernel): void {
  caches.get(k)?.clear();
  fresher.get(k)?.clear();
}
const liveTargets = (k: Kernel) => cached(k, 'targets', () => repo.liveTargets(k.db));
const orgLists = (k: Kernel, province: string) =>
  cached(k, `org:${province}`, async () => {
    const [communes, agencies] = await Promise.all([listChildUnits(k.db, province), listAllAgencies(k.db)]);
    return { communes, agencies };
  });

/** Best and worst five of a kind by a rate figure (children with something to rate only). */
export function rankings(list: Child[], key: FigureKey = 'dossiers.onTimeRate', n = 5) {
  const rank = (kind: Child['kind']) => {
    const rated = list.filter((c) => c.kind === kind && typeof c.values[key] === 'number').sort((a, b) => (b.values[key] as number) - (a.values[key] as number) || a.code.localeCompare(b.code));
    return { top: rated.slice(0, n).map((c) => ({ code: c.code, name: c.name, value: c.values[key]! })), bottom: rated.slice(-n).reverse().map((c) => ({ code: c.code, name: c.name, value: c.values[key]! })) };
  };
  return { key, communes: rank('commune'), agencies: rank('agency') };
}

export async function dashboard(k: Kernel, ctx: Ctx, q: LevelQuery & { from?: string; to?: string }) {
  const now = new Date();
  const p = period(q, now);
  const level = await resolveLevel(k, ctx, q);
  const { figures, channels, children: kids, dataAsOf } = await screenData(k, level, p, now, true);
  return {
    level: { kind: level.kind, code: level.code, name: level.name },
    period: p,
    computedAt: new Date(),
    dataAsOf,
    figures,
    channels,
    children: kids,
    rankings: rankings(kids),
  };
}

const GRAINS: repo.Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

export async function trend(k: Kernel, ctx: Ctx, q: LevelQuery & { from?: string; to?: string; grain: repo.Grain; keys: string[] }) {
  const level = await resolveLevel(k, ctx, q);
  const p = period(q);
  if (!GRAINS.includes(q.grain)) throw opsErrors.metric(q.grain);
  for (const key of q.keys) if (!FIGURE_KEYS.includes(key as FigureKey) || NOW_KEYS.includes(key as FigureKey)) throw opsErrors.metric(key);
  const s = scopeOf(level);
  const [d, pe, doc] = await Promise.all([
    repo.series(k.db, 'dossier', q.grain, p.from, p.to, s), repo.series(k.db, 'report', q.grain, p.from, p.to, s), repo.series(k.db, 'document', q.grain, p.from, p.to, s),
  ]);
  const empty = ZERO;
  const periods = [...new Set([...d.map((r) => r.period), ...pe.map((r) => r.period), ...doc.map((r) => r.period)])].sort();
  const dm = new Map(d.map((r) => [r.period, r]));
  const pm = new Map(pe.map((r) => [r.period, r]));
  const docm = new Map(doc.map((r) => [r.period, r]));
  return {
    level: { kind: level.kind, code: level.code, name: level.name },
    period: p,
    grain: q.grain,
    computedAt: new Date(),
    periods,
    series: q.keys.map((key) => ({ key, values: periods.map((x) => values(dm.get(x) ?? empty, pm.get(x) ?? empty, docm.get(x) ?? empty, null)[key as FigureKey] ?? null) })),
  };
}

/** A live figure's province-wide value over a calendar year (computed programme indicators). */
export async function provinceFigure(k: Kernel, key: string, year: number): Promise<number | null> {
  if (!FIGURE_KEYS.includes(key as FigureKey)) return null;
  const from = `${year}-01-01`;
  const to = `${year}-12-31`;
  if (key === 'dossiers.index766') {
    const idx = await index766(k, { from, to });
    return idx.computable > 0 ? Math.round((1000 * idx.total) / idx.computable) / 10 : null;
  }
  const [d, p, doc] = await Promise.all([repo.sums(k.db, 'dossier', from, to, {}), repo.sums(k.db, 'report', from, to, {}), repo.sums(k.db, 'document', from, to, {})]);
  return values(d, p, doc, null)[key as FigureKey] ?? null;
}
