import { defineCaseType, type ProcessDefinition, toProcessDefinition } from '../../kernel/workflow/definition.js';

/**
 * The dossier (hồ sơ TTHC) as a case type: states, actions and who takes them
 * (pure: the web app imports it to show exactly what the server accepts).
 *
 * The clock of the statutory time limit starts when the dossier is received
 * and runs through processing and review; it pauses while the applicant
 * supplements (that time is not counted, Decree 118/2025) and stops when the
 * result is ready. An online dossier waits at most 8 working hours to be received.
 */

export const DOSSIER_TYPE = 'services.dossier';

export const dossierStates = ['submitted', 'processing', 'joint', 'supplementing', 'reviewing', 'approved', 'returned', 'refused', 'stopped', 'withdrawn'] as const;
export type DossierState = (typeof dossierStates)[number];


const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export const dossierCaseType = defineCaseType({
  type: DOSSIER_TYPE,
  title: 'Hồ sơ thủ tục hành chính',
  states: dossierStates,
  initial: 'submitted',
  final: ['returned', 'refused', 'stopped', 'withdrawn'],
  labels: {
    submitted: 'Chờ tiếp nhận',
    processing: 'Đang giải quyết',
    joint: 'Đang xử lý liên thông',
    supplementing: 'Chờ bổ sung',
    reviewing: 'Chờ phê duyệt',
    approved: 'Đã có kết quả',
    returned: 'Đã trả kết quả',
    refused: 'Từ chối tiếp nhận',
    stopped: 'Dừng giải quyết',
    withdrawn: 'Đã rút hồ sơ',
  },
  actions: {
    receive: { from: ['submitted'], to: 'processing', roles: ['desk_officer', 'leader'], label: 'Tiếp nhận' },
    refuse: {
      from: ['submitted'], to: 'refused', roles: ['desk_officer', 'leader'], label: 'Từ chối tiếp nhận',
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do từ chối (Mẫu 03)'),
    },
    assign: {
      from: ['processing'], to: 'processing', roles: ['division_head', 'leader'], label: 'Phân công',
      condition: (_c, p) => (text(p.assigneeId) ? null : 'Cần chọn người xử lý'),
      apply: (d, p) => ({ ...d, assigneeId: p.assigneeId, assigneeName: p.assigneeName ?? null }),
    },
    supplement: {
      from: ['processing'], to: 'supplementing', roles: ['desk_officer', 'specialist', 'division_head', 'leader'], label: 'Yêu cầu bổ sung',
      condition: (_c, p) => (Array.isArray(p.items) && p.items.length > 0 ? null : 'Cần liệt kê đầy đủ các nội dung phải bổ sung trong một lần (Mẫu 02)'),
      apply: (d, p) => ({ ...d, supplementRequests: ((d.supplementRequests as number) ?? 0) + 1 }),
    },
    resubmit: { from: ['supplementing'], to: 'processing', roles: ['applicant', 'desk_officer', 'leader'], label: 'Nộp bổ sung' },
    extend: {
      from: ['processing'], to: 'processing', roles: ['division_head', 'leader'], label: 'Xin lỗi và hẹn lại ngày trả',
      condition: (_c, p) => (text(p.reason) && text(p.newDate) ? null : 'Cần nêu lý do và ngày hẹn trả mới (Mẫu 04)'),
      apply: (d, p) => ({ ...d, extendedTo: p.newDate, extensions: ((d.extensions as number) ?? 0) + 1 }),
    },
    process: { from: ['processing'], to: 'reviewing', roles: ['specialist', 'division_head', 'leader'], label: 'Trình phê duyệt' },
    send_back: {
      from: ['reviewing'], to: 'processing', roles: ['leader'], label: 'Trả lại xử lý',
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do trả lại'),
    },
    approve: { from: ['reviewing'], to: 'approved', roles: ['leader'], label: 'Phê duyệt, ban hành kết quả' },
    deliver: { from: ['approved'], to: 'returned', roles: ['desk_officer', 'leader'], label: 'Trả kết quả' },
    stop: {
      from: ['processing', 'supplementing', 'reviewing'], to: 'stopped', roles: ['leader'], label: 'Dừng giải quyết',
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do dừng giải quyết (Mẫu 05)'),
    },
    withdraw: { from: ['submitted', 'processing', 'joint', 'supplementing'], to: 'withdrawn', roles: ['applicant'], label: 'Rút hồ sơ' },
    // Joint processing (liên thông): the receiving body hands the dossier to the next agency of the
    // pinned plan; that agency passes it on, completes its part (back to the receiving body) or returns
    // it with a reason. Which agency and which step is the services module's (joint.ts), which moves the
    // case's scope so that the agency holding it is the one that may act.
    transfer: { from: ['processing'], to: 'joint', roles: ['specialist', 'division_head', 'leader'], label: 'Chuyển xử lý liên thông' },
    joint_pass: { from: ['joint'], to: 'joint', roles: ['specialist', 'division_head', 'leader'], label: 'Xong phần việc, chuyển cơ quan tiếp theo' },
    joint_complete: { from: ['joint'], to: 'processing', roles: ['specialist', 'division_head', 'leader'], label: 'Xong phần việc, trả về nơi tiếp nhận' },
    joint_return: {
      from: ['joint'], to: 'processing', roles: ['specialist', 'division_head', 'leader'], label: 'Trả lại nơi tiếp nhận (không giải quyết được)',
      condition: (_c, p) => (text(p.reason) ? null : 'Cần nêu lý do trả lại hồ sơ'),
    },
  },
  sla: {
    submitted: { hours: 8 },
    processing: { days: 1, runsIn: ['reviewing', 'joint'], pausedIn: ['supplementing'] },
  },
});

export type DossierAction = keyof typeof dossierCaseType.actions;

/** The built-in definition adapted to a procedure's time limit (what a dossier pins unless an administrator saved one). */
export function definitionFor(timeLimit: { days: number } | { hours: number }, title: string): ProcessDefinition {
  const d = toProcessDefinition(dossierCaseType as never);
  const limit = 'days' in timeLimit ? { days: Math.max(1, timeLimit.days) } : { hours: timeLimit.hours };
  d.title = title;
  d.sla = { ...d.sla, processing: { ...limit, runsIn: ['reviewing', 'joint'], pausedIn: ['supplementing'] } };
  return d;
}
