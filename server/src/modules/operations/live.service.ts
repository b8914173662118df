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
] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];

const MAX_DAYS = 366 * 5 + 1;

export function ragOf(value: number | null, t: Pick<repo.TargetRow, 'target' | 'amber' | 'direction'> | undefined): Rag | null {
  if (value === null || !t) return null;
  if (t.direction === 'up') return value >= t.target ? 'green' : value >= t.amber ? 'amber' : 'red';
  return value <= t.target ? 'green' : value <= t.amber ? 'amber' : 'red';
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((1000 * n) / d) / 10 : null);

/** The figures' values from sums (shared by the level, its children and the trend). */
export function values(d: repo.Sums, p: repo.Sums, open: { d: { open: number; overdue: number }; p: { open: number; overdue: number } } | null): Partial<Record<FigureKey, number | null>> {
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
    ...(open
      ? {
          'dossiers.open': open.d.open,
          'dossiers.overdue': open.d.overdue,
          'dossiers.overdueRate': pct(open.d.overdue, open.d.open),
          'petitions.open': open.p.open,
          'petitions.overdue': open.p.overdue,
          'petitions.overdueRate': pct(open.p.overdue, open.p.open),
        }
      : {}),
  };
}

const UNITS: Partial<Record<FigureKey, Unit>> = {
  'dossiers.onlineShare': 'percent', 'dossiers.onTimeRate': 'percent', 'dossiers.overdueRate': 'percent', 'dossiers.satisfaction': 'percent',
  'petitions.onTimeRate': 'percent', 'petitions.overdueRate': 'percent', 'petitions.satisfaction': 'percent', 'dossiers.index766': 'points',
};

