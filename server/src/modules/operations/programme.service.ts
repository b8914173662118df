import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { getAgencyByCode } from '../org/index.js';
import { opsErrors } from './errors.js';
import { PROGRAMME_MANAGE, PROGRAMME_READ, PROGRAMME_REPORT } from './http.js';
import { vnDay } from './live.projection.js';
import { provinceFigure, ragOf, type Rag } from './live.service.js';
import * as repo from './programme.repo.js';

/**
 * The programme: indicators against their yearly targets (actuals entered by
 * the owning agency with evidence, imported, or computed from congso's own
 * data), tasks with deadlines and progress reports, projects with budgets and
 * the cybersecurity share.
 */

/** The seeds' rule (Bắc Giang): at least 10% of the digital-transformation budget for cybersecurity. */
export const CYBER_MIN_SHARE = 10;
/** A task due within this many days and not done is amber. */
export const TASK_AMBER_DAYS = 14;

export const EVIDENCE_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/zip'];

const UNIT_LABEL: Record<repo.IndicatorUnit, string> = { percent: '%', count: 'số lượng', million_vnd: 'triệu đồng', rank: 'thứ hạng', score: 'điểm' };

/** Refuses a value its unit cannot have: negative counts, shares over 100%, ranks below 1. */
export function checkValue(unit: repo.IndicatorUnit, value: number, field: string): void {
  const bad = (reason: string) => opsErrors.value(field, UNIT_LABEL[unit], reason);
  if (!Number.isFinite(value)) throw bad('không phải là số');
  if (value < 0) throw bad('không được âm');
  if (unit === 'percent' && value > 100) throw bad('tỷ lệ phần trăm không quá 100');
  if ((unit === 'count' || unit === 'rank') && !Number.isInteger(value)) throw bad('phải là số nguyên');
  if (unit === 'rank' && value < 1) throw bad('thứ hạng bắt đầu từ 1');
}

export async function listProgrammes(k: Kernel, ctx: Ctx) {
  authorize(ctx.actor, PROGRAMME_READ);
  return (await repo.programmes(k.db)).map((p) => ({
    code: p.code, kind: p.kind, number: p.number, title: p.title, issuedOn: p.issued_on, issuer: p.issuer, level: p.level,
    period: { from: p.period_from, to: p.period_to }, groups: p.groups,
  }));
}

export interface IndicatorView {
  code: string;
  programme: { code: string; number: string };
  group: { seq: number; name: string } | null;
  name: string;
  unit: repo.IndicatorUnit;
  baseline: number | null;
  baselineYear: number | null;
  direction: 'up' | 'down';
  ownerAgency: string | null;
  legalBasis: string;
  source: 'computed' | 'entered' | 'imported';
  computedKey: string | null;
  public: boolean;
  targets: { year: number; value: number }[];
  year: number;
  target: number | null;
  actual: number | null;
  actualSource: 'computed' | 'entered' | 'imported' | null;
  actualAt: Date | null;
  evidence: number;
  rag: Rag | null;
}

export async function indicatorViews(k: Kernel, year: number, f: { programme?: string; code?: string; publicOnly?: boolean } = {}): Promise<IndicatorView[]> {
  const rows = await repo.indicators(k.db, f);
  const out: IndicatorView[] = [];
  for (const i of rows) {
    const targets = Object.entries(i.targets).map(([y, v]) => ({ year: Number(y), value: v })).sort((a, b) => a.year - b.year);
    // The target in force: this year's, else the next one set (a 2025 target governs 2023).
    const target = targets.find((t) => t.year === year) ?? targets.find((t) => t.year > year) ?? null;
    let actual: number | null = null;
    let actualSource: IndicatorView['actualSource'] = null;
    let actualAt: Date | null = null;
    let evidence = 0;
    if (i.source === 'computed' && i.computed_key) {
      actual = await provinceFigure(k, i.computed_key, year);
      actualSource = 'computed';
      actualAt = new Date();
    } else {
      const a = i.actuals[String(year)];
      if (a) {
        actual = a.value;
        actualSource = a.source as 'entered' | 'imported';
        actualAt = new Date(a.enteredAt);
        evidence = a.evidence;
      }
    }
    // Against a target of the year itself, the rule is strict; against a later one, amber while on the way.
    const rag = target ? ragOf(actual, { target: target.value, amber: i.direction === 'up' ? target.value * 0.9 : target.value * 1.1, direction: i.direction }) : null;
    out.push({
      code: i.code, programme: { code: i.programme_code, number: i.programme_number }, group: i.group_seq ? { seq: i.group_seq, name: i.group_name! } : null,
      name: i.name, unit: i.unit, baseline: i.baseline, baselineYear: i.baseline_year, direction: i.direction, ownerAgency: i.owner_agency,
      legalBasis: i.legal_basis, source: i.source, computedKey: i.computed_key, public: i.public, targets, year, target: target?.value ?? null,
      actual, actualSource, actualAt, evidence, rag,
    });
  }
  return out;
}

