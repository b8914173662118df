import { systemCtx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import { seedDti } from './dti.service.js';
import { rebuild } from './live.projection.js';
import * as repo from './programme.repo.js';

/**
 * The demo programme, from the seeds' figures (DOMAIN.md §5): the national
 * targets of Decisions 749/QĐ-TTg and 942/QĐ-TTg, Ninh Bình's Resolution
 * 01-NQ/TU with Hà Tĩnh's seven task groups, its real baselines (4,080 digital
 * certificates, 201 SIM-PKI users, 86.9% / 72.6% of documents fully signed,
 * 196 agencies on the data network, the Yên Hòa pilot extended to 13 communes,
 * 8th of 63 in the 2020 DTI, 150 billion VND a year), Bắc Giang's rank aims
 * (top 15 by 2025, top 10 by 2030) and Hà Tĩnh's digital economy at 30% of GRDP
 * by 2030. Targets between the seeds' years are the demo's own, marked so.
 */

type Ind = Omit<repo.IndicatorInsert, 'programme_id' | 'group_id'> & { group: number | null; targets: Record<number, number>; actuals?: Record<number, number> };

const NATIONAL: { code: string; number: string; title: string; issued: string; groups: string[]; indicators: Ind[] }[] = [
  {
    code: 'QD-749-2020', number: '749/QĐ-TTg', issued: '2020-06-03',
    title: 'Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030',
    groups: ['Phát triển Chính phủ số', 'Phát triển kinh tế số', 'Phát triển xã hội số'],
    indicators: [
      { code: 'QG-749-01', group: 1, name: 'Tỷ lệ dịch vụ công trực tuyến mức độ 4 (toàn trình)', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'VPUB', legal_basis: 'Quyết định 749/QĐ-TTg ngày 03/6/2020', source: 'entered', computed_key: null, public: true, targets: { 2025: 80 } },
      { code: 'QG-749-02', group: 2, name: 'Kinh tế số chiếm tỷ trọng trong GDP', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'STC', legal_basis: 'Quyết định 749/QĐ-TTg ngày 03/6/2020', source: 'imported', computed_key: null, public: true, targets: { 2025: 20, 2030: 30 } },
    ],
  },
  {
    code: 'QD-942-2021', number: '942/QĐ-TTg', issued: '2021-06-15',
    title: 'Chiến lược phát triển Chính phủ điện tử hướng tới Chính phủ số giai đoạn 2021 - 2025, định hướng đến năm 2030',
    groups: ['Hoàn thiện thể chế', 'Hạ tầng và nền tảng số', 'Dữ liệu số', 'Ứng dụng và dịch vụ số'],
    indicators: [
      { code: 'QG-942-01', group: 4, name: 'Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'VPUB', legal_basis: 'Quyết định 942/QĐ-TTg ngày 15/6/2021', source: 'entered', computed_key: null, public: true, targets: { 2025: 90 } },
      { code: 'QG-942-02', group: 4, name: 'Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'SNV', legal_basis: 'Quyết định 942/QĐ-TTg ngày 15/6/2021', source: 'entered', computed_key: null, public: true, targets: { 2025: 60 } },
      { code: 'QG-942-03', group: 4, name: 'Tỷ lệ văn bản trao đổi giữa các cơ quan nhà nước dưới dạng điện tử, có ký số', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'VPUB', legal_basis: 'Quyết định 942/QĐ-TTg ngày 15/6/2021', source: 'entered', computed_key: null, public: true, targets: { 2025: 100 } },
    ],
  },
];

// Hà Tĩnh's seven groups of tasks and solutions, used as the demo resolution's structure.
const GROUPS = [
  'Thống nhất nhận thức, bảo đảm môi trường, chính sách thúc đẩy ứng dụng công nghệ số, kinh tế số',
  'Hoàn thiện chính quyền điện tử, phát triển chính quyền số',
  'Xây dựng và phát triển đô thị thông minh',
  'Phát triển kinh tế số',
  'Phát triển cơ sở hạ tầng thông tin và truyền thông',
  'Bảo đảm an toàn, an ninh mạng',
  'Phát triển nguồn nhân lực công nghệ thông tin',
];

const NB = 'Nghị quyết 01-NQ/TU ngày 20/4/2021 của Ban Chấp hành Đảng bộ tỉnh';
const PROVINCIAL: Ind[] = [
  { code: 'NB-01', group: 2, name: 'Số chứng thư số cấp cho cán bộ, công chức', unit: 'count', baseline: 4080, baseline_year: 2021, direction: 'up', owner_agency: 'SKHCN', legal_basis: NB, source: 'entered', computed_key: null, public: true, targets: { 2023: 4800, 2025: 5500 }, actuals: { 2021: 4080 } },
  { code: 'NB-02', group: 2, name: 'Số người dùng chữ ký số trên SIM (SIM-PKI)', unit: 'count', baseline: 201, baseline_year: 2021, direction: 'up', owner_agency: 'SKHCN', legal_basis: NB, source: 'entered', computed_key: null, public: false, targets: { 2025: 1000 }, actuals: { 2021: 201 } },
  { code: 'NB-03', group: 2, name: 'Tỷ lệ văn bản cấp sở, ngành được ký số hoàn toàn', unit: 'percent', baseline: 86.9, baseline_year: 2021, direction: 'up', owner_agency: 'VPUB', legal_basis: `${NB}; Quyết định 942/QĐ-TTg`, source: 'entered', computed_key: null, public: true, targets: { 2025: 100 }, actuals: { 2021: 86.9 } },
  { code: 'NB-04', group: 2, name: 'Tỷ lệ văn bản cấp huyện (cũ) được ký số hoàn toàn', unit: 'percent', baseline: 72.6, baseline_year: 2021, direction: 'up', owner_agency: 'SNV', legal_basis: `${NB}; Quyết định 942/QĐ-TTg`, source: 'entered', computed_key: null, public: true, targets: { 2025: 100 }, actuals: { 2021: 72.6 } },
  { code: 'NB-05', group: 5, name: 'Số cơ quan kết nối mạng truyền số liệu chuyên dùng', unit: 'count', baseline: 196, baseline_year: 2021, direction: 'up', owner_agency: 'SKHCN', legal_basis: NB, source: 'entered', computed_key: null, public: true, targets: { 2025: 250 }, actuals: { 2021: 196 } },
  { code: 'NB-06', group: 3, name: 'Số xã, phường triển khai mô hình chuyển đổi số (thí điểm Yên Hòa)', unit: 'count', baseline: 1, baseline_year: 2021, direction: 'up', owner_agency: 'SKHCN', legal_basis: NB, source: 'entered', computed_key: null, public: true, targets: { 2022: 13, 2025: 30 }, actuals: { 2021: 1, 2022: 13 } },
  { code: 'NB-07', group: 1, name: 'Thứ hạng chỉ số chuyển đổi số cấp tỉnh (DTI) trong 63 tỉnh, thành phố', unit: 'rank', baseline: 8, baseline_year: 2020, direction: 'down', owner_agency: 'SKHCN', legal_basis: `${NB}; Quyết định 922/QĐ-BTTTT`, source: 'imported', computed_key: null, public: true, targets: { 2025: 10, 2030: 10 }, actuals: { 2020: 8 } },
  { code: 'NB-08', group: 2, name: 'Thứ hạng mức độ sẵn sàng ứng dụng CNTT (mục tiêu kiểu Bắc Giang: tốp 15 năm 2025, tốp 10 năm 2030)', unit: 'rank', baseline: 29, baseline_year: 2020, direction: 'down', owner_agency: 'SKHCN', legal_basis: 'Mục tiêu tham khảo từ Bắc Giang (số liệu minh họa)', source: 'imported', computed_key: null, public: false, targets: { 2025: 15, 2030: 10 }, actuals: { 2020: 29 } },
  { code: 'NB-09', group: 4, name: 'Kinh tế số chiếm tỷ trọng trong GRDP của tỉnh', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'STC', legal_basis: `${NB}; mục tiêu 30% GRDP năm 2030 (như Hà Tĩnh)`, source: 'imported', computed_key: null, public: true, targets: { 2025: 20, 2030: 30 } },
  { code: 'NB-10', group: 1, name: 'Kinh phí chi cho chính quyền điện tử, chuyển đổi số trong năm (trên 1% chi ngân sách)', unit: 'million_vnd', baseline: 150000, baseline_year: 2021, direction: 'up', owner_agency: 'STC', legal_basis: NB, source: 'entered', computed_key: null, public: true, targets: { 2021: 150000, 2022: 150000, 2023: 150000, 2024: 150000, 2025: 150000 }, actuals: { 2021: 150000 } },
  { code: 'NB-11', group: 2, name: 'Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng hạn', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'TTPVHCC', legal_basis: 'Quyết định 766/QĐ-TTg, chỉ số 2.1', source: 'computed', computed_key: 'dossiers.onTimeRate', public: true, targets: { 2025: 95, 2030: 98 } },
  { code: 'NB-12', group: 2, name: 'Tỷ lệ hồ sơ thủ tục hành chính nộp trực tuyến', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'TTPVHCC', legal_basis: 'Quyết định 942/QĐ-TTg', source: 'computed', computed_key: 'dossiers.onlineShare', public: true, targets: { 2025: 50, 2030: 80 } },
  { code: 'NB-13', group: 2, name: 'Mức độ hài lòng của người dân với việc giải quyết phản ánh, kiến nghị', unit: 'percent', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'VPUB', legal_basis: 'Quyết định 766/QĐ-TTg, chỉ số 5.3', source: 'computed', computed_key: 'petitions.satisfaction', public: true, targets: { 2025: 80, 2030: 90 } },
  { code: 'NB-14', group: 2, name: 'Điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg, thang 100 trên phần tính được)', unit: 'score', baseline: null, baseline_year: null, direction: 'up', owner_agency: 'VPUB', legal_basis: 'Quyết định 766/QĐ-TTg ngày 23/6/2022', source: 'computed', computed_key: 'dossiers.index766', public: true, targets: { 2025: 80, 2030: 90 } },
];

/** Tasks due relative to the seeding day, so the demo always shows one overdue, some due soon, some done. */
const TASKS: { code: string; group: number; title: string; agency: string; dueInDays: number; progress: number }[] = [
  { code: 'NV-2026-01', group: 2, title: 'Hoàn thành kết nối Cổng dịch vụ công tỉnh với Cổng dịch vụ công quốc gia cho toàn bộ thủ tục toàn trình', agency: 'VPUB', dueInDays: -5, progress: 70 },
  { code: 'NV-2026-02', group: 6, title: 'Diễn tập thực chiến an toàn thông tin cho các hệ thống dùng chung của tỉnh', agency: 'SKHCN', dueInDays: 6, progress: 40 },
  { code: 'NV-2026-03', group: 2, title: 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực tại các sở, ngành', agency: 'TTPVHCC', dueInDays: 45, progress: 55 },
  { code: 'NV-2026-04', group: 7, title: 'Bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã sau sắp xếp đơn vị hành chính', agency: 'SNV', dueInDays: 12, progress: 20 },
  { code: 'NV-2026-05', group: 3, title: 'Mở rộng mô hình xã chuyển đổi số Yên Hòa ra các xã, phường còn lại', agency: 'SKHCN', dueInDays: 120, progress: 10 },
  { code: 'NV-2026-06', group: 5, title: 'Nâng cấp mạng truyền số liệu chuyên dùng cấp II đến 100% xã, phường', agency: 'SKHCN', dueInDays: -30, progress: 100 },
  { code: 'NV-2026-07', group: 4, title: 'Xây dựng bộ chỉ tiêu thống kê kinh tế số của tỉnh và thu thập số liệu năm', agency: 'STC', dueInDays: 60, progress: 0 },
  { code: 'NV-2026-08', group: 1, title: 'Ban hành quy chế khai thác, chia sẻ dữ liệu dùng chung của tỉnh', agency: 'STP', dueInDays: 25, progress: 30 },
];

const PROJECTS = [
  { code: 'DA-IOC', name: 'Trung tâm giám sát, điều hành thông minh của tỉnh (IOC)', agency: 'SKHCN', yearFrom: 2022, yearTo: 2025, budget: 45000, cyber: 5000, disbursed: 38000 },
  { code: 'DA-LGSP', name: 'Nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh (LGSP) và kho dữ liệu dùng chung', agency: 'SKHCN', yearFrom: 2022, yearTo: 2024, budget: 20000, cyber: 1500, disbursed: 20000 },
  { code: 'DA-SOHOA', name: 'Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính', agency: 'TTPVHCC', yearFrom: 2023, yearTo: 2026, budget: 30000, cyber: 3000, disbursed: 12500 },
  { code: 'DA-HNTH', name: 'Hệ thống hội nghị truyền hình trực tuyến đến các xã, phường (tham khảo mạng 231 điểm cầu của Quảng Ninh)', agency: 'VPUB', yearFrom: 2024, yearTo: 2026, budget: 12000, cyber: 1200, disbursed: 4000 },
];

export async function seedProgramme(k: Kernel, today = new Date()): Promise<void> {
  const ctx = systemCtx('operations seed');
  await transaction(k.db, async (tx) => {
    if (await repo.programmeByCode(tx, 'NQ-01-2021')) return;
    const all: { id: string; inds: Ind[] }[] = [];
    for (const n of NATIONAL) {
      const id = await repo.insertProgramme(tx, { code: n.code, kind: 'decision', number: n.number, title: n.title, issued_on: n.issued, issuer: 'Thủ tướng Chính phủ', level: 'national', period_from: 2020, period_to: 2030 }, n.groups);
      all.push({ id, inds: n.indicators });
    }
    const nb = await repo.insertProgramme(tx, {
      code: 'NQ-01-2021', kind: 'resolution', number: '01-NQ/TU', issued_on: '2021-04-20', issuer: 'Ban Chấp hành Đảng bộ tỉnh Ninh Bình', level: 'provincial', period_from: 2021, period_to: 2030,
      title: 'Nghị quyết về xây dựng chính quyền điện tử, chuyển đổi số tỉnh Ninh Bình đến năm 2025, định hướng đến năm 2030',
    }, GROUPS);
    all.push({ id: nb, inds: PROVINCIAL });
    for (const { id, inds } of all) {
      for (const i of inds) {
        const { group, targets, actuals, ...rest } = i;
        const iid = await repo.insertIndicator(tx, { ...rest, programme_id: id, group_id: group ? await repo.groupId(tx, id, group) : null }, targets);
        for (const [year, value] of Object.entries(actuals ?? {})) {
          await repo.insertActual(tx, { indicator_id: iid!, year: Number(year), value, source: i.source === 'imported' ? 'imported' : 'entered', note: 'Số liệu từ báo cáo của tỉnh (dữ liệu mẫu)', evidence: [], entered_by: 'Dữ liệu mẫu' });
        }
      }
    }
    for (const t of TASKS) {
      const due = new Date(today.getTime() + t.dueInDays * 86_400_000).toISOString().slice(0, 10);
      const id = await repo.insertTask(tx, { code: t.code, programme_id: nb, group_id: await repo.groupId(tx, nb, t.group), title: t.title, agency_code: t.agency, due_on: due });
      if (id && t.progress) await repo.addTaskReport(tx, { task_id: id, progress: t.progress, note: 'Báo cáo tiến độ (dữ liệu mẫu)', evidence: [], by_name: 'Dữ liệu mẫu' });
    }
    for (const p of PROJECTS) {
      await repo.insertProject(tx, { code: p.code, programme_id: nb, name: p.name, agency_code: p.agency, year_from: p.yearFrom, year_to: p.yearTo, budget_million: p.budget, cyber_million: p.cyber, disbursed_million: p.disbursed });
    }
    await k.audit.record(tx, ctx, { action: 'operations.seed', entity: 'ops_programme', entityId: nb, before: null, after: { programmes: all.length, tasks: TASKS.length, projects: PROJECTS.length } });
  });
}

export async function seedOperationsDemo(k: Kernel): Promise<void> {
  // Cases filed before the module existed (or by earlier seeds) enter the projection once.
  await rebuild(k);
  await seedProgramme(k);
  await seedDti(k);
}
