import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import { getAgencyByCode } from '../org/index.js';
import * as repo from './report.repo.js';
import type { ReportKind } from './report.workflow.js';

/**
 * The demo's report categories. A category names the agency answerable for it;
 * without one, the commune whose boundary holds the point answers. Idempotent.
 */
const CATEGORIES: { code: string; name: string; en: string; kind: ReportKind; agency?: string; urgent?: boolean }[] = [
  { code: 'ha_tang_giao_thong', name: 'Hạ tầng giao thông, chiếu sáng', en: 'Roads and street lighting', kind: 'pakn' },
  { code: 'moi_truong', name: 'Vệ sinh môi trường, rác thải', en: 'Environment and waste', kind: 'pakn' },
  { code: 'trat_tu_do_thi', name: 'Trật tự đô thị, xây dựng', en: 'Urban order and construction', kind: 'pakn' },
  { code: 'su_co_khan_cap', name: 'Sự cố khẩn cấp (cây đổ, ngập, mất điện nước)', en: 'Emergencies (fallen trees, flooding, outages)', kind: 'pakn', urgent: true },
  { code: 'dat_dai', name: 'Đất đai', en: 'Land', kind: 'pakn', agency: 'SNNMT' },
  { code: 'thu_tuc_hanh_chinh', name: 'Thủ tục hành chính, thái độ phục vụ', en: 'Administrative procedures and service', kind: 'pakn', agency: 'VPUB' },
  { code: 'y_te', name: 'Y tế, an toàn thực phẩm', en: 'Health and food safety', kind: 'pakn', agency: 'SYT' },
  { code: 'chuyen_doi_so', name: 'Dịch vụ số, hạ tầng viễn thông', en: 'Digital services and telecoms', kind: 'pakn', agency: 'SKHCN' },
  { code: 'khac', name: 'Khác (chưa phân loại)', en: 'Other (not yet classified)', kind: 'pakn' },
  { code: 'khieu_nai', name: 'Khiếu nại quyết định, hành vi hành chính', en: 'Complaints about administrative decisions', kind: 'complaint' },
  { code: 'to_cao', name: 'Tố cáo hành vi vi phạm pháp luật của cán bộ, công chức', en: 'Denunciations of officials', kind: 'denunciation' },
];

export async function seedFeedbackDemo(k: Kernel): Promise<void> {
  await transaction(k.db, async (tx) => {
    for (const [i, c] of CATEGORIES.entries()) {
      const agency = c.agency ? await getAgencyByCode(tx, c.agency) : undefined;
      if (await repo.category(tx, c.code)) continue;
      await repo.upsertCategory(tx, { code: c.code, name: c.name, name_en: c.en, kind: c.kind, agency_id: agency?.id ?? null, urgent: !!c.urgent, limits: null, sort: i });
    }
  });
}