export async function listIndicators(k: Kernel, ctx: Ctx, q: { programme?: string; year?: number }) {
  authorize(ctx.actor, PROGRAMME_READ);
  const year = q.year ?? Number(vnDay(new Date()).slice(0, 4));
  return { year, computedAt: new Date(), items: await indicatorViews(k, year, { programme: q.programme }) };
}

export interface IndicatorInput {
  code: string;
  programme: string;
  group?: number | null;
  name: string;
  unit: repo.IndicatorUnit;
  baseline?: number | null;
  baselineYear?: number | null;
  direction: 'up' | 'down';
  ownerAgency?: string | null;
  legalBasis: string;
  source: 'computed' | 'entered' | 'imported';
  computedKey?: string | null;
  public?: boolean;
  targets: { year: number; value: number }[];
}

export async function createIndicator(k: Kernel, ctx: Ctx, input: IndicatorInput) {
  authorize(ctx.actor, PROGRAMME_MANAGE);
  if (input.baseline != null) checkValue(input.unit, input.baseline, 'baseline');
  input.targets.forEach((t, i) => checkValue(input.unit, t.value, `targets.${i}.value`));
  if ((input.source === 'computed') !== !!input.computedKey) throw errors.field('body.computedKey', 'required', 'Chỉ tiêu tính tự động cần mã số liệu (computedKey); chỉ tiêu nhập tay thì không');
  return transaction(k.db, async (tx) => {
    const p = await repo.programmeByCode(tx, input.programme);
    if (!p) throw opsErrors.programme();
    if (input.ownerAgency && !(await getAgencyByCode(tx, input.ownerAgency))) throw opsErrors.agency(input.ownerAgency);
    const id = await repo.insertIndicator(tx, {
      code: input.code, programme_id: p.id, group_id: input.group ? await repo.groupId(tx, p.id, input.group) : null, name: input.name, unit: input.unit,
      baseline: input.baseline ?? null, baseline_year: input.baselineYear ?? null, direction: input.direction, owner_agency: input.ownerAgency ?? null,
      legal_basis: input.legalBasis, source: input.source, computed_key: input.computedKey ?? null, public: input.public ?? false,
    }, Object.fromEntries(input.targets.map((t) => [t.year, t.value])));
    if (!id) throw opsErrors.indicatorExists(input.code);
    await k.audit.record(tx, ctx, { action: 'operations.indicator.create', entity: 'ops_indicator', entityId: id, before: null, after: input });
    return { id, code: input.code };
  });
}

/** The agency that owns an indicator or a task, as a scope (its leader reports for it). */
async function ownerScope(k: Kernel, code: string | null) {
  const a = code ? await getAgencyByCode(k.db, code) : undefined;
  return a ? { unitPath: a.unit_path, agencyId: a.id } : undefined;
}

export async function storeEvidence(k: Kernel, tx: Parameters<Kernel['files']['put']>[0], ctx: Ctx, files: { name: string; data: Buffer }[]): Promise<string[]> {
  const ids: string[] = [];
  for (const f of files) ids.push((await k.files.put(tx, ctx, f.name, f.data, { allow: EVIDENCE_TYPES, maxBytes: 20 * 1_048_576 })).id);
  return ids;
}

