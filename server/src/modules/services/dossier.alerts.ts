import { systemCtx } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db/index.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import type { SlaEvent } from '../../kernel/workflow/index.js';
import { accountsFor, getAccount } from '../identity/index.js';
import * as repo from './dossier.repo.js';
import { type JointAlertRef, markJointAlert } from './joint.js';

/**
 * What happens when a dossier's clock warns or breaches (outbox jobs queued by
 * the case engine's sweeps): a warning goes to the handler it is assigned to
 * (or, unassigned, to the heads of division of its scope); a breach escalates
 * through the hierarchy — first the leaders of the agency or commune, from the
 * second breach on also the province's leaders.
 */

const fmt = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

async function mail(k: Kernel, to: (string | null | undefined)[], subject: string, text: string, ex: Executor = k.db): Promise<void> {
  const list = [...new Set(to.filter((x): x is string => !!x))];
  if (!list.length) return;
  await k.mailer.send(ex, k.outbox, { to: list.join(', '), subject, text });
}

type Scope = { unitPath: string | null; agencyId: string | null };
/** A grant of the agency's or commune's own (not the province's over everything). */
const ownGrant = (g: { scope: { unitPath?: string | null; agencyId?: string | null } }) => !!g.scope.agencyId || (g.scope.unitPath ?? '').includes('.');
/** The leaders told of a breach in `scope`: the agency's or commune's own; from `level` 2 also the province's. */
const leadersOf = (k: Kernel, scope: Scope, level = 1) => accountsFor(k, 'services.dossier.approve', scope, ['leader'], level >= 2 ? undefined : ownGrant);

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
      const leaders = await leadersOf(k, scope, level);
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

/**
 * The clock of a joint step (liên thông): each agency's part has its own time
 * limit within the statutory one. Its warning (outbox job `services.joint.warning`,
 * queued at the step's warning time when the step starts) goes to the officials
 * of the agency holding the step; its breach (`services.joint.breached`, at the
 * step's due time) escalates to that agency's leaders and to the receiving
 * (lead) agency — its leaders and the dossier's handler — and is audited. Both
 * are marked on the step once, in the transaction that queues the mail, and do
 * nothing when the step finished before its time.
 */
export function jointAlerts(k: Kernel) {
  const own = (agencyId: string) => (g: { scope: { agencyId?: string | null } }) => g.scope.agencyId === agencyId;
  return {
    async warning(e: JointAlertRef): Promise<void> {
      const d = await repo.dossier(k.db, e.dossierId);
      if (!d || d.finished_at) return;
      await transaction(k.db, async (tx) => {
        const s = await markJointAlert(tx, e.dossierId, e.seq, 'warned', new Date());
        if (!s) return;
        const scope = { unitPath: s.unit_path, agencyId: s.agency_id };
        // Those of the agency who do its part (pass the dossier on or complete it), the agency's own grants only.
        const to = (await accountsFor(k, 'services.dossier.joint_complete', scope, undefined, own(s.agency_id))).map((a) => a.email);
        await mail(k, to, `Hồ sơ ${d.code} sắp đến hạn bước liên thông`, [
          `Hồ sơ ${d.code} (${d.procedure_name}) đang ở ${s.agency_name}, bước «${s.label}».`,
          `Hạn của bước này: ${fmt(s.due_at)}. Hạn trả kết quả cho người nộp: ${d.due_at ? fmt(d.due_at) : 'chưa có'}.`,
          `Xem hồ sơ: ${k.config.publicUrl}/ho-so/${d.id}`,
        ].join('\n'), tx);
      });
    },
    async breached(e: JointAlertRef): Promise<void> {
      const d = await repo.dossier(k.db, e.dossierId);
      if (!d || d.finished_at) return;
      await transaction(k.db, async (tx) => {
        const s = await markJointAlert(tx, e.dossierId, e.seq, 'breached', new Date());
        if (!s) return;
        const stepScope = { unitPath: s.unit_path, agencyId: s.agency_id };
        const [stepLeaders, stepOfficials, homeLeaders] = await Promise.all([
          accountsFor(k, 'services.dossier.approve', stepScope, ['leader'], own(s.agency_id)),
          accountsFor(k, 'services.dossier.joint_complete', stepScope, undefined, own(s.agency_id)),
          leadersOf(k, { unitPath: d.unit_path, agencyId: d.agency_id }),
        ]);
        const assignee = d.assignee_id ? await getAccount(k, d.assignee_id) : null;
        await k.audit.record(tx, systemCtx('services.joint'), {
          action: 'services.dossier.joint_step_breached', entity: 'dossier', entityId: d.id,
          after: { seq: s.seq, stepNo: s.step_no, agencyCode: s.agency_code, dueAt: s.due_at },
        });
        await mail(k, [...stepLeaders, ...stepOfficials, ...homeLeaders].map((a) => a.email).concat(assignee?.email ?? []),
          `Hồ sơ ${d.code} quá hạn bước liên thông tại ${s.agency_name}`, [
            `Hồ sơ ${d.code} (${d.procedure_name}) đã quá hạn bước liên thông «${s.label}» tại ${s.agency_name} từ ${fmt(s.due_at)}.`,
            `Cơ quan tiếp nhận: ${d.handler_name}. Hạn trả kết quả cho người nộp: ${d.due_at ? fmt(d.due_at) : 'chưa có'}.`,
            `Đề nghị ${s.agency_name} hoàn thành phần việc của mình và chuyển hồ sơ; nếu không kịp hạn trả kết quả, cơ quan tiếp nhận gửi văn bản xin lỗi, hẹn lại (Mẫu 04).`,
            `Xem hồ sơ: ${k.config.publicUrl}/ho-so/${d.id}`,
          ].join('\n'), tx);
      });
    },
  };
}
