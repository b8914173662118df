import { systemCtx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import type { SlaEvent } from '../../kernel/workflow/index.js';
import { accountsFor, getAccount } from '../identity/index.js';
import * as repo from './report.repo.js';
import { FINAL_STATES, OPEN_STATES, reportCaseType } from './report.workflow.js';

/**
 * Deadlines of reports: a warning before a clock runs out goes to whoever
 * holds the step (the assigned handler, or the operators while it waits for
 * triage); a breach climbs the hierarchy — level 1: the leaders of the agency
 * or commune; then one level more every working day while it stays overdue, up
 * to FEEDBACK_ESCALATION_DEPTH (level 2: the province's leaders and the
 * provincial office). Also: closing published reports whose reopen window
 * passed, and the daily digest of what is due for each handler.
 */

export const ESCALATE_TOPIC = 'feedback.escalate';
export const AUTOCLOSE_TOPIC = 'feedback.autoclose';
export const DIGEST_TOPIC = 'feedback.digest';

const fmt = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const stateLabel = (s: string) => (reportCaseType.labels as Record<string, string>)[s] ?? s;

async function mail(k: Kernel, to: (string | null | undefined)[], subject: string, text: string): Promise<void> {
  const list = [...new Set(to.filter((x): x is string => !!x))];
  if (!list.length) return;
  await k.mailer.send(k.db, k.outbox, { to: list.join(', '), subject, text });
}

/** Leaders to tell at an escalation level: 1 = the report's own agency or commune; 2+ = also the province. */
async function leadersAt(k: Kernel, r: repo.ReportRow, level: number) {
  const scope = { unitPath: r.unit_path, agencyId: r.agency_id };
  const own = (g: { scope: { unitPath?: string | null; agencyId?: string | null } }) => !!g.scope.agencyId || (g.scope.unitPath ?? '').includes('.');
  return accountsFor(k, 'feedback.report.publish', scope, ['leader'], level >= 2 ? undefined : own);
}

export async function escalate(k: Kernel, id: string, level: number): Promise<void> {
  const r = await repo.report(k.db, id);
  if (!r || !OPEN_STATES.includes(r.state) || !r.due_at || r.due_at > new Date()) return;
  if (r.escalation_level >= level) return;
  const leaders = await leadersAt(k, r, level);
  const assignee = r.assignee_id ? await getAccount(k, r.assignee_id) : null;
  await transaction(k.db, async (tx) => {
    await repo.updateReport(tx, id, { escalation_level: level });
    await k.audit.record(tx, systemCtx('feedback.escalate'), {
      action: 'feedback.report.escalate', entity: 'feedback_report', entityId: id,
      before: { escalationLevel: r.escalation_level }, after: { escalationLevel: level, to: leaders.map((l) => l.id) },
    });
    if (level < k.config.FEEDBACK_ESCALATION_DEPTH) {
      const next = await k.calendar.load(tx).then((cal) => cal.addWorkingDays(new Date(), 1));
      await k.outbox.enqueue(tx, ESCALATE_TOPIC, { id, level: level + 1 }, { runAt: next, dedupeKey: `${ESCALATE_TOPIC}:${id}:${level + 1}` });
    }
  });
  await mail(k, [...leaders.map((a) => a.email), assignee?.email], `Phản ánh ${r.code} đã quá hạn (báo cáo cấp ${level})`, [
    `Phản ánh, kiến nghị ${r.code} «${r.title}» đã quá hạn từ ${fmt(r.due_at)} và đang ở bước «${stateLabel(r.state)}».`,
    level >= 2 ? 'Phản ánh vẫn quá hạn sau khi đã báo cáo lãnh đạo cơ quan, đơn vị; đề nghị lãnh đạo tỉnh chỉ đạo.' : 'Đề nghị lãnh đạo cơ quan, đơn vị chỉ đạo xử lý.',
    `Xem: ${k.config.publicUrl}/lam-viec/phan-anh/${r.id}`,
  ].join('\n'));
}

export function reportAlerts(k: Kernel) {
  return {
    async warning(e: SlaEvent): Promise<void> {
      const r = await repo.report(k.db, e.caseId);
      if (!r || FINAL_STATES.includes(r.state as never)) return;
      const scope = { unitPath: r.unit_path, agencyId: r.agency_id };
      const to = r.assignee_id
        ? [(await getAccount(k, r.assignee_id))?.email]
        : (await accountsFor(k, 'feedback.report.classify', scope, ['feedback_operator'])).map((a) => a.email);
      await mail(k, to, `Phản ánh ${r.code} sắp đến hạn`, [
        `Phản ánh, kiến nghị ${r.code} «${r.title}» sắp đến hạn ở bước «${stateLabel(r.state)}».`,
        `Hạn: ${fmt(new Date(e.dueAt))}.`,
        `Xem: ${k.config.publicUrl}/lam-viec/phan-anh/${r.id}`,
      ].join('\n'));
    },
    async breached(e: SlaEvent): Promise<void> {
      // Late once, late for good (766 indicator 5.2), whatever happens next.
      await repo.updateReport(k.db, e.caseId, { breached: true });
      await escalate(k, e.caseId, 1);
    },
  };
}

/** Closes published reports whose reopen window has passed without a rating (as the platform). */
export async function autoClose(k: Kernel, act: (id: string) => Promise<void>): Promise<number> {
  const before = new Date(Date.now() - k.config.FEEDBACK_REOPEN_DAYS * 86_400_000);
  const ids = await repo.publishedBefore(k.db, before, 500);
  for (const id of ids) await act(id);
  return ids.length;
}

/** One mail per handler listing their open reports due within two days. */
export async function digest(k: Kernel): Promise<number> {
  const rows = await repo.dueForAssignees(k.db, new Date(Date.now() + 2 * 86_400_000));
  const by = new Map<string, typeof rows>();
  for (const r of rows) by.set(r.assignee_id, [...(by.get(r.assignee_id) ?? []), r]);
  for (const [assignee, items] of by) {
    const a = await getAccount(k, assignee);
    await mail(k, [a?.email], `Phản ánh đến hạn: ${items.length}`, [
      'Các phản ánh, kiến nghị được giao cho anh/chị sắp đến hạn hoặc đã quá hạn:',
      ...items.map((i) => `- ${i.code} «${i.title}» — hạn ${i.due_at ? fmt(i.due_at) : ''}`),
      `Xem: ${k.config.publicUrl}/lam-viec/phan-anh`,
    ].join('\n'));
  }
  return by.size;
}
