import { defineCaseType } from '../../kernel/workflow/definition.js';

/**
 * An incoming document (văn bản đến) as a case type, Decree 30/2020 art.
 * 19–24: received (uploaded, or dispatched by another agency of this
 * instance), registered with its arrival number the same day, assigned to a
 * lead handler and co-handlers with a deadline, handled, finished (with the
 * reply linked). A wrong or invalid document is refused back; a document the
 * sender recalls is frozen. Pure: the web app imports it.
 */

export const INCOMING_TYPE = 'documents.incoming';

export const incomingStates = ['received', 'registered', 'assigned', 'in_progress', 'finished', 'refused', 'recalled'] as const;
export type IncomingState = (typeof incomingStates)[number];

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

export const incomingCaseType = defineCaseType({
  type: INCOMING_TYPE,
  title: 'Văn bản đến',
  states: incomingStates,
  initial: 'received',
  final: ['finished', 'refused', 'recalled'],
  labels: {
    received: 'Mới đến, chờ vào sổ',
    registered: 'Đã vào sổ, chờ phân công',
    assigned: 'Đã giao xử lý',
    in_progress: 'Đang xử lý',
    finished: 'Đã xử lý xong',
    refused: 'Đã trả lại',
    recalled: 'Bị thu hồi',
    register: 'Vào sổ văn bản đến',
    refuse: 'Trả lại văn bản',
    assign: 'Giao xử lý',
    progress: 'Cập nhật tiến độ',
    comment: 'Ý kiến',
    finish: 'Hoàn thành xử lý',
    recall: 'Thu hồi theo yêu cầu nơi gửi',
  },
  actions: {
    register: { from: ['received'], to: 'registered', roles: ['clerk'] },
    refuse: {
      from: ['received'], to: 'refused', roles: ['clerk'],
      condition: (_c, p) => (text(p.note) ? null : 'Cần nêu lý do trả lại'),
    },
    assign: {
      from: ['registered', 'assigned', 'in_progress'], to: 'assigned', roles: ['leader', 'division_head'],
      condition: (_c, p) => (text(p.leadId) ? null : 'Cần chọn người chủ trì xử lý'),
      apply: (d, p) => ({ ...d, leadId: p.leadId, coIds: p.coIds ?? [], deadline: p.deadline ?? null }),
    },
    progress: {
      from: ['assigned', 'in_progress'], to: 'in_progress', roles: ['specialist', 'division_head', 'leader'],
      condition: (_c, p) => (text(p.note) ? null : 'Cần nhập nội dung tiến độ'),
    },
    comment: {
      from: ['assigned', 'in_progress'], to: 'in_progress', roles: ['specialist', 'division_head', 'leader'],
      condition: (_c, p) => (text(p.note) ? null : 'Cần nhập ý kiến'),
    },
    finish: { from: ['assigned', 'in_progress'], to: 'finished', roles: ['specialist', 'division_head', 'leader'] },
    recall: { from: ['received', 'registered', 'assigned', 'in_progress'], to: 'recalled', roles: ['system'] },
  },
  sla: {
    // Decree 30 art. 20: register and forward the same day, at the latest the next working day.
    received: { hours: 8 },
  },
});

export type IncomingAction = keyof typeof incomingCaseType.actions;
/** Actions that need the service's own work (arrival number, handlers), through their own routes. */
export const INCOMING_SPECIAL: IncomingAction[] = ['register', 'assign', 'recall'];
