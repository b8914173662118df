import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './dti.repo.js';
import { opsErrors } from './errors.js';
import { DTI_MANAGE, PROGRAMME_READ } from './http.js';
import { provinceFigure } from './live.service.js';

/**
 * The provincial DTI: the framework in force for a year (the latest whose
 * first year is not after it), its tree with the three stages of scores, the
 * weighted index of the main indicators, the rank history, and for each
 * component congso can evidence, the figure from congso's own data.
 */

export async function frameworkFor(k: Kernel, year: number): Promise<repo.FrameworkRow> {
  const all = await repo.frameworks(k.db);
  const f = all.filter((x) => x.from_year <= year).pop() ?? all[0];
  if (!f) throw opsErrors.dtiFramework(String(year));
  return f;
}

type Stage = 'self' | 'appraised' | 'final';

export async function dtiView(k: Kernel, ctx: Ctx, year: number) {
  authorize(ctx.actor, PROGRAMME_READ);
  const f = await frameworkFor(k, year);
  const [items, scores, ranks] = await Promise.all([repo.indicatorsOf(k.db, f.version), repo.scores(k.db, year), repo.ranks(k.db)]);
  const byCode = new Map(scores.map((s) => [s.code, s]));
  const evidence = new Map<string, number | null>();
  for (const i of items) if (i.evidence_key && !evidence.has(i.evidence_key)) evidence.set(i.evidence_key, await provinceFigure(k, i.evidence_key, year));
  const node = (i: repo.DtiIndicatorRow) => {
    const s = byCode.get(i.code);
    return {
      code: i.code, name: i.name, weight: i.weight, self: s?.self ?? null, appraised: s?.appraised ?? null, final: s?.final ?? null,
      evidenceKey: i.evidence_key, evidenceNote: i.evidence_note, evidenceValue: i.evidence_key ? (evidence.get(i.evidence_key) ?? null) : null,
    };
  };
  const mains = items.filter((i) => !i.parent_code).map((m) => ({ ...node(m), components: items.filter((c) => c.parent_code === m.code).map(node) }));
  // The index of a stage: the weighted sum of the main indicators, when every main indicator has that stage's score.
  const index = (stage: Stage) => (mains.every((m) => m[stage] !== null) ? Math.round(10000 * mains.reduce((a, m) => a + m.weight * (m[stage] as number), 0)) / 10000 : null);
  return {
    year, framework: { version: f.version, decision: f.decision, issuedOn: f.issued_on }, computedAt: new Date(),
    index: { self: index('self'), appraised: index('appraised'), final: index('final') },
    indicators: mains,
    evidenced: items.filter((i) => i.evidence_key).length,
    components: items.filter((i) => i.parent_code).length,
    ranks: ranks.map((r) => ({ year: r.year, rank: r.rank, of: r.of_total, score: r.score, source: r.source })),
  };
}

export async function saveScores(k: Kernel, ctx: Ctx, year: number, input: { scores: { code: string; self?: number | null; appraised?: number | null; final?: number | null }[] }) {
  authorize(ctx.actor, DTI_MANAGE);
  const f = await frameworkFor(k, year);
  const known = new Set((await repo.indicatorsOf(k.db, f.version)).map((i) => i.code));
  for (const s of input.scores) if (!known.has(s.code)) throw opsErrors.dtiIndicator(s.code, f.version);
  await transaction(k.db, async (tx) => {
    const before = await repo.scores(tx, year);
    for (const s of input.scores) await repo.upsertScore(tx, { year, version: f.version, ...s, by: ctx.actor!.name });
    await k.audit.record(tx, ctx, { action: 'operations.dti.scores', entity: 'ops_dti_score', entityId: String(year), before, after: input.scores });
  });
  return dtiView(k, ctx, year);
}

export async function saveRank(k: Kernel, ctx: Ctx, year: number, input: { rank: number; of: number; score?: number | null; source: string }) {
  authorize(ctx.actor, DTI_MANAGE);
  await transaction(k.db, async (tx) => {
    await repo.upsertRank(tx, { year, rank: input.rank, of_total: input.of, score: input.score ?? null, source: input.source });
    await k.audit.record(tx, ctx, { action: 'operations.dti.rank', entity: 'ops_dti_rank', entityId: String(year), before: null, after: input });
  });
  return { year, ...input };
}

