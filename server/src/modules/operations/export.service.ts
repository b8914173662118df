import ExcelJS from 'exceljs';
import type { Ctx } from '../../kernel/context.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { type DatasetField, registerDataset, type DatasetRowValues } from '../exchange/index.js';
import { dtiView } from './dti.service.js';
import { DASHBOARD_READ } from './http.js';
import { vnDay } from './live.projection.js';
import { dashboard, provinceFigure } from './live.service.js';
import { indicatorViews, listIndicators, listProjects, listTasks } from './programme.service.js';
import { addSheet, FIGURE_LABELS } from './report.service.js';
import * as programmeRepo from './programme.repo.js';

/**
 * Any table of the operations centre as .xlsx or CSV (the rows the reader may
 * see, the same the screen shows), and the public subset of the programme's
 * indicators as an open dataset.
 */

export const EXPORT_TABLES = ['figures', 'children', 'indicators', 'tasks', 'projects', 'dti'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

type Cell = string | number | null;
export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

const RAG = { green: 'Đạt', amber: 'Cần chú ý', red: 'Không đạt' } as const;
const rag = (r: keyof typeof RAG | null | undefined) => (r ? RAG[r] : '');

export async function exportTable(k: Kernel, ctx: Ctx, table: ExportTable, q: { unit?: string; agency?: string; from?: string; to?: string; year?: number }): Promise<Table> {
  switch (table) {
    case 'figures': {
      const d = await dashboard(k, ctx, q);
      return {
        title: `Số liệu ${d.level.name} từ ${d.period.from} đến ${d.period.to}`,
        columns: ['Mã', 'Số liệu', 'Giá trị', 'Đơn vị', 'Chỉ tiêu', 'Đánh giá', 'Tính lúc'],
        rows: d.figures.map((f) => [f.key, FIGURE_LABELS[f.key] ?? f.key, f.value, f.unit === 'percent' ? '%' : f.unit === 'points' ? 'điểm' : 'số lượng', f.target, rag(f.rag), f.computedAt.toISOString()]),
      };
    }
    case 'children': {
      const d = await dashboard(k, ctx, q);
      const keys = ['dossiers.received', 'dossiers.finished', 'dossiers.onTimeRate', 'dossiers.open', 'dossiers.overdue', 'dossiers.onlineShare', 'petitions.received', 'petitions.overdue', 'petitions.onTimeRate', 'petitions.satisfaction'] as const;
      return {
        title: `Các đơn vị thuộc ${d.level.name} từ ${d.period.from} đến ${d.period.to}`,
        columns: ['Loại', 'Mã', 'Tên', ...keys.map((x) => FIGURE_LABELS[x]!)],
        rows: d.children.map((c) => [c.kind === 'commune' ? 'Xã, phường' : 'Cơ quan', c.code, c.name, ...keys.map((x) => c.values[x] ?? null)]),
      };
    }
    case 'indicators': {
      const r = await listIndicators(k, ctx, { year: q.year });
      return {
        title: `Chỉ tiêu năm ${r.year}`,
        columns: ['Mã', 'Chỉ tiêu', 'Văn bản', 'Đơn vị tính', 'Giá trị gốc', 'Năm gốc', 'Mục tiêu', 'Kết quả', 'Nguồn', 'Cơ quan chủ trì', 'Căn cứ', 'Đánh giá'],
        rows: r.items.map((i) => [i.code, i.name, i.programme.number, i.unit, i.baseline, i.baselineYear, i.target, i.actual, i.actualSource, i.ownerAgency, i.legalBasis, rag(i.rag)]),
      };
    }
    case 'tasks': {
      const r = await listTasks(k, ctx, {});
      return {
        title: 'Nhiệm vụ', columns: ['Mã', 'Nhiệm vụ', 'Nhóm', 'Cơ quan', 'Hạn', 'Tiến độ (%)', 'Tình trạng', 'Báo cáo gần nhất'],
        rows: r.items.map((t) => [t.code, t.title, t.group?.name ?? null, t.agency, t.dueOn, t.progress, t.status, t.lastNote]),
      };
    }
    case 'projects': {
      const r = await listProjects(k, ctx);
      return {
        title: 'Dự án (triệu đồng)', columns: ['Mã', 'Dự án', 'Cơ quan', 'Từ năm', 'Đến năm', 'Kinh phí', 'Giải ngân', 'An toàn thông tin', 'Tỷ lệ ATTT (%)', 'Dưới 10%'],
        rows: r.items.map((p) => [p.code, p.name, p.agency, p.years.from, p.years.to, p.budget, p.disbursed, p.cyber, p.cyberShare, p.cyberBelowMin ? 'Có' : 'Không']),
      };
    }
    case 'dti': {
      const v = await dtiView(k, ctx, q.year ?? Number(vnDay(new Date()).slice(0, 4)));
      const rows: Cell[][] = [];
      for (const m of v.indicators) for (const n of [m, ...m.components]) rows.push([n.code, n.name, n.weight || null, n.self, n.appraised, n.final, n.evidenceKey, n.evidenceValue]);
      return { title: `DTI năm ${v.year} (bộ chỉ số ${v.framework.decision})`, columns: ['Mã', 'Chỉ số', 'Trọng số', 'Tự đánh giá', 'Thẩm định', 'Chính thức', 'Minh chứng từ congso', 'Giá trị từ congso'], rows };
    }
  }
}

/** RFC 4180 CSV with a BOM (Excel opens it as UTF-8); text that a spreadsheet would run as a formula is quoted with a leading apostrophe. */
export function toCsv(t: Table): string {
  const cell = (v: Cell) => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return String(v);
    const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\n\r;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${[t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export async function toXlsx(t: Table): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  addSheet(wb, t.title.replace(/[\\/?*[\]:]/g, '-'), t.columns, t.rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reading any table needs the dashboard's action at least; each table checks its own. */
export function checkExport(ctx: Ctx) {
  authorize(ctx.actor, DASHBOARD_READ);
}

const f = (id: string, type: DatasetField['type'], label: string, labelEn: string): DatasetField => ({ id, type, label, labelEn });

/** The public indicators of the programme, every year with a target or an actual, for the open-data catalogue. */
export async function publicIndicatorRows(k: Kernel): Promise<DatasetRowValues[]> {
  const thisYear = Number(vnDay(new Date()).slice(0, 4));
  const rows = await programmeRepo.indicators(k.db, { publicOnly: true });
  const views = new Map((await indicatorViews(k, thisYear, { publicOnly: true })).map((v) => [v.code, v]));
  const out: DatasetRowValues[] = [];
  for (const i of rows) {
    const years = new Set<number>([...Object.keys(i.targets), ...Object.keys(i.actuals)].map(Number));
    if (i.source === 'computed') for (let y = 2020; y <= thisYear; y++) years.add(y);
    for (const y of [...years].sort()) {
      let actual: number | null = i.actuals[String(y)]?.value ?? null;
      if (i.source === 'computed' && i.computed_key && y <= thisYear) actual = await provinceFigure(k, i.computed_key, y);
      const target = i.targets[String(y)] ?? null;
      if (actual === null && target === null) continue;
      out.push({
        ma_chi_tieu: i.code, ten_chi_tieu: i.name, van_ban: i.programme_number, don_vi_tinh: i.unit, nam: y, muc_tieu: target, ket_qua: actual,
        nguon_so_lieu: i.source === 'computed' ? 'Tính từ dữ liệu congso' : i.source === 'entered' ? 'Cơ quan chủ trì nhập, có minh chứng' : 'Nhập từ tệp',
        co_quan_chu_tri: i.owner_agency, can_cu: i.legal_basis, danh_gia: y === thisYear ? rag(views.get(i.code)?.rag) || null : null,
      });
    }
  }
  return out;
}

export function registerOpenData(k: Kernel): void {
  registerDataset(k, {
    id: 'chi-tieu-chuyen-doi-so',
    title: { vi: 'Chỉ tiêu chuyển đổi số của tỉnh: mục tiêu và kết quả', en: 'Digital-transformation indicators of the province: targets and results' },
    description: {
      vi: 'Các chỉ tiêu công khai của Nghị quyết 01-NQ/TU và các Quyết định 749/QĐ-TTg, 942/QĐ-TTg: mục tiêu từng năm đến 2030, kết quả (tính từ dữ liệu congso hoặc do cơ quan chủ trì nhập có minh chứng).',
      en: 'Public indicators of Resolution 01-NQ/TU and Decisions 749/QĐ-TTg and 942/QĐ-TTg: yearly targets to 2030 and results (computed from congso data or entered with evidence by the owning agency).',
    },
    licence: 'CC-BY-4.0',
    frequency: 'daily',
    publisher: 'SKHCN',
    tags: ['chuyển đổi số', 'chỉ tiêu', 'chính quyền số'],
    fields: [
      f('ma_chi_tieu', 'text', 'Mã chỉ tiêu', 'Indicator code'),
      f('ten_chi_tieu', 'text', 'Tên chỉ tiêu', 'Indicator'),
      f('van_ban', 'text', 'Văn bản', 'Instrument'),
      f('don_vi_tinh', 'text', 'Đơn vị tính', 'Unit'),
      f('nam', 'int', 'Năm', 'Year'),
      f('muc_tieu', 'numeric', 'Mục tiêu', 'Target'),
      f('ket_qua', 'numeric', 'Kết quả', 'Actual'),
      f('nguon_so_lieu', 'text', 'Nguồn số liệu', 'Source of the actual'),
      f('co_quan_chu_tri', 'text', 'Cơ quan chủ trì', 'Owner agency'),
      f('can_cu', 'text', 'Căn cứ', 'Legal basis'),
      f('danh_gia', 'text', 'Đánh giá năm hiện tại', 'Assessment this year'),
    ],
    rows: publicIndicatorRows,
  });
}
