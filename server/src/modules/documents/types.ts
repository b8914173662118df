/**
 * Decree 30/2020 appendix III: the types of administrative documents and the
 * abbreviations their symbols use; secrecy and urgency marks; signers'
 * authority. Pure data: the web app imports it.
 */

export interface DocType {
  code: string;
  name: string;
  /** Abbreviation in the symbol (QĐ in 12/QĐ-STP); Công văn has none (12/STP-VP). */
  abbr: string | null;
}

export const DOC_TYPES: DocType[] = [
  { code: 'nghi_quyet', name: 'Nghị quyết', abbr: 'NQ' },
  { code: 'quyet_dinh', name: 'Quyết định', abbr: 'QĐ' },
  { code: 'chi_thi', name: 'Chỉ thị', abbr: 'CT' },
  { code: 'quy_che', name: 'Quy chế', abbr: 'QC' },
  { code: 'quy_dinh', name: 'Quy định', abbr: 'QyĐ' },
  { code: 'thong_cao', name: 'Thông cáo', abbr: 'TC' },
  { code: 'thong_bao', name: 'Thông báo', abbr: 'TB' },
  { code: 'huong_dan', name: 'Hướng dẫn', abbr: 'HD' },
  { code: 'chuong_trinh', name: 'Chương trình', abbr: 'CTr' },
  { code: 'ke_hoach', name: 'Kế hoạch', abbr: 'KH' },
  { code: 'phuong_an', name: 'Phương án', abbr: 'PA' },
  { code: 'de_an', name: 'Đề án', abbr: 'ĐA' },
  { code: 'du_an', name: 'Dự án', abbr: 'DA' },
  { code: 'bao_cao', name: 'Báo cáo', abbr: 'BC' },
  { code: 'bien_ban', name: 'Biên bản', abbr: 'BB' },
  { code: 'to_trinh', name: 'Tờ trình', abbr: 'TTr' },
  { code: 'hop_dong', name: 'Hợp đồng', abbr: 'HĐ' },
  { code: 'cong_dien', name: 'Công điện', abbr: 'CĐ' },
  { code: 'ban_ghi_nho', name: 'Bản ghi nhớ', abbr: 'BGN' },
  { code: 'ban_thoa_thuan', name: 'Bản thỏa thuận', abbr: 'BTT' },
  { code: 'giay_uy_quyen', name: 'Giấy ủy quyền', abbr: 'GUQ' },
  { code: 'giay_moi', name: 'Giấy mời', abbr: 'GM' },
  { code: 'giay_gioi_thieu', name: 'Giấy giới thiệu', abbr: 'GGT' },
  { code: 'giay_nghi_phep', name: 'Giấy nghỉ phép', abbr: 'GNP' },
  { code: 'phieu_gui', name: 'Phiếu gửi', abbr: 'PG' },
  { code: 'phieu_chuyen', name: 'Phiếu chuyển', abbr: 'PC' },
  { code: 'phieu_bao', name: 'Phiếu báo', abbr: 'PB' },
  { code: 'cong_van', name: 'Công văn', abbr: null },
];
export const DOC_TYPE_CODES = DOC_TYPES.map((t) => t.code) as [string, ...string[]];
export const docType = (code: string) => DOC_TYPES.find((t) => t.code === code);

export const SECRECY = { none: '', mat: 'MẬT', toi_mat: 'TỐI MẬT', tuyet_mat: 'TUYỆT MẬT' } as const;
export const URGENCY = { normal: '', khan: 'KHẨN', thuong_khan: 'THƯỢNG KHẨN', hoa_toc: 'HỎA TỐC' } as const;
export type Secrecy = keyof typeof SECRECY;
export type Urgency = keyof typeof URGENCY;
export const AUTHORITIES = ['', 'TM.', 'KT.', 'Q.', 'TL.', 'TUQ.'] as const;

/** Which numbering a document takes (Decree 30 and the Law on Promulgation: normative and secret documents are numbered apart). */
export type Sequence = 'regular' | 'normative' | 'secret';
export function sequenceOf(d: { normative: boolean; secrecy: Secrecy }): Sequence {
  if (d.secrecy !== 'none') return 'secret';
  return d.normative ? 'normative' : 'regular';
}

/**
 * Number and symbol (số, ký hiệu), Decree 30 art. 8 and appendix I:
 * numbers from 01; symbol = type abbreviation + issuing body (QĐ-STP), or for
 * letters the body + drafting unit (STP-VP); normative documents carry the
 * year (12/2026/QĐ-UBND).
 */
export function numberSymbol(p: { number: number; year: number; type: string; agencyCode: string; draftingUnit?: string | null; normative: boolean }): { symbol: string; numberSymbol: string } {
  const t = docType(p.type);
  const n = String(p.number).padStart(2, '0');
  const symbol = t?.abbr ? `${t.abbr}-${p.agencyCode}` : [p.agencyCode, p.draftingUnit].filter(Boolean).join('-');
  return { symbol, numberSymbol: p.normative ? `${n}/${p.year}/${symbol}` : `${n}/${symbol}` };
}

/** The Vietnamese calendar year of an instant (registers are per year in Vietnam's time zone). */
export function vnYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3_600_000).getUTCFullYear();
}
export function vnDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}