export async function enterActual(k: Kernel, ctx: Ctx, code: string, input: { year: number; value: number; note?: string | null; evidence: { name: string; data: Buffer }[] }) {
  const [i] = await repo.indicators(k.db, { code });
  if (!i) throw opsErrors.indicator(code);
  const scope = await ownerScope(k, i.owner_agency);
  // Without an owner, only the steering committee enters the figure.
  authorize(ctx.actor, scope ? PROGRAMME_REPORT : PROGRAMME_MANAGE, scope);
  if (i.source === 'computed') throw opsErrors.notEntered(code);
  checkValue(i.unit, input.value, 'value');
  if (i.source === 'entered' && !input.evidence.length) throw opsErrors.evidenceRequired();
  return transaction(k.db, async (tx) => {
    const evidence = await storeEvidence(k, tx, ctx, input.evidence);
    const id = await repo.insertActual(tx, {
      indicator_id: i.id, year: input.year, value: input.value, source: i.source === 'imported' ? 'imported' : 'entered', note: input.note ?? null, evidence,
      entered_by: ctx.actor!.name,
    });
    await k.audit.record(tx, ctx, { action: 'operations.indicator.actual', entity: 'ops_indicator', entityId: i.id, before: i.actuals[String(input.year)] ?? null, after: { year: input.year, value: input.value, evidence } });
    return { id, code, year: input.year, value: input.value, evidence: evidence.length };
  });
}

export interface TaskView {
  id: string;
  code: string;
  programme: string;
  group: { seq: number; name: string } | null;
  title: string;
  agency: string;
  dueOn: string;
  progress: number;
  doneAt: Date | null;
  status: 'done' | 'overdue' | 'due_soon' | 'on_track';
  rag: Rag;
  reports: number;
  lastNote: string | null;
}

export function taskStatus(t: { due_on: string; done_at: Date | null }, today: string): { status: TaskView['status']; rag: Rag } {
  if (t.done_at) return { status: 'done', rag: 'green' };
  if (t.due_on < today) return { status: 'overdue', rag: 'red' };
  const days = (Date.parse(t.due_on) - Date.parse(today)) / 86_400_000;
  return days <= TASK_AMBER_DAYS ? { status: 'due_soon', rag: 'amber' } : { status: 'on_track', rag: 'green' };
}

export function taskView(t: repo.TaskRow, today: string): TaskView {
  return {
    id: t.id, code: t.code, programme: t.programme_code, group: t.group_seq ? { seq: t.group_seq, name: t.group_name! } : null, title: t.title, agency: t.agency_code,
    dueOn: t.due_on, progress: t.progress, doneAt: t.done_at, ...taskStatus(t, today), reports: t.reports, lastNote: t.last_note,
  };
}

export async function listTasks(k: Kernel, ctx: Ctx, q: { agency?: string; open?: boolean }) {
  authorize(ctx.actor, PROGRAMME_READ);
  const today = vnDay(new Date());
  return { computedAt: new Date(), items: (await repo.tasks(k.db, q)).map((t) => taskView(t, today)) };
}

export async function createTask(k: Kernel, ctx: Ctx, input: { code: string; programme: string; group?: number | null; title: string; agency: string; dueOn: string }) {
  authorize(ctx.actor, PROGRAMME_MANAGE);
  return transaction(k.db, async (tx) => {
    const p = await repo.programmeByCode(tx, input.programme);
    if (!p) throw opsErrors.programme();
    if (!(await getAgencyByCode(tx, input.agency))) throw opsErrors.agency(input.agency);
    const id = await repo.insertTask(tx, { code: input.code, programme_id: p.id, group_id: input.group ? await repo.groupId(tx, p.id, input.group) : null, title: input.title, agency_code: input.agency, due_on: input.dueOn });
    if (!id) throw errors.field('body.code', 'unique', `Mã nhiệm vụ ${input.code} đã có`);
    await k.audit.record(tx, ctx, { action: 'operations.task.create', entity: 'ops_task', entityId: id, before: null, after: input });
    return { id };
  });
}

