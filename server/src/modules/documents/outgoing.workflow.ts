import { defineCaseType } from '../../kernel/workflow/definition.js';

/**
 * An outgoing document (văn bản đi) as a case type, Decree 30/2020 art. 10–18:
 * the drafter uploads drafts, colleagues give opinions, the competent person
 * approves, the leader signs, the clerk (văn thư) gives number and date,
 * applies the organisation's signature and issues, then dispatches to the
 * recipients. Recall freezes an issued document. Pure: the web app imports it.
 *
 * `sign` and `issue` are taken by the service after it has produced the
 * signed PDF (kernel/pki); their payload names the version they produced.
 */

export const OUTGOING_TYPE = 'documents.outgoing';

export const outgoingStates = ['draft', 'reviewing', 'approved', 'signed', 'issued', 'dispatched', 'recalled', 'cancelled'] as const;
export type OutgoingState = (typeof outgoingStates)[number];

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const DRAFTERS = ['specialist', 'division_head', 'leader'];

export const outgoingCaseType = defineCaseType({
  type: OUTGOING_TYPE,
  title: 'Văn bản đi',
  states: outgoingStates,
  initial: 'draft',
  final: ['recalled', 'cancelled'],
  labels: {
    draft: 'Dự thảo',
    reviewing: 'Đang xin ý kiến',
    approved: 'Đã duyệt, chờ ký',
    signed: 'Đã ký, chờ phát hành',
    issued: 'Đã phát hành',
    dispatched: 'Đã gửi',
    recalled: 'Đã thu hồi',
    cancelled: 'Đã hủy dự thảo',
    submit: 'Trình xin ý kiến, duyệt',
    comment: 'Góp ý',
    revise: 'Rút về sửa dự thảo',
    approve: 'Duyệt dự thảo',
    return: 'Trả lại dự thảo',
    sign: 'Ký số',
    issue: 'Cấp số, ký số cơ quan và phát hành',
    dispatch: 'Gửi văn bản',
    recall: 'Thu hồi văn bản',
    cancel: 'Hủy dự thảo',
  },
  actions: {
    submit: { from: ['draft'], to: 'reviewing', roles: DRAFTERS },
    comment: {
      from: ['reviewing'], to: 'reviewing', roles: DRAFTERS,
      condition: (_c, p) => (text(p.note) ? null : 'Cần nhập nội dung góp ý'),
    },
    revise: { from: ['reviewing'], to: 'draft', roles: DRAFTERS },
    approve: { from: ['reviewing'], to: 'approved', roles: ['division_head', 'leader'] },
    return: {
      from: ['reviewing', 'approved'], to: 'draft', roles: ['division_head', 'leader'],
      condition: (_c, p) => (text(p.note) ? null : 'Cần nêu lý do trả lại'),
    },
    sign: {
      from: ['approved'], to: 'signed', roles: ['leader'],
      condition: (_c, p) => (text(p.versionId) ? null : 'Chưa có bản đã ký'),
    },
    issue: {
      from: ['signed'], to: 'issued', roles: ['clerk'],
      condition: (_c, p) => (text(p.versionId) && text(p.numberSymbol) ? null : 'Chưa cấp số và ký số cơ quan'),
    },
    dispatch: { from: ['issued'], to: 'dispatched', roles: ['clerk'] },
    recall: {
      from: ['issued', 'dispatched'], to: 'recalled', roles: ['leader'],
      condition: (_c, p) => (text(p.note) ? null : 'Cần nêu lý do thu hồi'),
    },
    cancel: { from: ['draft'], to: 'cancelled', roles: DRAFTERS },
  },
});

export type OutgoingAction = keyof typeof outgoingCaseType.actions;
/** Actions taken through their own routes (they produce a signed PDF), not the generic action route. */
export const OUTGOING_SPECIAL: OutgoingAction[] = ['sign', 'issue', 'dispatch'];
