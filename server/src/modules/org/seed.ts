import { systemCtx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './org.repo.js';
import type { AgencyKind, UnitType } from './org.repo.js';

/**
 * The demo province: Ninh Bình (code 37, merged with Hà Nam and Nam Định on
 * 1 July 2025) with some of its 129 communes and wards (codes from the
 * statistics office list, Decision 19/2025/QĐ-TTg), its departments, the public
 * administrative service centre and officials in each role. Idempotent.
 */

const PROVINCE = { code: '37', name: 'Ninh Bình', fullName: 'Tỉnh Ninh Bình', nameEn: 'Ninh Binh' };

const COMMUNES: [code: string, fullName: string, nameEn: string][] = [
  ['13285', 'Phường Phủ Lý', 'Phu Ly'],
  ['13291', 'Phường Phù Vân', 'Phu Van'],
  ['13318', 'Phường Châu Sơn', 'Chau Son'],
  ['13324', 'Phường Duy Tiên', 'Duy Tien'],
  ['13366', 'Phường Hà Nam', 'Ha Nam'],
  ['13384', 'Phường Kim Bảng', 'Kim Bang'],
  ['13420', 'Phường Tam Chúc', 'Tam Chuc'],
  ['13456', 'Xã Liêm Hà', 'Liem Ha'],
  ['13495', 'Xã Thanh Liêm', 'Thanh Liem'],
  ['13504', 'Xã Bình Lục', 'Binh Luc'],
  ['13573', 'Xã Lý Nhân', 'Ly Nhan'],
  ['13669', 'Phường Nam Định', 'Nam Dinh'],
  ['13684', 'Phường Thiên Trường', 'Thien Truong'],
  ['13693', 'Phường Đông A', 'Dong A'],
  ['13708', 'Phường Mỹ Lộc', 'My Loc'],
  ['13741', 'Xã Vụ Bản', 'Vu Ban'],
  ['13777', 'Phường Trường Thi', 'Truong Thi'],
  ['13795', 'Xã Ý Yên', 'Y Yen'],
  ['13891', 'Xã Nghĩa Hưng', 'Nghia Hung'],
  ['14215', 'Xã Hải Hậu', 'Hai Hau'],
  ['14329', 'Phường Hoa Lư', 'Hoa Lu'],
  ['14359', 'Phường Nam Hoa Lư', 'Nam Hoa Lu'],
  ['14362', 'Phường Tam Điệp', 'Tam Diep'],
  ['14365', 'Phường Trung Sơn', 'Trung Son'],
  ['14428', 'Xã Nho Quan', 'Nho Quan'],
  ['14464', 'Xã Gia Viễn', 'Gia Vien'],
  ['14533', 'Phường Tây Hoa Lư', 'Tay Hoa Lu'],
  ['14560', 'Xã Yên Khánh', 'Yen Khanh'],
  ['14566', 'Phường Đông Hoa Lư', 'Dong Hoa Lu'],
  ['14638', 'Xã Kim Sơn', 'Kim Son'],
  ['14701', 'Xã Yên Mô', 'Yen Mo'],
];

const AGENCIES: { code: string; name: string; short: string; kind: AgencyKind; en: string; divisions?: [string, string][] }[] = [
  { code: 'UBND', name: 'Ủy ban nhân dân tỉnh Ninh Bình', short: 'UBND tỉnh', kind: 'people_committee', en: "Ninh Binh Provincial People's Committee" },
  { code: 'VPUB', name: 'Văn phòng Ủy ban nhân dân tỉnh', short: 'VP UBND tỉnh', kind: 'committee_office', en: "Office of the Provincial People's Committee", divisions: [['HCTC', 'Phòng Hành chính - Tổ chức'], ['KSTT', 'Phòng Kiểm soát thủ tục hành chính']] },
  { code: 'TTPVHCC', name: 'Trung tâm Phục vụ hành chính công tỉnh', short: 'TT PVHCC', kind: 'service_centre', en: 'Public Administrative Service Centre' },
  { code: 'STP', name: 'Sở Tư pháp', short: 'STP', kind: 'department', en: 'Department of Justice', divisions: [['VP', 'Văn phòng Sở'], ['HCTP', 'Phòng Hành chính tư pháp'], ['BTTP', 'Phòng Bổ trợ tư pháp']] },
  { code: 'SKHCN', name: 'Sở Khoa học và Công nghệ', short: 'SKHCN', kind: 'department', en: 'Department of Science and Technology', divisions: [['CDS', 'Phòng Chuyển đổi số'], ['BCVT', 'Phòng Bưu chính, Viễn thông']] },
  { code: 'SXD', name: 'Sở Xây dựng', short: 'SXD', kind: 'department', en: 'Department of Construction' },
  { code: 'SNNMT', name: 'Sở Nông nghiệp và Môi trường', short: 'SNNMT', kind: 'department', en: 'Department of Agriculture and Environment' },
  { code: 'STC', name: 'Sở Tài chính', short: 'STC', kind: 'department', en: 'Department of Finance' },
  { code: 'SNV', name: 'Sở Nội vụ', short: 'SNV', kind: 'department', en: 'Department of Home Affairs' },
  { code: 'SYT', name: 'Sở Y tế', short: 'SYT', kind: 'department', en: 'Department of Health' },
  { code: 'SGDDT', name: 'Sở Giáo dục và Đào tạo', short: 'SGDĐT', kind: 'department', en: 'Department of Education and Training' },
  { code: 'SCT', name: 'Sở Công Thương', short: 'SCT', kind: 'department', en: 'Department of Industry and Trade' },
];

const POSITIONS: [code: string, name: string, en: string, rank: number][] = [
  ['chu_tich', 'Chủ tịch', 'Chairman', 10],
  ['pho_chu_tich', 'Phó Chủ tịch', 'Vice-chairman', 20],
  ['giam_doc', 'Giám đốc', 'Director', 30],
  ['pho_giam_doc', 'Phó Giám đốc', 'Deputy director', 40],
  ['chanh_van_phong', 'Chánh Văn phòng', 'Chief of office', 45],
  ['truong_phong', 'Trưởng phòng', 'Head of division', 50],
  ['pho_truong_phong', 'Phó Trưởng phòng', 'Deputy head of division', 60],
  ['chuyen_vien', 'Chuyên viên', 'Specialist', 70],
  ['can_bo_mot_cua', 'Cán bộ một cửa', 'One-stop desk officer', 75],
  ['van_thu', 'Văn thư', 'Clerk', 80],
  ['quan_tri_he_thong', 'Quản trị hệ thống', 'System administrator', 90],
];

/** The demo officials; identity gives the ones with an email of the brief their accounts and roles. */
const OFFICIALS: { email: string; name: string; agency: string; position: string; division?: string }[] = [
  { email: 'admin@ninhbinh.gov.vn', name: 'Đinh Văn Quản', agency: 'VPUB', position: 'quan_tri_he_thong', division: 'HCTC' },
  { email: 'lanhdao@ninhbinh.gov.vn', name: 'Trần Song Tùng', agency: 'UBND', position: 'pho_chu_tich' },
  { email: 'motcua@ninhbinh.gov.vn', name: 'Phạm Thị Hoa', agency: 'TTPVHCC', position: 'can_bo_mot_cua' },
  { email: 'chuyenvien.stp@ninhbinh.gov.vn', name: 'Vũ Minh Đức', agency: 'STP', position: 'chuyen_vien', division: 'HCTP' },
  { email: 'truongphong.stp@ninhbinh.gov.vn', name: 'Nguyễn Thị Lan', agency: 'STP', position: 'truong_phong', division: 'HCTP' },
  { email: 'giamdoc.stp@ninhbinh.gov.vn', name: 'Lê Quang Huy', agency: 'STP', position: 'giam_doc' },
  { email: 'vanthu.stp@ninhbinh.gov.vn', name: 'Hoàng Thị Mai', agency: 'STP', position: 'van_thu', division: 'VP' },
  { email: 'phuly@ninhbinh.gov.vn', name: 'Bùi Văn Thành', agency: 'UBND-13285', position: 'chu_tich' },
  { email: 'chuyenvien.skhcn@ninhbinh.gov.vn', name: 'Đỗ Thị Thu', agency: 'SKHCN', position: 'chuyen_vien', division: 'CDS' },
  { email: 'giamdoc.skhcn@ninhbinh.gov.vn', name: 'Phan Văn Khoa', agency: 'SKHCN', position: 'giam_doc' },
  { email: 'motcua.phuvan@ninhbinh.gov.vn', name: 'Ngô Thị Hạnh', agency: 'UBND-13291', position: 'can_bo_mot_cua' },
  { email: 'chutich.hoalu@ninhbinh.gov.vn', name: 'Tạ Đình Long', agency: 'UBND-14329', position: 'chu_tich' },
  { email: 'tiepnhan@ninhbinh.gov.vn', name: 'Lương Thị Ngọc', agency: 'VPUB', position: 'chuyen_vien', division: 'KSTT' },
  { email: 'congchuc.phuly@ninhbinh.gov.vn', name: 'Đặng Văn Hùng', agency: 'UBND-13285', position: 'chuyen_vien' },
];

function typeOf(fullName: string): UnitType {
  return fullName.startsWith('Phường') ? 'ward' : 'commune';
}

export async function seedOrgDemo(k: Kernel): Promise<void> {
  const ctx = systemCtx('seed');
  await transaction(k.db, async (tx) => {
    if (await repo.agencyByCode(tx, 'UBND')) return; // seeded already
    let province = await repo.unitByCode(tx, PROVINCE.code);
    if (!province) {
      const id = await repo.insertUnit(tx, { code: PROVINCE.code, name: PROVINCE.name, full_name: PROVINCE.fullName, name_en: PROVINCE.nameEn, type: 'province', parent_id: null, path: PROVINCE.code });
      province = (await repo.unitById(tx, id))!;
    }
    const units = new Map<string, string>([[PROVINCE.code, province.id]]);
    for (const [code, fullName, nameEn] of COMMUNES) {
      const existing = await repo.unitByCode(tx, code);
      const id =
        existing?.id ??
        (await repo.insertUnit(tx, {
          code,
          name: fullName.replace(/^(Phường|Xã) /, ''),
          full_name: fullName,
          name_en: nameEn,
          type: typeOf(fullName),
          parent_id: province.id,
          path: `${PROVINCE.code}.${code}`,
        }));
      units.set(code, id);
    }
    for (const [code, name, en, rank] of POSITIONS) await repo.upsertPosition(tx, { code, name, name_en: en, rank });
    const agencies = new Map<string, string>();
    for (const a of AGENCIES) {
      const id = await repo.insertAgency(tx, {
        code: a.code,
        name: a.name,
        short_name: a.short,
        name_en: a.en,
        kind: a.kind,
        unit_id: province.id,
        parent_id: a.code === 'UBND' ? null : (agencies.get('UBND') ?? null),
        email: `${a.code.toLowerCase()}@ninhbinh.gov.vn`,
        phone: null,
        address: a.code === 'TTPVHCC' ? 'Số 2 đường Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình' : null,
      });
      agencies.set(a.code, id);
      for (const [dcode, dname] of a.divisions ?? []) await repo.insertDivision(tx, { agency_id: id, code: dcode, name: dname });
    }
    for (const [code, fullName] of COMMUNES) {
      const id = await repo.insertAgency(tx, {
        code: `UBND-${code}`,
        name: `Ủy ban nhân dân ${fullName.replace(/^Phường/, 'phường').replace(/^Xã/, 'xã')}`,
        short_name: `UBND ${fullName.replace(/^(Phường|Xã) /, '')}`,
        name_en: null,
        kind: 'commune_committee',
        unit_id: units.get(code)!,
        parent_id: agencies.get('UBND') ?? null,
        email: null,
        phone: null,
        address: null,
      });
      agencies.set(`UBND-${code}`, id);
    }
    for (const o of OFFICIALS) {
      const agencyId = agencies.get(o.agency)!;
      const division = o.division ? (await repo.divisionsOf(tx, agencyId)).find((d) => d.code === o.division) : undefined;
      await repo.insertOfficial(tx, { agency_id: agencyId, division_id: division?.id ?? null, position_code: o.position, full_name: o.name, email: o.email, phone: null });
    }
    await k.audit.record(tx, ctx, {
      action: 'org.seed.demo',
      entity: 'org_unit',
      entityId: province.id,
      after: { province: PROVINCE.code, communes: COMMUNES.length, agencies: agencies.size, officials: OFFICIALS.length },
    });
  });
}
