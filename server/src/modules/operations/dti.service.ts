import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './dti.repo.js';
import { opsErrors } from './errors.js';
import { DTI_MANAGE, PROGRAMME_READ } from './http.js';
import { type FigureKey, provinceFigure } from './live.service.js';

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

type Component = { name: string; key?: FigureKey; note?: string; only?: '2025' };
const LIVE = 'Số liệu trực tiếp từ congso (trung tâm điều hành), cả năm, toàn tỉnh';

/**
 * The component indicators under each main one: 47 in the 2025 version (Decision 405/QĐ-BKHCN),
 * 46 in the 2022 one (922/QĐ-BTTTT has no open-data component under digital-government activity).
 * Names are congso's short wording of each component's subject, grouped as the annexes group them;
 * they are configuration (rows of ops_dti_indicator), to be checked against the annex in force
 * before a real assessment and edited there, not code. `key` marks what congso's own data
 * evidences with a live figure; `note` what congso holds as records (programme, projects, exchange).
 */
const COMPONENTS: Record<string, Component[]> = {
  CD: [
    { name: 'Người đứng đầu chỉ đạo, chủ trì Ban chỉ đạo chuyển đổi số của tỉnh', note: 'Ban chỉ đạo, báo cáo tháng trên congso (mô-đun điều hành)' },
    { name: 'Tuyên truyền, phổ biến về chuyển đổi số trên phương tiện thông tin đại chúng' },
    { name: 'Tổ chức sự kiện, hội thảo, đào tạo nhận thức về chuyển đổi số' },
    { name: 'Có chuyên mục, trang thông tin về chuyển đổi số trên cổng thông tin điện tử của tỉnh' },
  ],
  TC: [
    { name: 'Nghị quyết, chương trình, kế hoạch chuyển đổi số của tỉnh được ban hành và theo dõi', note: 'Chương trình trên congso (nghị quyết, chỉ tiêu, nhiệm vụ, tiến độ)' },
    { name: 'Kế hoạch chuyển đổi số hằng năm được ban hành và hoàn thành nhiệm vụ đúng hạn', note: 'Nhiệm vụ và hạn trên congso (mô-đun điều hành)' },
    { name: 'Cơ chế, chính sách thu hút nhân lực và thúc đẩy chuyển đổi số' },
    { name: 'Quy chế quản lý, khai thác, chia sẻ dữ liệu của tỉnh', note: 'Quy chế và tài khoản kết nối trên nền tảng trao đổi dữ liệu của congso' },
    { name: 'Tỷ lệ chi cho chuyển đổi số trên tổng chi ngân sách của tỉnh', note: 'Dự án và kinh phí trên congso' },
  ],
  HT: [
    { name: 'Tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang' },
    { name: 'Tỷ lệ thôn, bản được phủ sóng di động băng rộng' },
    { name: 'Tỷ lệ cơ quan nhà nước kết nối mạng truyền số liệu chuyên dùng' },
    { name: 'Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP) kết nối với nền tảng quốc gia (NDXP)', note: 'Lưu lượng, độ trễ, lỗi theo đối tác trên nền tảng trao đổi dữ liệu của congso' },
    { name: 'Trung tâm dữ liệu hoặc hạ tầng điện toán đám mây dùng chung của tỉnh' },
    { name: 'Nền tảng số dùng chung được triển khai (định danh, ký số, thanh toán, bản đồ số)' },
  ],
  NL: [
    { name: 'Tỷ lệ cán bộ, công chức, viên chức được bồi dưỡng kỹ năng số' },
    { name: 'Tỷ lệ cán bộ, công chức có chứng thư số và sử dụng ký số', note: 'Cán bộ ký số trên congso (chữ ký, chứng thư)' },
    { name: 'Cán bộ chuyên trách công nghệ thông tin, chuyển đổi số ở sở, ngành, xã' },
    { name: 'Tổ công nghệ số cộng đồng được thành lập và hoạt động' },
    { name: 'Người dân được phổ cập kỹ năng số' },
  ],
  AT: [
    { name: 'Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn' },
    { name: 'Tỷ lệ hệ thống thông tin được bảo vệ theo mô hình 4 lớp' },
    { name: 'Có trung tâm giám sát an toàn thông tin (SOC) kết nối với hệ thống quốc gia' },
    { name: 'Diễn tập thực chiến an toàn thông tin hằng năm', note: 'Nhiệm vụ diễn tập trên congso' },
    { name: 'Xử lý sự cố, lỗ hổng được cảnh báo đúng hạn' },
    { name: 'Tỷ lệ kinh phí an toàn thông tin trên kinh phí chuyển đổi số (tối thiểu 10%)', note: 'Phần an toàn thông tin của các dự án trên congso' },
  ],
  CQ: [
    { name: 'Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến', key: 'dossiers.onlineShare', note: LIVE },
    { name: 'Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn', key: 'dossiers.onTimeRate', note: LIVE },
    { name: 'Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn', key: 'petitions.onTimeRate', note: LIVE },
    { name: 'Điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg)', key: 'dossiers.index766', note: 'Tính trên congso theo Quyết định 766/QĐ-TTg' },
    { name: 'Mức độ hài lòng của người dân, doanh nghiệp', key: 'petitions.satisfaction', note: 'Đánh giá của người dân trên congso' },
    { name: 'Tỷ lệ văn bản đi được ký số (văn bản điện tử có chữ ký số)', key: 'documents.signedShare', note: 'Văn bản đi ban hành trên congso có chữ ký số của người ký' },
    { name: 'Tỷ lệ văn bản đến được xử lý đúng hạn trên môi trường mạng', key: 'documents.onTimeRate', note: LIVE },
    { name: 'Hệ thống thông tin của tỉnh chia sẻ dữ liệu qua nền tảng tích hợp, chia sẻ dữ liệu', note: 'Nền tảng trao đổi dữ liệu của congso (đối tác, lưu lượng)' },
    { name: 'Dữ liệu mở được công bố và cập nhật', note: 'Danh mục dữ liệu mở trên congso (mô-đun trao đổi dữ liệu)', only: '2025' },
  ],
  KT: [
    { name: 'Tỷ trọng kinh tế số trong GRDP của tỉnh' },
    { name: 'Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử' },
    { name: 'Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số' },
    { name: 'Số doanh nghiệp công nghệ số trên địa bàn' },
    { name: 'Tỷ lệ giao dịch thanh toán không dùng tiền mặt' },
    { name: 'Tỷ trọng thương mại điện tử trong tổng mức bán lẻ' },
  ],
  XH: [
    { name: 'Tỷ lệ người dân trưởng thành có tài khoản định danh điện tử' },
    { name: 'Tỷ lệ người dân trưởng thành có điện thoại thông minh' },
    { name: 'Tỷ lệ người dân có tài khoản thanh toán điện tử' },
    { name: 'Tỷ lệ người dân có hồ sơ sức khỏe điện tử' },
    { name: 'Tỷ lệ cơ sở giáo dục triển khai học bạ số, dạy học trực tuyến' },
    { name: 'Người dân tham gia phản ánh, góp ý với chính quyền qua nền tảng số', note: 'Phản ánh, kiến nghị và lấy ý kiến trên congso' },
  ],
};

/** The main indicators and their components for a version (configuration loaded into ops_dti_indicator). */
export function framework(version: '2022' | '2025'): repo.DtiIndicatorRow[] {
  const weights = version === '2022' ? [0.1, 0.1, 0.15, 0.1, 0.1, 0.2, 0.1, 0.15] : [0.1, 0.1, 0.15, 0.1, 0.15, 0.2, 0.1, 0.1];
  const out: repo.DtiIndicatorRow[] = MAINS.map(([code, name], i) => ({ code, parent_code: null, seq: i + 1, name, weight: weights[i]!, evidence_key: null, evidence_note: null }));
  for (const [parent] of MAINS) {
    const list = COMPONENTS[parent]!.filter((c) => !c.only || c.only === version);
    list.forEach((c, i) => out.push({ code: `${parent}.${i + 1}`, parent_code: parent, seq: i + 1, name: c.name, weight: 0, evidence_key: c.key ?? null, evidence_note: c.note ?? null }));
  }
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
