import type { Executor } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { feedbackIndexCounts } from '../feedback/index.js';
import { findUnitByCode, getAgencyByCode } from '../org/index.js';
import * as repo from './dossier.repo.js';
import type { IndexScope, RollupSums } from './dossier.repo.js';

/**
 * The Decision 766/QĐ-TTg service-quality index, as far as the province's own
 * data supports it (docs/index-766.md). Figures come from rollups kept in each
 * dossier's transaction, so the page reads a few thousand rows, never every
 * dossier. Indicators that need national data or a module congso does not
 * have yet are listed as such with no score, never invented.
 */

export type IndicatorStatus = 'computed' | 'monitoring' | 'needs_national_data' | 'needs_petitions' | 'not_tracked';

export interface IndicatorDef {
  code: string;
  group: GroupCode;
  name: string;
  points: number;
  /** Full points at or above this rate; below it the score is rate × points ÷ threshold. */
  threshold: number;
}

export type GroupCode = 'transparency' | 'progress' | 'online' | 'payment' | 'digitisation' | 'satisfaction';

export const GROUPS: { code: GroupCode; name: string; points: number }[] = [
  { code: 'transparency', name: 'Công khai, minh bạch', points: 18 },
  { code: 'progress', name: 'Tiến độ giải quyết', points: 20 },
  { code: 'online', name: 'Dịch vụ công trực tuyến', points: 12 },
  { code: 'payment', name: 'Thanh toán trực tuyến', points: 10 },
  { code: 'digitisation', name: 'Số hóa hồ sơ', points: 22 },
  { code: 'satisfaction', name: 'Mức độ hài lòng', points: 18 },
];

/** Points and thresholds used; the split inside a group is configuration to check against the decision's annex. */
export const INDICATORS: IndicatorDef[] = [
  { code: '1', group: 'transparency', name: 'Công khai thủ tục, tiến độ trên Cổng Dịch vụ công quốc gia', points: 18, threshold: 1 },
  { code: '2.1', group: 'progress', name: 'Hồ sơ giải quyết trước và đúng hạn', points: 20, threshold: 1 },
  { code: '2.2', group: 'progress', name: 'Thời gian giải quyết trung bình (ngày, theo dõi)', points: 0, threshold: 1 },
  { code: '3.1', group: 'online', name: 'Thủ tục cung cấp dịch vụ công trực tuyến toàn trình', points: 4, threshold: 0.8 },
  { code: '3.2', group: 'online', name: 'Hồ sơ trực tuyến toàn trình trên hồ sơ của thủ tục toàn trình', points: 4, threshold: 0.5 },
  { code: '3.3', group: 'online', name: 'Hồ sơ nộp trực tuyến trên tổng số hồ sơ', points: 4, threshold: 0.5 },
  { code: 'TT.1', group: 'payment', name: 'Thủ tục có phí, lệ phí cho phép thanh toán trực tuyến', points: 4, threshold: 0.8 },
  { code: 'TT.2', group: 'payment', name: 'Hồ sơ thanh toán trực tuyến trên hồ sơ của thủ tục có phí', points: 6, threshold: 0.5 },
  { code: '4.1', group: 'digitisation', name: 'Hồ sơ có kết quả điện tử', points: 6, threshold: 1 },
  { code: '4.2', group: 'digitisation', name: 'Hồ sơ được số hóa thành phần và kết quả', points: 4, threshold: 0.8 },
  { code: '4.3', group: 'digitisation', name: 'Tái sử dụng dữ liệu đã số hóa', points: 2, threshold: 1 },
  { code: '4.4', group: 'digitisation', name: 'Khai thác dữ liệu từ kho dữ liệu công dân, CSDL quốc gia về dân cư, tài khoản định danh VNeID', points: 10, threshold: 1 },
  { code: '5.1', group: 'satisfaction', name: 'Phản ánh, kiến nghị trên Cổng Dịch vụ công quốc gia', points: 0, threshold: 1 },
  { code: '5.2', group: 'satisfaction', name: 'Phản ánh, kiến nghị được xử lý đúng hạn', points: 6, threshold: 1 },
  { code: '5.3', group: 'satisfaction', name: 'Hài lòng với việc xử lý phản ánh, kiến nghị', points: 6, threshold: 1 },
  { code: '5.4', group: 'satisfaction', name: 'Hài lòng với việc giải quyết hồ sơ', points: 6, threshold: 0.9 },
];

export interface IndicatorValue {
  code: string;
  group: GroupCode;
  name: string;
  points: number;
  threshold: number;
  status: IndicatorStatus;
  numerator: number | null;
  denominator: number | null;
  rate: number | null;
  score: number | null;
  note?: string;
}