export async function reportTask(k: Kernel, ctx: Ctx, id: string, input: { progress: number; note: string; evidence: { name: string; data: Buffer }[] }) {
  const [t] = await repo.tasks(k.db, { id });
  if (!t) throw opsErrors.task();
  authorize(ctx.actor, PROGRAMME_REPORT, await ownerScope(k, t.agency_code));
  return transaction(k.db, async (tx) => {
    const row = await repo.lockTask(tx, id);
    if (!row) throw opsErrors.task();
    if (row.done_at) throw opsErrors.taskClosed();
    const evidence = await storeEvidence(k, tx, ctx, input.evidence);
    await repo.addTaskReport(tx, { task_id: id, progress: input.progress, note: input.note, evidence, by_name: ctx.actor!.name });
    await k.audit.record(tx, ctx, { action: 'operations.task.report', entity: 'ops_task', entityId: id, before: { progress: row.progress }, after: { progress: input.progress, evidence } });
    const [after] = await repo.tasks(tx, { id });
    return taskView(after!, vnDay(new Date()));
  });
}

export interface ProjectView {
  code: string;
  programme: string;
  name: string;
  agency: string;
  years: { from: number; to: number };
  budget: number;
  cyber: number;
  disbursed: number;
  cyberShare: number;
  disbursedShare: number;
  /** Below the 10% cybersecurity rule. */
  cyberBelowMin: boolean;
}

export function projectView(p: repo.ProjectRow): ProjectView {
  const share = (n: number) => Math.round((1000 * n) / p.budget_million) / 10;
  return {
    code: p.code, programme: p.programme_code, name: p.name, agency: p.agency_code, years: { from: p.year_from, to: p.year_to },
    budget: p.budget_million, cyber: p.cyber_million, disbursed: p.disbursed_million, cyberShare: share(p.cyber_million), disbursedShare: share(p.disbursed_million),
    cyberBelowMin: p.cyber_million * 100 < CYBER_MIN_SHARE * p.budget_million,
  };
}

export async function listProjects(k: Kernel, ctx: Ctx) {
  authorize(ctx.actor, PROGRAMME_READ);
  const items = (await repo.projects(k.db)).map(projectView);
  const sum = (f: (p: ProjectView) => number) => items.reduce((a, p) => a + f(p), 0);
  const budget = sum((p) => p.budget);
  const cyber = sum((p) => p.cyber);
  return {
    computedAt: new Date(), items,
    totals: { budget, cyber, disbursed: sum((p) => p.disbursed), cyberShare: budget ? Math.round((1000 * cyber) / budget) / 10 : null, cyberBelowMin: budget > 0 && cyber * 100 < CYBER_MIN_SHARE * budget, minCyberShare: CYBER_MIN_SHARE },
  };
}

export async function createProject(k: Kernel, ctx: Ctx, input: { code: string; programme: string; name: string; agency: string; yearFrom: number; yearTo: number; budget: number; cyber: number; disbursed: number }) {
  authorize(ctx.actor, PROGRAMME_MANAGE);
  if (input.cyber > input.budget) throw errors.field('body.cyber', 'max', 'Kinh phí an toàn thông tin (cyber) không vượt tổng kinh phí (budget)');
  if (input.disbursed > input.budget) throw errors.field('body.disbursed', 'max', 'Số đã giải ngân (disbursed) không vượt tổng kinh phí (budget)');
  if (input.yearTo < input.yearFrom) throw errors.field('body.yearTo', 'min', 'Năm kết thúc (yearTo) không trước năm bắt đầu (yearFrom)');
  return transaction(k.db, async (tx) => {
    const p = await repo.programmeByCode(tx, input.programme);
    if (!p) throw opsErrors.programme();
    if (!(await getAgencyByCode(tx, input.agency))) throw opsErrors.agency(input.agency);
    const id = await repo.insertProject(tx, {
      code: input.code, programme_id: p.id, name: input.name, agency_code: input.agency, year_from: input.yearFrom, year_to: input.yearTo,
      budget_million: input.budget, cyber_million: input.cyber, disbursed_million: input.disbursed,
    });
    if (!id) throw errors.field('body.code', 'unique', `Mã dự án ${input.code} đã có`);
    await k.audit.record(tx, ctx, { action: 'operations.project.create', entity: 'ops_project', entityId: id, before: null, after: input });
    return projectView({ id, code: input.code, programme_code: input.programme, name: input.name, agency_code: input.agency, year_from: input.yearFrom, year_to: input.yearTo, budget_million: input.budget, cyber_million: input.cyber, disbursed_million: input.disbursed });
  });
}
