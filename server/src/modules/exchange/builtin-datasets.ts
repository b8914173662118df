import type { Kernel } from '../../kernel/index.js';
import { findUnitByCode, getAgency } from '../org/index.js';
import { index766, listProcedureSummaries, monthlyDossierCounts } from '../services/index.js';
import { publishedAnswersPage, reportFactsPage } from '../feedback/index.js';
import { type DatasetField, maskPersonal, registerDataset, type Row } from './datasets.js';

/**
 * The datasets congso publishes from its own modules. Petition statistics are
 * built here from the feedback module's public counting facts; programme
 * indicators (operations) are registered by that module through
 * `registerDataset`.
 */

const f = (id: string, type: DatasetField['type'], label: string, labelEn: string): DatasetField => ({ id, type, label, labelEn });

/** The last `n` months, oldest first, as YYYY-MM in Vietnamese time. */
function lastMonths(n: number, now = new Date()): string[] {
  const local = new Date(now.getTime() + 7 * 3_600_000);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

async function procedures(k: Kernel): Promise<Row[]> {
  const items = await listProcedureSummaries(k);
  return items.map((p) => ({
    ma_thu_tuc: p.code,
    ten_thu_tuc: p.name,
    ma_linh_vuc: p.sector_code,
    linh_vuc: p.sector_name,
    cap_thuc_hien: p.level === 'province' ? 'Cấp tỉnh' : 'Cấp xã',
    ma_co_quan: p.agency_code,
    muc_do_truc_tuyen: p.online_level === 'full' ? 'Toàn trình' : 'Một phần',
    thoi_han: 'days' in p.time_limit ? p.time_limit.days : null,
    don_vi_thoi_han: 'days' in p.time_limit ? 'ngày làm việc' : 'giờ làm việc',
    thoi_han_gio: 'hours' in p.time_limit ? (p.time_limit as { hours: number }).hours : null,
    tong_phi_le_phi: p.fee_total,
    phien_ban: p.current_version,
  }));
}

async function dossierStats(k: Kernel): Promise<Row[]> {
  const units = new Map<string, { code: string; name: string }>();
  const agencies = new Map<string, { code: string; name: string } | null>();
  const unitOf = async (path: string) => {
    let u = units.get(path);
    if (!u) {
      const code = path.split('.').pop()!;
      const row = await findUnitByCode(k.db, code);
      units.set(path, (u = { code, name: row?.full_name ?? code }));
    }
    return u;
  };
  const agencyOf = async (id: string) => {
    if (!id) return null;
    if (!agencies.has(id)) {
      const a = await getAgency(k.db, id);
      agencies.set(id, a ? { code: a.code, name: a.name } : null);
    }
    return agencies.get(id) ?? null;
  };
  const out: Row[] = [];
  for (const month of lastMonths(24)) {
    const rows = await monthlyDossierCounts(k, month);
    const sorted = [...rows].sort((a, b) => a.unit_path.localeCompare(b.unit_path) || a.agency_key.localeCompare(b.agency_key));
    for (const r of sorted) {
      if (!r.received && !r.finished) continue;
      const u = await unitOf(r.unit_path);
      const a = await agencyOf(r.agency_key);
      out.push({
        thang: month,
        ma_don_vi: u.code,
        ten_don_vi: u.name,
        ma_co_quan: a?.code ?? null,
        ten_co_quan: a?.name ?? null,
        tiep_nhan: r.received,
        tiep_nhan_truc_tuyen: r.received_online,
        da_giai_quyet: r.finished,
        giai_quyet_dung_han: r.finished_on_time,
        co_ket_qua_dien_tu: r.e_result,
        luot_danh_gia: r.rated,
        khong_hai_long: r.rated_unsatisfied,
      });
    }
  }
  return out;
}

async function scores766(k: Kernel): Promise<Row[]> {
  const out: Row[] = [];
  for (const month of lastMonths(12)) {
    const to = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const ix = await index766(k, { from: `${month}-01`, to });
    for (const i of ix.indicators) {
      if (i.status !== 'computed') continue;
      out.push({
        thang: month,
        ma_chi_tieu: i.code,
        ten_chi_tieu: i.name,
        nhom: i.group,
        diem_toi_da: i.points,
        tu_so: i.numerator,
        mau_so: i.denominator,
        ty_le: i.rate,
        diem: i.score,
      });
    }
  }
  return out;
}

const KIND_LABEL: Record<string, string> = { pakn: 'Phản ánh, kiến nghị', complaint: 'Khiếu nại', denunciation: 'Tố cáo' };
const CHANNEL_LABEL: Record<string, string> = { web: 'Cổng thông tin', app: 'Ứng dụng di động', open311: 'Open311', hotline: 'Đường dây nóng', desk: 'Trực tiếp', email: 'Thư điện tử' };

/** Petitions by month, kind and channel, 24 months: received, answered, answered on time, late, ratings. Counts only. */
async function petitionStats(k: Kernel): Promise<Row[]> {
  const months = new Set(lastMonths(24));
  const by = new Map<string, Row & { tiep_nhan: number; da_tra_loi: number; tra_loi_dung_han: number; qua_han: number; luot_danh_gia: number; hai_long: number }>();
  for (let offset = 0; ; offset += 1000) {
    const page = await reportFactsPage(k, offset, 1000);
    for (const r of page) {
      const month = new Date(new Date(r.createdAt).getTime() + 7 * 3_600_000).toISOString().slice(0, 7);
      if (!months.has(month)) continue;
      const key = `${month}|${r.kind}|${r.channel}`;
      let row = by.get(key);
      if (!row) {
        row = { thang: month, loai: KIND_LABEL[r.kind] ?? r.kind, kenh: CHANNEL_LABEL[r.channel] ?? r.channel, tiep_nhan: 0, da_tra_loi: 0, tra_loi_dung_han: 0, qua_han: 0, luot_danh_gia: 0, hai_long: 0 };
        by.set(key, row);
      }
      row.tiep_nhan++;
      if (r.answeredAt) row.da_tra_loi++;
      if (r.answeredAt && !r.breached) row.tra_loi_dung_han++;
      if (r.breached) row.qua_han++;
      if (r.rating) row.luot_danh_gia++;
      if (r.rating === 'satisfied') row.hai_long++;
    }
    if (page.length < 1000) break;
  }
  return [...by.values()].sort((a, b) => `${a.thang}${a.loai}${a.kenh}`.localeCompare(`${b.thang}${b.loai}${b.kenh}`));
}

const vnDate = (d: Date) => new Date(new Date(d).getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
const RATING_LABEL: Record<string, string> = { satisfied: 'Hài lòng', unsatisfied: 'Không hài lòng' };

/** Published answers, newest first (at most 50,000), free text masked (maskPersonal). */
async function publishedAnswers(k: Kernel): Promise<Row[]> {
  const out: Row[] = [];
  for (let offset = 0; offset < 50_000; offset += 1000) {
    const page = await publishedAnswersPage(k, offset, 1000);
    for (const a of page) {
      out.push({
        ma_phan_anh: a.code, linh_vuc: a.category, tieu_de: maskPersonal(a.title), don_vi: a.unitCode,
        ngay_gui: vnDate(a.createdAt), ngay_cong_bo: vnDate(a.publishedAt), tra_loi: maskPersonal(a.answer),
        danh_gia: a.rating ? (RATING_LABEL[a.rating] ?? a.rating) : null,
      });
    }
    if (page.length < 1000) break;
  }
  return out;
}

export function registerBuiltinDatasets(k: Kernel): void {
  registerDataset(k, {
    id: 'thu-tuc-hanh-chinh',
    title: { vi: 'Danh mục thủ tục hành chính của tỉnh', en: 'Administrative procedures of the province' },
    description: {
      vi: 'Các thủ tục hành chính đang áp dụng: mã, tên, lĩnh vực, cấp thực hiện, cơ quan giải quyết, mức độ dịch vụ công trực tuyến, thời hạn và tổng phí, lệ phí.',
      en: 'Administrative procedures in force: code, name, sector, level, deciding agency, online level, time limit and total fees.',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'VPUB',
    tags: ['thủ tục hành chính', 'dịch vụ công'],
    fields: [
      f('ma_thu_tuc', 'text', 'Mã thủ tục', 'Procedure code'),
      f('ten_thu_tuc', 'text', 'Tên thủ tục', 'Name'),
      f('ma_linh_vuc', 'text', 'Mã lĩnh vực', 'Sector code'),
      f('linh_vuc', 'text', 'Lĩnh vực', 'Sector'),
      f('cap_thuc_hien', 'text', 'Cấp thực hiện', 'Level'),
      f('ma_co_quan', 'text', 'Mã cơ quan giải quyết', 'Agency code'),
      f('muc_do_truc_tuyen', 'text', 'Mức độ trực tuyến', 'Online level'),
      f('thoi_han', 'int', 'Thời hạn (ngày làm việc)', 'Time limit (working days)'),
      f('don_vi_thoi_han', 'text', 'Đơn vị thời hạn', 'Time limit unit'),
      f('thoi_han_gio', 'int', 'Thời hạn (giờ làm việc)', 'Time limit (working hours)'),
      f('tong_phi_le_phi', 'int', 'Tổng phí, lệ phí (đồng)', 'Total fees (VND)'),
      f('phien_ban', 'int', 'Phiên bản', 'Version'),
    ],
    chart: { label: 'linh_vuc' },
    rows: procedures,
  });
  registerDataset(k, {
    id: 'ho-so-theo-don-vi-thang',
    title: { vi: 'Thống kê hồ sơ thủ tục hành chính theo đơn vị và tháng', en: 'Dossiers by handling unit and month' },
    description: {
      vi: 'Số hồ sơ tiếp nhận (trong đó trực tuyến), đã giải quyết, giải quyết đúng hạn, có kết quả điện tử và đánh giá của người dân, theo đơn vị, cơ quan giải quyết và tháng, 24 tháng gần nhất. Chỉ có số liệu tổng hợp.',
      en: 'Dossiers received (of which online), finished, finished on time, with an electronic result, and ratings, per handling unit, agency and month over the last 24 months. Aggregates only.',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'VPUB',
    tags: ['hồ sơ', 'thống kê', 'dịch vụ công'],
    fields: [
      f('thang', 'text', 'Tháng', 'Month'),
      f('ma_don_vi', 'text', 'Mã đơn vị hành chính', 'Unit code'),
      f('ten_don_vi', 'text', 'Đơn vị hành chính', 'Unit'),
      f('ma_co_quan', 'text', 'Mã cơ quan', 'Agency code'),
      f('ten_co_quan', 'text', 'Cơ quan giải quyết', 'Agency'),
      f('tiep_nhan', 'int', 'Hồ sơ tiếp nhận', 'Received'),
      f('tiep_nhan_truc_tuyen', 'int', 'Tiếp nhận trực tuyến', 'Received online'),
      f('da_giai_quyet', 'int', 'Đã giải quyết', 'Finished'),
      f('giai_quyet_dung_han', 'int', 'Giải quyết đúng hạn', 'Finished on time'),
      f('co_ket_qua_dien_tu', 'int', 'Có kết quả điện tử', 'With electronic result'),
      f('luot_danh_gia', 'int', 'Lượt đánh giá', 'Ratings'),
      f('khong_hai_long', 'int', 'Không hài lòng', 'Unsatisfied'),
    ],
    chart: { label: 'ten_don_vi', value: 'tiep_nhan' },
    rows: dossierStats,
  });
  registerDataset(k, {
    id: 'chi-so-766',
    title: { vi: 'Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) theo tháng', en: 'Service index of Decision 766/QĐ-TTg by month' },
    description: {
      vi: 'Điểm các chỉ tiêu của Bộ chỉ số 766 tính được từ dữ liệu của tỉnh, toàn tỉnh, theo tháng, 12 tháng gần nhất: tử số, mẫu số, tỷ lệ và điểm.',
      en: 'Scores of the Decision 766 indicators the province data supports, province-wide, per month over the last 12 months: numerator, denominator, rate and score.',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'VPUB',
    tags: ['chỉ số 766', 'dịch vụ công', 'thống kê'],
    fields: [
      f('thang', 'text', 'Tháng', 'Month'),
      f('ma_chi_tieu', 'text', 'Mã chỉ tiêu', 'Indicator code'),
      f('ten_chi_tieu', 'text', 'Chỉ tiêu', 'Indicator'),
      f('nhom', 'text', 'Nhóm', 'Group'),
      f('diem_toi_da', 'numeric', 'Điểm tối đa', 'Points'),
      f('tu_so', 'numeric', 'Tử số', 'Numerator'),
      f('mau_so', 'numeric', 'Mẫu số', 'Denominator'),
      f('ty_le', 'numeric', 'Tỷ lệ', 'Rate'),
      f('diem', 'numeric', 'Điểm', 'Score'),
    ],
    chart: { label: 'thang', value: 'diem' },
    rows: scores766,
  });
  registerDataset(k, {
    id: 'phan-anh-kien-nghi-theo-thang',
    title: { vi: 'Thống kê phản ánh, kiến nghị theo tháng, loại và kênh tiếp nhận', en: 'Petitions by month, kind and channel' },
    description: {
      vi: 'Số phản ánh, kiến nghị, khiếu nại, tố cáo tiếp nhận, đã trả lời, trả lời đúng hạn, quá hạn, lượt đánh giá và hài lòng, theo tháng, loại và kênh, 24 tháng gần nhất. Chỉ có số liệu tổng hợp, không có thông tin người gửi.',
      en: 'Petitions, complaints and denunciations received, answered, answered on time, late, rated and satisfied, per month, kind and channel over the last 24 months. Counts only, nothing about the senders.',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'VPUB',
    tags: ['phản ánh kiến nghị', 'thống kê'],
    fields: [
      f('thang', 'text', 'Tháng', 'Month'),
      f('loai', 'text', 'Loại', 'Kind'),
      f('kenh', 'text', 'Kênh tiếp nhận', 'Channel'),
      f('tiep_nhan', 'int', 'Tiếp nhận', 'Received'),
      f('da_tra_loi', 'int', 'Đã trả lời', 'Answered'),
      f('tra_loi_dung_han', 'int', 'Trả lời đúng hạn', 'Answered on time'),
      f('qua_han', 'int', 'Quá hạn', 'Late'),
      f('luot_danh_gia', 'int', 'Lượt đánh giá', 'Ratings'),
      f('hai_long', 'int', 'Hài lòng', 'Satisfied'),
    ],
    chart: { label: 'thang', value: 'tiep_nhan' },
    rows: petitionStats,
  });
  registerDataset(k, {
    id: 'tra-loi-phan-anh-kien-nghi',
    title: { vi: 'Trả lời phản ánh, kiến nghị đã công khai', en: 'Published answers to feedback and petitions' },
    description: {
      vi: 'Các câu trả lời của cơ quan nhà nước cho phản ánh, kiến nghị đã được công khai trên cổng: mã, lĩnh vực, tiêu đề, đơn vị, ngày gửi, ngày công khai, nội dung trả lời, đánh giá của người dân. Không có thông tin người gửi; số điện thoại, thư điện tử, số định danh trong nội dung được ẩn. Không gồm khiếu nại, tố cáo.',
      en: 'Answers of the administration to feedback and petitions published on the portal: code, category, title, unit, dates, the answer, the citizen\'s rating. Nothing about the sender; phone numbers, e-mail addresses and ID numbers in the text are masked. Complaints and denunciations are never included.',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'VPUB',
    tags: ['phản ánh kiến nghị', 'trả lời'],
    fields: [
      f('ma_phan_anh', 'text', 'Mã phản ánh', 'Code'),
      f('linh_vuc', 'text', 'Lĩnh vực', 'Category'),
      f('tieu_de', 'text', 'Tiêu đề', 'Title'),
      f('don_vi', 'text', 'Mã đơn vị', 'Unit code'),
      f('ngay_gui', 'text', 'Ngày gửi', 'Sent on'),
      f('ngay_cong_bo', 'text', 'Ngày công khai', 'Published on'),
      f('tra_loi', 'text', 'Nội dung trả lời', 'Answer'),
      f('danh_gia', 'text', 'Đánh giá', 'Rating'),
    ],
    chart: { label: 'linh_vuc' },
    rows: publishedAnswers,
  });
}