export interface Index766 {
  period: { from: string; to: string };
  scope: { unit: string | null; agency: string | null; sector: string | null };
  computedAt: Date;
  total: number;
  /** Points of the indicators the province's data could score (the rest need national data or other modules). */
  computable: number;
  groups: { code: GroupCode; name: string; points: number; score: number; computable: number }[];
  indicators: IndicatorValue[];
  counts: { received: number; finished: number; onTime: number; late: number; openOverdue: number; rated: number; unsatisfied: number };
  byHandler: { unitPath: string; agencyId: string | null; received: number; finished: number; onTime: number; late: number; rate: number | null }[];
}

const round = (n: number, d = 4) => Math.round(n * 10 ** d) / 10 ** d;
export const scoreOf = (rate: number, points: number, threshold: number) => round(Math.min(points, (rate * points) / threshold), 2);

function zero(): RollupSums {
  return Object.fromEntries(repo.ROLLUP_COUNTERS.map((c) => [c, 0])) as RollupSums;
}

/** Formulas, from sums (pure, unit-tested by hand-built histories). */
/** Feedback and petitions of the period (the feedback module's figures), for 5.2 and 5.3. */
export interface PetitionSums {
  handled: number;
  onTime: number;
  openLate: number;
  rated: number;
  satisfied: number;
}

export function indicatorsFrom(
  s: RollupSums, openOverdue: number, cat: { total: number; full_online: number; fee_bearing: number }, opts: { onlinePayment: boolean; petitions?: PetitionSums } = { onlinePayment: false },
): IndicatorValue[] {
  const p = opts.petitions;
  const late = s.finished - s.finished_on_time + openOverdue;
  const judged = s.finished + openOverdue;
  const lateRate = judged ? late / judged : 0;
  const unsatisfiedShare = s.finished ? s.rated_unsatisfied / s.finished : 0;
  const values: Record<string, Pick<IndicatorValue, 'status' | 'numerator' | 'denominator' | 'note'>> = {
    '1': { status: 'needs_national_data', numerator: null, denominator: null, note: 'Tính từ ngày công khai trên CSDL quốc gia về TTHC' },
    '2.1': { status: 'computed', numerator: s.finished_on_time, denominator: judged },
    '2.2': { status: 'monitoring', numerator: round(s.processing_seconds / 86_400, 2), denominator: s.finished },
    '3.1': { status: 'computed', numerator: cat.full_online, denominator: cat.total },
    '3.2': { status: 'computed', numerator: s.full_online_online, denominator: s.full_online_total },
    '3.3': { status: 'computed', numerator: s.received_online, denominator: s.received },
    // With a payment gateway on, every fee-bearing procedure is payable online (bank transfers by VietQR are confirmed by hand and do not count).
    'TT.1': opts.onlinePayment
      ? { status: 'computed', numerator: cat.fee_bearing, denominator: cat.fee_bearing }
      : { status: 'computed', numerator: 0, denominator: cat.fee_bearing, note: 'Chưa bật cổng thanh toán trực tuyến (PAYMENT_GATEWAY)' },
    'TT.2': { status: 'computed', numerator: s.paid_online, denominator: s.fee_bearing },
    '4.1': { status: 'computed', numerator: s.e_result, denominator: s.finished },
    '4.2': { status: 'computed', numerator: s.digitised, denominator: s.finished },
    '4.3': { status: 'not_tracked', numerator: null, denominator: null, note: 'Chưa ghi nhận việc tái sử dụng dữ liệu số hóa' },
    '4.4': { status: 'needs_national_data', numerator: null, denominator: null, note: 'Cần kết nối kho dữ liệu công dân, CSDL dân cư, VNeID' },
    '5.1': { status: 'needs_national_data', numerator: null, denominator: null },
    // 5.2: PAKN handled with no deadline missed (triage, answer, publication) ÷ handled + still open and already late.
    '5.2': p ? { status: 'computed', numerator: p.onTime, denominator: p.handled + p.openLate } : { status: 'needs_petitions', numerator: null, denominator: null, note: 'Tính khi có phân hệ phản ánh, kiến nghị' },
    '5.3': p ? { status: 'computed', numerator: p.satisfied, denominator: p.rated } : { status: 'needs_petitions', numerator: null, denominator: null, note: 'Tính khi có phân hệ phản ánh, kiến nghị' },
    '5.4': judged
      ? { status: 'computed', numerator: round(Math.max(0, 1 - (lateRate + unsatisfiedShare)), 4), denominator: 1 }
      : { status: 'computed', numerator: 0, denominator: 0 },
  };
  return INDICATORS.map((d) => {
    const v = values[d.code]!;
    let rate: number | null = null;
    let score: number | null = null;
    if (v.status === 'computed') {
      // Nothing to judge scores nothing, rather than full marks for an empty office.
      rate = v.denominator ? round(v.numerator! / v.denominator) : 0;
      score = scoreOf(rate, d.points, d.threshold);
    } else if (v.status === 'monitoring') {
      rate = v.denominator ? round(v.numerator! / v.denominator, 2) : null;
    }
    return { ...d, ...v, rate, score };
  });
}

