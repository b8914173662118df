import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import { DOSSIER_TYPE, dossierFacts, dossierFactsPage, type DossierFacts } from '../services/index.js';
import { REPORT_TYPE, reportFacts, reportFactsPage, type ReportFacts } from '../feedback/index.js';
import { INCOMING_TYPE, OUTGOING_TYPE } from '../documents/index.js';
import { getAgency } from '../org/index.js';
import type { CaseActionView, CaseView } from '../../kernel/workflow/index.js';
import * as repo from './live.repo.js';
import type { DailyCounter, Fact } from './live.repo.js';

/**
 * The live figures' projection. Each case event (one outbox entry per event for
 * this subscriber, retried on its own) makes the projection read the case's
 * current facts through its module's index.ts, diff them against what it
 * counted before (ops_fact) and apply only the difference to the rollups, in
 * one transaction. A retried, duplicated or late event therefore changes
 * nothing twice, and the figures converge on the cases' real state.
 */

export const DOSSIER_SUBSCRIBER = 'operations.dossiers';
export const REPORT_SUBSCRIBER = 'operations.reports';
export const DOCUMENT_SUBSCRIBER = 'operations.documents';
const DOCUMENT_TOPICS = `workflow.case.${OUTGOING_TYPE.split('.')[0]}.*`;
const NO_DUE = 'infinity';