/** The existing lists behind the figures (they show what the reader may see). */
function linkOf(key: FigureKey, q: { from: string; to: string; level: Level }): string | null {
  const scope = q.level.kind === 'commune' ? `&unit=${q.level.code}` : q.level.kind === 'agency' ? `&agency=${q.level.code}` : '';
  switch (key) {
    case 'dossiers.received':
    case 'dossiers.receivedOnline':
    case 'dossiers.open':
      return '/lam-viec/ho-so?tab=processing';
    case 'dossiers.overdue':
    case 'dossiers.overdueRate':
      return '/lam-viec/ho-so?tab=overdue';
    case 'dossiers.finished':
    case 'dossiers.early':
    case 'dossiers.onTime':
    case 'dossiers.late':
    case 'dossiers.onTimeRate':
    case 'dossiers.onlineShare':
    case 'dossiers.satisfaction':
    case 'dossiers.index766':
      return `/chi-so-766?from=${q.from}&to=${q.to}${scope}`;
    case 'petitions.overdue':
    case 'petitions.overdueRate':
      return '/lam-viec/phan-anh?loc=qua-han';
    default:
      return '/lam-viec/phan-anh';
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
    const a = await getAgencyByCode(k.db, q.agency);
    if (!a) throw opsErrors.agency(q.agency);
    level = { kind: 'agency', code: a.code, name: a.name, unitPath: a.unit_path, agencyId: a.id };
  } else if (q.unit) {
    const u = await findUnitByCode(k.db, q.unit);
    if (!u) throw opsErrors.unit(q.unit);
    level = { kind: u.parent_code ? 'commune' : 'province', code: u.code, name: u.full_name, unitPath: u.path, agencyId: null };
  } else {
    const p = await findProvinceUnit(k.db);
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

async function figuresFor(k: Kernel, level: Level, p: { from: string; to: string }, now: Date, with766: boolean) {
  const s = scopeOf(level);
  const today = vnDay(now);
  const [d, pe, od, op, targets] = await Promise.all([
    repo.sums(k.db, 'dossier', p.from, p.to, s),
    repo.sums(k.db, 'report', p.from, p.to, s),
    repo.openNow(k.db, 'dossier', today, now, s),
    repo.openNow(k.db, 'report', today, now, s),
    repo.liveTargets(k.db),
  ]);
  const v = values(d, pe, { d: od, p: op });
  if (with766) {
    const idx = await index766(k, { from: p.from, to: p.to, ...(level.kind === 'commune' ? { unit: level.code } : level.kind === 'agency' ? { agency: level.code } : {}) });
    v['dossiers.index766'] = idx.computable > 0 ? Math.round((1000 * idx.total) / idx.computable) / 10 : null;
  }
  const tmap = new Map(targets.map((t) => [t.key, t]));
  const computedAt = new Date();
  const figures: Figure[] = FIGURE_KEYS.filter((key) => key in v).map((key) => {
    const t = tmap.get(key);
    const value = v[key] ?? null;
    return {
      key, value, unit: UNITS[key] ?? 'count', target: t?.target ?? null, direction: t?.direction ?? null, rag: ragOf(value, t), basis: t?.basis ?? null,
      link: linkOf(key, { ...p, level }), computedAt,
    };
  });
  return { figures, channels: { dossiers: await repo.byChannel(k.db, 'dossier', p.from, p.to, s), petitions: await repo.byChannel(k.db, 'report', p.from, p.to, s) } };
}

export interface Child {
  kind: 'agency' | 'commune';
  code: string;
  name: string;
  values: Partial<Record<FigureKey, number | null>>;
  rag: Partial<Record<FigureKey, Rag | null>>;
}

async function children(k: Kernel, level: Level, p: { from: string; to: string }, now: Date): Promise<Child[]> {
  if (level.kind !== 'province') return [];
  const today = vnDay(now);
  const s = scopeOf(level);
  const [communes, agencies, dc, pc, da, pa, targets] = await Promise.all([
    listChildUnits(k.db, level.code),
    listAllAgencies(k.db),
    repo.byChild(k.db, 'dossier', p.from, p.to, today, now, 'commune', s),
    repo.byChild(k.db, 'report', p.from, p.to, today, now, 'commune', s),
    repo.byChild(k.db, 'dossier', p.from, p.to, today, now, 'agency', s),
    repo.byChild(k.db, 'report', p.from, p.to, today, now, 'agency', s),
    repo.liveTargets(k.db),
  ]);
  const tmap = new Map(targets.map((t) => [t.key, t]));
  const zero: repo.GroupRow = { key: '', received: 0, finished: 0, early: 0, on_time: 0, late: 0, rated: 0, satisfied: 0, received_online: 0, open: 0, overdue: 0 };
  const make = (kind: Child['kind'], code: string, name: string, dr: repo.GroupRow | undefined, pr: repo.GroupRow | undefined): Child => {
    const a = dr ?? zero;
    const b = pr ?? zero;
    const v = values(a, b, { d: a, p: b });
    const rag: Child['rag'] = {};
    for (const key of Object.keys(v) as FigureKey[]) if (tmap.has(key)) rag[key] = ragOf(v[key] ?? null, tmap.get(key));
    return { kind, code, name, values: v, rag };
  };
  const byKey = (rows: repo.GroupRow[]) => new Map(rows.map((r) => [r.key, r]));
  const [dcm, pcm, dam, pam] = [byKey(dc), byKey(pc), byKey(da), byKey(pa)];
  const out: Child[] = communes.map((u) => make('commune', u.code, u.full_name, dcm.get(u.path), pcm.get(u.path)));
  for (const a of agencies) {
    if (a.kind === 'commune_committee' || !a.active) continue;
    out.push(make('agency', a.code, a.name, dam.get(a.id), pam.get(a.id)));
  }
  return out;
}

/** Best and worst five of a kind by a rate figure (children with something to rate only). */
export function rankings(list: Child[], key: FigureKey = 'dossiers.onTimeRate', n = 5) {
  const rank = (kind: Child['kind']) => {
    const rated = list.filter((c) => c.kind === kind && typeof c.values[key] === 'number').sort((a, b) => (b.values[key] as number) - (a.values[key] as number) || a.code.localeCompare(b.code));
    return { top: rated.slice(0, n).map((c) => ({ code: c.code, name: c.name, value: c.values[key]! })), bottom: rated.slice(-n).reverse().map((c) => ({ code: c.code, name: c.name, value: c.values[key]! })) };
  };
  return { key, communes: rank('commune'), agencies: rank('agency') };
}

export async function dashboard(k: Kernel, ctx: Ctx, q: LevelQuery & { from?: string; to?: string }) {
  const level = await resolveLevel(k, ctx, q);
  const now = new Date();
  const p = period(q, now);
  const [{ figures, channels }, kids, dataAsOf] = await Promise.all([figuresFor(k, level, p, now, true), children(k, level, p, now), repo.lastUpdate(k.db)]);
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
  for (const key of q.keys) if (!FIGURE_KEYS.includes(key as FigureKey) || ['dossiers.open', 'dossiers.overdue', 'dossiers.overdueRate', 'petitions.open', 'petitions.overdue', 'petitions.overdueRate', 'dossiers.index766'].includes(key)) throw opsErrors.metric(key);
  const s = scopeOf(level);
  const [d, pe] = await Promise.all([repo.series(k.db, 'dossier', q.grain, p.from, p.to, s), repo.series(k.db, 'report', q.grain, p.from, p.to, s)]);
  const empty: repo.Sums = { received: 0, finished: 0, early: 0, on_time: 0, late: 0, rated: 0, satisfied: 0, received_online: 0 };
  const periods = [...new Set([...d.map((r) => r.period), ...pe.map((r) => r.period)])].sort();
  const dm = new Map(d.map((r) => [r.period, r]));
  const pm = new Map(pe.map((r) => [r.period, r]));
  return {
    level: { kind: level.kind, code: level.code, name: level.name },
    period: p,
    grain: q.grain,
    computedAt: new Date(),
    periods,
    series: q.keys.map((key) => ({ key, values: periods.map((x) => values(dm.get(x) ?? empty, pm.get(x) ?? empty, null)[key as FigureKey] ?? null) })),
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
  const [d, p] = await Promise.all([repo.sums(k.db, 'dossier', from, to, {}), repo.sums(k.db, 'report', from, to, {})]);
  return values(d, p, null)[key as FigureKey] ?? null;
}