const vnDayOf = (d: Date) => new Date(d.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);

/** The end of a Vietnamese calendar day, as an instant. */
const endOf = (day: string) => new Date(Date.parse(`${day}T23:59:59.999+07:00`));

export async function resolveScope(ex: Executor, q: { unit?: string; agency?: string; sector?: string }): Promise<IndexScope> {
  const s: IndexScope = {};
  if (q.unit) {
    const u = await findUnitByCode(ex, q.unit);
    if (!u) throw errors.field('query.unit', 'exists', `Không có đơn vị hành chính mã ${q.unit}`);
    s.unitPath = u.path;
  }
  if (q.agency) {
    const a = await getAgencyByCode(ex, q.agency);
    if (!a) throw errors.field('query.agency', 'exists', `Không có cơ quan mã ${q.agency}`);
    s.agencyId = a.id;
  }
  if (q.sector) s.sector = q.sector;
  return s;
}

export async function index766(k: Kernel, q: { from: string; to: string; unit?: string; agency?: string; sector?: string }): Promise<Index766> {
  if (q.from > q.to) throw errors.field('query.from', 'range', 'Ngày bắt đầu sau ngày kết thúc');
  const scope = await resolveScope(k.db, q);
  const now = new Date();
  const end = endOf(q.to) < now ? endOf(q.to) : now;
  const [rows, open, cat] = await Promise.all([
    repo.rollupSums(k.db, q.from, q.to, scope),
    repo.openOverdueAt(k.db, end, vnDayOf(now), new Date(Date.parse(`${vnDayOf(now)}T00:00:00+07:00`)), scope),
    repo.catalogueCounts(k.db),
  ]);
  const petitions = await feedbackIndexCounts(k, new Date(Date.parse(`${q.from}T00:00:00+07:00`)), end, { unitPath: scope.unitPath, agencyId: scope.agencyId });
  const total = zero();
  const handlers = new Map<string, { unitPath: string; agencyId: string | null; s: RollupSums; open: number }>();
  const handler = (unitPath: string, agencyKey: string) => {
    const key = `${unitPath}|${agencyKey}`;
    let h = handlers.get(key);
    if (!h) handlers.set(key, (h = { unitPath, agencyId: agencyKey || null, s: zero(), open: 0 }));
    return h;
  };
  for (const r of rows) {
    const h = handler(r.unit_path, r.agency_key);
    for (const c of repo.ROLLUP_COUNTERS) {
      total[c] += Number(r[c]);
      h.s[c] += Number(r[c]);
    }
  }
  let openOverdue = 0;
  for (const o of open) {
    openOverdue += o.n;
    handler(o.unit_path, o.agency_key).open += o.n;
  }
  const indicators = indicatorsFrom(total, openOverdue, cat, { onlinePayment: k.config.paymentGateway !== 'none', petitions });
  const groups = GROUPS.map((g) => {
    const mine = indicators.filter((i) => i.group === g.code);
    return {
      ...g,
      score: round(mine.reduce((a, i) => a + (i.score ?? 0), 0), 2),
      computable: mine.filter((i) => i.status === 'computed').reduce((a, i) => a + i.points, 0),
    };
  });
  return {
    period: { from: q.from, to: q.to },
    scope: { unit: q.unit ?? null, agency: q.agency ?? null, sector: q.sector ?? null },
    computedAt: now,
    total: round(groups.reduce((a, g) => a + g.score, 0), 2),
    computable: groups.reduce((a, g) => a + g.computable, 0),
    groups,
    indicators,
    counts: {
      received: total.received, finished: total.finished, onTime: total.finished_on_time,
      late: total.finished - total.finished_on_time + openOverdue, openOverdue, rated: total.rated, unsatisfied: total.rated_unsatisfied,
    },
    byHandler: [...handlers.values()]
      .map((h) => {
        const judged = h.s.finished + h.open;
        return {
          unitPath: h.unitPath, agencyId: h.agencyId, received: h.s.received, finished: h.s.finished, onTime: h.s.finished_on_time,
          late: h.s.finished - h.s.finished_on_time + h.open, rate: judged ? round(h.s.finished_on_time / judged) : null,
        };
      })
      .sort((a, b) => (b.rate ?? -1) - (a.rate ?? -1)),
  };
}
