import type { Kernel } from '../../kernel/index.js';
import type { SlaEvent } from '../../kernel/workflow/index.js';
import { accountsFor, getAccount } from '../identity/index.js';
import * as repo from './dossier.repo.js';

/**
 * What happens when a dossier's clock warns or breaches (outbox jobs queued by
 * the case engine's sweeps): a warning goes to the handler it is assigned to
 * (or, unassigned, to the heads of division of its scope); a breach escalates
 * through the hierarchy — first the leaders of the agency or commune, from the
 * second breach on also the province's leaders.
 */

const fmt = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

async function mail(k: Kernel, to: (string | null | undefined)[], subject: string, text: string): Promise<void> {
  const list = [...new Set(to.filter((x): x is string => !!x))];
  if (!list.length) return;
  await k.mailer.send(k.db, k.outbox, { to: list.join(', '), subject, text });
}

export function dossierAlerts(k: Kernel) {
  return {
    async warning(e: SlaEvent): Promise<void> {
      const d = await repo.dossier(k.db, e.caseId);
      if (!d || d.finished_at || e.step !== 'processing') return;
      const scope = { unitPath: d.unit_path, agencyId: d.agency_id };
      const to = d.assignee_id
        ? [(await getAccount(k, d.assignee_id))?.email]
        : (await accountsFor(k, 'services.dossier.assign', scope, ['division_head'])).map((a) => a.email);
      await mail(k, to, `Hồ sơ ${d.code} sắp đến hạn trả kết quả`, [
        `Hồ sơ ${d.code} (${d.procedure_name}) của ${d.applicant.name} sắp đến hạn.`,
        `Hạn trả kết quả: ${fmt(new Date(e.dueAt))}.`,
        `Xem hồ sơ: ${k.config.publicUrl}/ho-so/${d.id}`,
      ].join('\n'));
    },
    async breached(e: SlaEvent): Promise<void> {
      const d = await repo.dossier(k.db, e.caseId);
      if (!d || d.finished_at) return;
      const scope = { unitPath: d.unit_path, agencyId: d.agency_id };
      const level = e.escalationLevel ?? 1;
      // Level 1: the agency's or commune's own leaders; from level 2: the province's too.
      const own = (g: { scope: { unitPath?: string | null; agencyId?: string | null } }) => !!g.scope.agencyId || (g.scope.unitPath ?? '').includes('.');
      const leaders = await accountsFor(k, 'services.dossier.approve', scope, ['leader'], level >= 2 ? undefined : own);
      const assignee = d.assignee_id ? await getAccount(k, d.assignee_id) : null;
      await mail(k, [...leaders.map((a) => a.email), assignee?.email], `Hồ sơ ${d.code} đã quá hạn (cảnh báo lần ${level})`, [
        `Hồ sơ ${d.code} (${d.procedure_name}) của ${d.applicant.name} đã quá hạn trả kết quả từ ${fmt(new Date(e.dueAt))}.`,
        `Cơ quan giải quyết: ${d.handler_name}. Trạng thái: ${d.state}.`,
        'Đề nghị chỉ đạo giải quyết và gửi văn bản xin lỗi, hẹn lại ngày trả kết quả cho người nộp (Mẫu 04).',
        `Xem hồ sơ: ${k.config.publicUrl}/ho-so/${d.id}`,
      ].join('\n'));
    },
  };
}