const MAINS: [string, string][] = [
  ['CD', 'Nhận thức số'],
  ['TC', 'Thể chế số'],
  ['HT', 'Hạ tầng số'],
  ['NL', 'Nhân lực số'],
  ['AT', 'An toàn thông tin mạng'],
  ['CQ', 'Hoạt động chính quyền số'],
  ['KT', 'Hoạt động kinh tế số'],
  ['XH', 'Hoạt động xã hội số'],
];

/**
 * The main indicators of both versions, and the component indicators congso's
 * data can evidence plus a few others (the full annex of 47 components is
 * configuration, loaded from the decision's annex; these are an excerpt).
 */
function framework(version: '2022' | '2025'): repo.DtiIndicatorRow[] {
  const weights = version === '2022' ? [0.1, 0.1, 0.15, 0.1, 0.1, 0.2, 0.1, 0.15] : [0.1, 0.1, 0.15, 0.1, 0.15, 0.2, 0.1, 0.1];
  const out: repo.DtiIndicatorRow[] = MAINS.map(([code, name], i) => ({ code, parent_code: null, seq: i + 1, name, weight: weights[i]!, evidence_key: null, evidence_note: null }));
  const c = (parent: string, seq: number, name: string, key: string | null, note: string | null) => out.push({ code: `${parent}.${seq}`, parent_code: parent, seq, name, weight: 0, evidence_key: key, evidence_note: note });
  c('CD', 1, 'Người đứng đầu chỉ đạo, chủ trì Ban chỉ đạo chuyển đổi số', null, null);
  c('TC', 1, 'Nghị quyết, kế hoạch chuyển đổi số của tỉnh được ban hành và theo dõi', null, 'Chương trình trên congso (nghị quyết, chỉ tiêu, nhiệm vụ)');
  c('TC', 2, 'Tỷ lệ chi cho chuyển đổi số trên tổng chi ngân sách', null, 'Dự án và kinh phí trên congso');
  c('HT', 1, 'Tỷ lệ cơ quan kết nối mạng truyền số liệu chuyên dùng', null, null);
  c('NL', 1, 'Tỷ lệ cán bộ, công chức được bồi dưỡng kỹ năng số', null, null);
  c('AT', 1, 'Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn', null, null);
  c('AT', 2, 'Tỷ lệ kinh phí an toàn thông tin trên kinh phí chuyển đổi số', null, 'Phần an toàn thông tin của các dự án trên congso');
  c('CQ', 1, 'Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến', 'dossiers.onlineShare', 'Số liệu trực tiếp từ hồ sơ trên congso');
  c('CQ', 2, 'Tỷ lệ hồ sơ giải quyết đúng hạn', 'dossiers.onTimeRate', 'Số liệu trực tiếp từ hồ sơ trên congso');
  c('CQ', 3, 'Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn', 'petitions.onTimeRate', 'Số liệu trực tiếp từ phản ánh trên congso');
  c('CQ', 4, 'Điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (766)', 'dossiers.index766', 'Tính trên congso theo Quyết định 766/QĐ-TTg');
  c('CQ', 5, 'Mức độ hài lòng của người dân', 'petitions.satisfaction', 'Đánh giá của người dân trên congso');
  if (version === '2025') c('CQ', 6, 'Dữ liệu mở được công bố và cập nhật', null, 'Danh mục dữ liệu mở trên congso (mô-đun trao đổi dữ liệu)');
  c('KT', 1, 'Tỷ trọng kinh tế số trong GRDP', null, null);
  c('XH', 1, 'Tỷ lệ người dân trưởng thành có tài khoản định danh điện tử', null, null);
  return out;
}

export async function seedDti(k: Kernel): Promise<void> {
  await transaction(k.db, async (tx) => {
    await repo.insertFramework(tx, { version: '2022', decision: '922/QĐ-BTTTT', issued_on: null, from_year: 2022 }, framework('2022'));
    await repo.insertFramework(tx, { version: '2025', decision: '405/QĐ-BKHCN', issued_on: null, from_year: 2025 }, framework('2025'));
    // The seeds' real rank: Ninh Bình 8th of 63 in the 2020 DTI.
    await repo.upsertRank(tx, { year: 2020, rank: 8, of_total: 63, score: null, source: 'Bộ Thông tin và Truyền thông công bố DTI 2020' });
  });
}
