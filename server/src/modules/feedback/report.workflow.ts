import { defineCaseType, type ProcessDefinition, type SlaDef, toProcessDefinition } from '../../kernel/workflow/definition.js';

/**
 * A report (phản ánh, kiến nghị; khiếu nại; tố cáo) as a case type, after eGov
 * DIGIT PGR without its quirks: every terminal state is terminal (closed,
 * refused, merged accept no action), and "waiting for information" pauses the
 * answer clock instead of stopping it. Pure: the web app imports it.
 *
 * Clocks (working time from the calendar; defaults per kind, overridden per category):
 * - `received`: triage — classify, refuse or merge (PAKN: 2 working days);
 * - `triaged`: the answer, running through assignment and handling, paused while
 *   waiting for the reporter (PAKN: 15 working days);
 * - `answered`: publication of the answer (2 working days).
 */

export const REPORT_TYPE = 'feedback.report';

export const reportStates = ['received', 'triaged', 'assigned', 'in_progress', 'waiting_info', 'answered', 'published', 'closed', 'refused', 'merged'] as const;
export type ReportState = (typeof reportStates)[number];
/** States in which a report waits for the administration (its deadline can be missed). */
export const OPEN_STATES: readonly string[] = ['received', 'triaged', 'assigned', 'in_progress', 'waiting_info', 'answered'];
export const FINAL_STATES: ReportState[] = ['closed', 'refused', 'merged'];

export type ReportKind = 'pakn' | 'complaint' | 'denunciation';

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const HANDLERS = ['specialist', 'division_head', 'leader'];

export const reportCaseType = defineCaseType({
  type: REPORT_TYPE,
  title: 'Phản ánh, kiến nghị',
  states: reportStates,
  initial: 'received',
  final: ['closed', 'refused', 'merged'],
  labels: {
    received: 'Mới tiếp nhận',
    triaged: 'Đã phân loại',
    assigned: 'Đã giao xử lý',
    in_progress: 'Đang xử lý',
    waiting_info: 'Chờ bổ sung thông tin',
    answered: 'Đã có trả lời',
    published: 'Đã công khai trả lời',
    closed: 'Đã đóng',
    refused: 'Từ chối tiếp nhận',
    merged: 'Trùng, đã gộp',
    classify: 'Phân loại, chuyển xử lý',
    refuse: 'Từ chối tiếp nhận',
    merge: 'Gộp vào phản ánh trùng',
    assign: 'Giao người xử lý',
    request_reassign: 'Đề nghị chuyển đơn vị khác',
    take: 'Nhận xử lý',
    request_info: 'Đề nghị bổ sung thông tin',
    provide_info: 'Bổ sung thông tin',
    answer: 'Trả lời',
    send_back: 'Trả lại để trả lời lại',
    publish: 'Công khai trả lời',
    rate: 'Đánh giá',
    reopen: 'Mở lại',
    close: 'Đóng',
  },
  actions: {
    classify: { from: ['received'], to: 'triaged', roles: ['feedback_operator', 'leader'] },
    refuse: {
      from: ['received', 'triaged'], to: 'refused', roles: ['feedback_operator', 'leader'],
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do từ chối tiếp nhận'),
    },
    merge: {
      from: ['received', 'triaged'], to: 'merged', roles: ['feedback_operator', 'leader'],
      condition: (c, p) => (!text(p.duplicateOf) ? 'Cần chọn phản ánh trùng' : p.duplicateOf === c.id ? 'Không thể gộp vào chính phản ánh này' : null),
    },
    assign: {
      from: ['triaged', 'assigned', 'in_progress'], to: 'assigned', roles: ['feedback_operator', 'division_head', 'leader'],
      condition: (_c, p) => (text(p.assigneeId) ? null : 'Cần chọn người xử lý'),
      apply: (d, p) => ({ ...d, assigneeId: p.assigneeId }),
    },
    request_reassign: {
      from: ['assigned', 'in_progress'], to: 'triaged', roles: HANDLERS,
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do đề nghị chuyển'),
      apply: (d) => ({ ...d, assigneeId: null }),
    },
    take: { from: ['assigned'], to: 'in_progress', roles: HANDLERS },
    request_info: {
      from: ['assigned', 'in_progress'], to: 'waiting_info', roles: HANDLERS,
      condition: (_c, p) => (text(p.question) ? null : 'Cần nêu thông tin cần bổ sung'),
    },
    provide_info: {
      from: ['waiting_info'], to: 'in_progress', roles: ['applicant', 'feedback_operator'],
      condition: (_c, p) => (text(p.info) ? null : 'Cần nhập thông tin bổ sung'),
    },
    answer: {
      from: ['assigned', 'in_progress'], to: 'answered', roles: HANDLERS,
      condition: (_c, p) => (text(p.answer).length >= 10 ? null : 'Nội dung trả lời quá ngắn'),
    },
    send_back: {
      from: ['answered'], to: 'in_progress', roles: ['feedback_operator', 'leader'],
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do trả lại'),
    },
    publish: { from: ['answered'], to: 'published', roles: ['feedback_operator', 'leader'] },
    rate: {
      from: ['published'], to: 'closed', roles: ['applicant'],
      condition: (_c, p) => (p.rating === 'satisfied' || (p.rating === 'unsatisfied' && text(p.reason)) ? null : 'Chọn mức hài lòng; nếu chưa hài lòng, nêu lý do'),
    },
    reopen: {
      from: ['published'], to: 'in_progress', roles: ['applicant'],
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do mở lại'),
    },
    close: { from: ['published'], to: 'closed', roles: ['feedback_operator'] },
  },
  sla: {
    received: { days: 2 },
    triaged: { days: 15, runsIn: ['assigned', 'in_progress'], pausedIn: ['waiting_info'] },
    answered: { days: 2 },
  },
});

/** Time limits of one kind of report: triage, answer, publication. */
export interface Limits {
  triage: SlaDef;
  answer: SlaDef;
  publish: SlaDef;
}

/**
 * Defaults per kind: PAKN as 766 §5.2 (triage 2, answer 15, publish 2 working days);
 * complaints (Law on Complaints 2011: accept within 10 days, resolve within 30);
 * denunciations (Law on Denunciations 2018: accept within 7 working days, resolve within 30).
 * Urgent categories: triage within 8 working hours, answer within 3 days.
 */
export const DEFAULT_LIMITS: Record<ReportKind | 'urgent', Limits> = {
  pakn: { triage: { days: 2 }, answer: { days: 15 }, publish: { days: 2 } },
  complaint: { triage: { days: 10 }, answer: { days: 30 }, publish: { days: 2 } },
  denunciation: { triage: { days: 7 }, answer: { days: 30 }, publish: { days: 2 } },
  urgent: { triage: { hours: 8 }, answer: { days: 3 }, publish: { days: 1 } },
};

/** The definition a report pins: the built-in one with its category's time limits. */
export function definitionFor(limits: Limits, title: string): ProcessDefinition {
  const d = toProcessDefinition(reportCaseType as never);
  d.title = title;
  d.sla = {
    received: limits.triage,
    triaged: { ...limits.answer, runsIn: ['assigned', 'in_progress'], pausedIn: ['waiting_info'] },
    answered: limits.publish,
  };
  return d;
}