/** The Vietnamese calendar day of an instant (UTC+7, no daylight saving). */
export function vnDay(d: Date | string): string {
  return new Date(new Date(d).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

const DOSSIER_FINAL = new Set(['returned', 'refused', 'stopped', 'withdrawn']);

export function dossierFact(d: DossierFacts): Fact {
  const received = d.receivedAt ? vnDay(d.receivedAt) : null;
  const finished = received && d.finishedAt ? vnDay(d.finishedAt) : null;
  let outcome: Fact['outcome'] = null;
  if (finished) {
    if (!d.dueAt || d.finishedAt!.getTime() <= d.dueAt.getTime()) outcome = d.dueAt && finished < vnDay(d.dueAt) ? 'early' : 'on_time';
    else outcome = 'late';
  }
  return {
    case_id: d.id, kind: 'dossier', unit_path: d.unitPath, agency_key: d.agencyId ?? '', channel: d.channel,
    received_day: received, finished_day: finished, outcome,
    rated_day: d.ratedAt && d.rating ? vnDay(d.ratedAt) : null, satisfied: d.rating ? d.rating === 'satisfied' : null,
    open: !!received && !d.finishedAt && !DOSSIER_FINAL.has(d.state),
    // Waiting for the applicant: the clock is paused, the dossier cannot be overdue.
    due_at: d.state === 'supplementing' ? null : d.dueAt,
    signed: null,
  };
}

const REPORT_CLOSED = new Set(['closed', 'refused', 'merged', 'published']);

export function reportFact(r: ReportFacts, prior: Fact | undefined, now: Date): Fact {
  const handled = !!r.answeredAt || r.state === 'refused' || r.state === 'merged';
  // Handled on the day of the answer, or else of the refusal or merge (the feedback module's closedAt), so the
  // list behind the figure (GET /api/feedback/reports?outcome=answered…) finds the same reports.
  const at = r.answeredAt ?? r.closedAt;
  const finished = handled ? (at ? vnDay(at) : (prior?.finished_day ?? vnDay(now))) : null;
  return {
    case_id: r.id, kind: 'report', unit_path: r.unitPath ?? '', agency_key: r.agencyId ?? '', channel: r.channel,
    received_day: vnDay(r.createdAt), finished_day: finished, outcome: finished ? (r.breached ? 'late' : 'on_time') : null,
    rated_day: r.ratedAt && r.rating ? vnDay(r.ratedAt) : null, satisfied: r.rating ? r.rating === 'satisfied' : null,
    // Same as the feedback module's own "open": answered but not yet published still counts.
    open: !REPORT_CLOSED.has(r.state),
    due_at: r.dueAt,
    signed: null,
  };
}

const INCOMING_CLOSED = new Set(['finished', 'refused', 'recalled']);

/**
 * A document's facts from its case (the case engine is the documents' only
 * published record): an outgoing one counts as issued on the day of its
 * `issue` action, electronically signed when a `sign` action produced a
 * signed version; an incoming one is received on the day it arrived, handled
 * on the day of `finish` (late after the deadline its `assign` set), open until
 * finished, refused or recalled. Documents of a commune's people's committee
 * count for the commune (agency_key ''), like the commune's dossiers.
 */
export function documentFact(c: Pick<CaseView, 'id' | 'type' | 'state' | 'unitPath' | 'agencyId' | 'data' | 'createdAt'>, history: Pick<CaseActionView, 'action' | 'at' | 'payload'>[], communeCommittee: boolean): Fact | null {
  const base = { case_id: c.id, kind: 'document' as const, unit_path: c.unitPath ?? '', agency_key: communeCommittee ? '' : (c.agencyId ?? ''), rated_day: null, satisfied: null };
  if (c.type === OUTGOING_TYPE) {
    const issue = history.find((a) => a.action === 'issue');
    const signed = history.some((a) => a.action === 'sign' && typeof a.payload.versionId === 'string' && a.payload.versionId !== '');
    return { ...base, channel: 'outgoing', received_day: issue ? vnDay(issue.at) : null, finished_day: null, outcome: null, open: false, due_at: null, signed: issue ? signed : null };
  }
  if (c.type !== INCOMING_TYPE) return null;
  const deadline = typeof c.data.deadline === 'string' ? new Date(c.data.deadline) : null;
  const finish = c.state === 'finished' ? [...history].reverse().find((a) => a.action === 'finish') : undefined;
  return {
    ...base, channel: 'incoming', received_day: vnDay(c.createdAt),
    finished_day: finish ? vnDay(finish.at) : null,
    outcome: finish ? (deadline && finish.at.getTime() > deadline.getTime() ? 'late' : 'on_time') : null,
    open: !INCOMING_CLOSED.has(c.state), due_at: deadline, signed: null,
  };
}

type Delta = Map<string, { key: repo.DailyKey; inc: Partial<Record<DailyCounter, number>> }>;

function contribute(f: Fact, sign: 1 | -1, daily: Delta, open: Map<string, number>) {
  const add = (day: string | null, counter: DailyCounter) => {
    if (!day) return;
    const id = `${day}|${f.unit_path}|${f.agency_key}|${f.channel}`;
    let e = daily.get(id);
    if (!e) daily.set(id, (e = { key: { day, kind: f.kind, unitPath: f.unit_path, agencyKey: f.agency_key, channel: f.channel }, inc: {} }));
    e.inc[counter] = (e.inc[counter] ?? 0) + sign;
  };
  if (f.kind === 'document' && f.channel === 'outgoing') {
    add(f.received_day, 'issued');
    if (f.signed) add(f.received_day, 'signed');
  } else add(f.received_day, 'received');
  if (f.finished_day && f.outcome) {
    add(f.finished_day, 'finished');
    add(f.finished_day, f.outcome);
  }
  if (f.rated_day) {
    add(f.rated_day, 'rated');
    if (f.satisfied) add(f.rated_day, 'satisfied');
  }
  if (f.open) {
    const id = `${f.unit_path}|${f.agency_key}|${f.due_at ? vnDay(f.due_at) : NO_DUE}`;
    open.set(id, (open.get(id) ?? 0) + sign);
  }
}

/** Applies the difference between what was counted for a case and what should be. Returns whether anything changed. */
export async function applyFact(k: Kernel, caseId: string, next: (prior: Fact | undefined) => Fact | null): Promise<boolean> {
  return transaction(k.db, async (tx) => {
    await repo.lockCase(tx, caseId);
    const prior = await repo.factForUpdate(tx, caseId);
    const now = next(prior);
    if (!now) return false;
    const daily: Delta = new Map();
    const open = new Map<string, number>();
    if (prior) contribute(prior, -1, daily, open);
    contribute(now, 1, daily, open);
    let changed = !prior;
    for (const { key, inc } of daily.values()) {
      for (const c of Object.keys(inc) as DailyCounter[]) if (!inc[c]) delete inc[c];
      if (Object.keys(inc).length) changed = true;
      await repo.bumpDaily(tx, key, inc);
    }
    for (const [id, n] of open) {
      if (!n) continue;
      changed = true;
      const [unitPath, agencyKey, dueDay] = id.split('|') as [string, string, string];
      await repo.bumpOpen(tx, now.kind, unitPath, agencyKey, dueDay, n);
    }
    if (changed || JSON.stringify(prior) !== JSON.stringify(now)) await repo.saveFact(tx, now);
    return changed;
  });
}

export async function projectDossier(k: Kernel, id: string): Promise<boolean> {
  const d = await dossierFacts(k, id);
  return d ? applyFact(k, id, () => dossierFact(d)) : false;
}

export async function projectReport(k: Kernel, id: string): Promise<boolean> {
  const r = await reportFacts(k, id);
  return r ? applyFact(k, id, (prior) => reportFact(r, prior, new Date())) : false;
}

export async function projectDocument(k: Kernel, id: string): Promise<boolean> {
  const c = await k.workflow.get(id);
  if (!c || (c.type !== OUTGOING_TYPE && c.type !== INCOMING_TYPE)) return false;
  const [history, agency] = await Promise.all([k.workflow.history(id), c.agencyId ? getAgency(k.db, c.agencyId) : undefined]);
  const f = documentFact(c, history, agency?.kind === 'commune_committee');
  return f ? applyFact(k, id, () => f) : false;
}

export function registerProjections(k: Kernel): void {
  k.outbox.subscribe<{ caseId: string }>(DOCUMENT_TOPICS, DOCUMENT_SUBSCRIBER, async (m) => {
    await projectDocument(k, m.payload.caseId);
  });
  k.outbox.subscribe<{ caseId: string }>(`workflow.case.${DOSSIER_TYPE}.*`, DOSSIER_SUBSCRIBER, async (m) => {
    await projectDossier(k, m.payload.caseId);
  });
  k.outbox.subscribe<{ caseId: string }>(`workflow.case.${REPORT_TYPE}.*`, REPORT_SUBSCRIBER, async (m) => {
    await projectReport(k, m.payload.caseId);
  });
}

/**
 * Walks every dossier and report and applies what differs: used once to fill
 * the projection for cases older than the module, and by `congso operations
 * rebuild` after a restore. Idempotent.
 */
export async function rebuild(k: Kernel, onProgress?: (done: number) => void): Promise<{ dossiers: number; reports: number; documents: number; changed: number }> {
  const PAGE = 500;
  let dossiers = 0;
  let reports = 0;
  let changed = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await dossierFactsPage(k, offset, PAGE);
    for (const d of page) if (await applyFact(k, d.id, () => dossierFact(d))) changed++;
    dossiers += page.length;
    onProgress?.(dossiers);
    if (page.length < PAGE) break;
  }
  for (let offset = 0; ; offset += PAGE) {
    const page = await reportFactsPage(k, offset, PAGE);
    const now = new Date();
    for (const r of page) if (await applyFact(k, r.id, (prior) => reportFact(r, prior, now))) changed++;
    reports += page.length;
    onProgress?.(dossiers + reports);
    if (page.length < PAGE) break;
  }
  let documents = 0;
  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const ids = await repo.documentCaseIds(k.db, [OUTGOING_TYPE, INCOMING_TYPE], after, PAGE);
    for (const id of ids) if (await projectDocument(k, id)) changed++;
    documents += ids.length;
    onProgress?.(dossiers + reports + documents);
    if (ids.length < PAGE) break;
    after = ids[ids.length - 1]!;
  }
  return { dossiers, reports, documents, changed };
}
