import ExcelJS from 'exceljs';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { type PdfSpec, renderPdf, vnDateTime, vnPlaceDate } from '../../kernel/pdf/index.js';
import { findProvinceUnit, getAgencyByCode, listAgencyOfficials } from '../org/index.js';
import { dtiView } from './dti.service.js';
import { REPORT_READ } from './http.js';
import { vnDay } from './live.projection.js';
import { dashboard, type Figure } from './live.service.js';
import { indicatorViews, listProjects, taskView, type IndicatorView, type ProjectView, type TaskView } from './programme.service.js';
import * as liveRepo from './live.repo.js';
import * as programmeRepo from './programme.repo.js';

/**
 * Reminders before task deadlines and the steering committee's monthly report
 * (PDF after Decree 30, and .xlsx), both from the outbox: a daily job queues
 * one reminder per task and threshold and one report mail per month, each with
 * a dedupe key, so any number of instances send each once.
 */

export const REMINDER_SWEEP_TOPIC = 'operations.tasks.remind-sweep';
export const REMINDER_TOPIC = 'operations.tasks.remind';
export const MONTHLY_SWEEP_TOPIC = 'operations.report.monthly-sweep';
export const MONTHLY_TOPIC = 'operations.report.monthly';
/** Days before the deadline a reminder goes out (and the day after, once overdue). */
export const REMIND_DAYS = [7, 1, -1];
/** The steering committee: the province's people's committee (its chair leads it) and the standing department. */
const STEERING_AGENCIES = ['UBND', 'SKHCN'];

async function recipients(k: Kernel, agencyCode: string): Promise<string[]> {
  const a = await getAgencyByCode(k.db, agencyCode);
  if (!a) return [];
  if (a.email) return [a.email];
  return (await listAgencyOfficials(k.db, a.id)).filter((o) => o.active && o.email).map((o) => o.email!);
}

/** Queues the reminders due today: one per open task and threshold, ever. */
export async function sweepReminders(k: Kernel, now = new Date()): Promise<number> {
  const today = vnDay(now);
  const horizon = vnDay(new Date(now.getTime() + Math.max(...REMIND_DAYS) * 86_400_000));
  const open = await programmeRepo.tasks(k.db, { open: true, dueBefore: horizon });
  let queued = 0;
  await transaction(k.db, async (tx) => {
    for (const t of open) {
      const days = Math.round((Date.parse(t.due_on) - Date.parse(today)) / 86_400_000);
      // The nearest threshold reached: 7 days, 1 day, overdue.
      const threshold = REMIND_DAYS.filter((d) => days <= d).pop();
      if (threshold === undefined) continue;
      const key = `${REMINDER_TOPIC}:${t.id}:${t.due_on}:${threshold}`;
      if (!(await liveRepo.markSent(tx, key))) continue;
      await k.outbox.enqueue(tx, REMINDER_TOPIC, { taskId: t.id, threshold }, { dedupeKey: key });
      queued++;
    }
  });
  return queued;
}

export async function sendReminder(k: Kernel, taskId: string, threshold: number): Promise<void> {
  const [t] = await programmeRepo.tasks(k.db, { id: taskId });
  if (!t || t.done_at) return;
  const to = await recipients(k, t.agency_code);
  if (!to.length) return;
  const v = taskView(t, vnDay(new Date()));
  const when = threshold < 0 ? `đã quá hạn (hạn ${t.due_on})` : `đến hạn ngày ${t.due_on} (còn ${threshold} ngày)`;
  await transaction(k.db, (tx) =>
    k.mailer.send(tx, k.outbox, {
      to: to.join(', '),
      subject: `[Chuyển đổi số] Nhiệm vụ ${t.code} ${threshold < 0 ? 'đã quá hạn' : 'sắp đến hạn'}`,
      text: [
        `Kính gửi ${t.agency_code},`,
        '',
        `Nhiệm vụ «${t.title}» (${t.code}) ${when}; tiến độ đã báo cáo: ${v.progress}%.`,
        `Đề nghị cập nhật tiến độ và minh chứng tại ${k.config.publicUrl}/lam-viec/dieu-hanh/chuong-trinh.`,
        '',
        'Trung tâm điều hành — Ban Chỉ đạo chuyển đổi số tỉnh',
      ].join('\n'),
    }),
  );
}

export interface MonthlyReport {
  month: string;
  period: { from: string; to: string };
  computedAt: Date;
  figures: Figure[];
  indicators: IndicatorView[];
  tasks: TaskView[];
  projects: ProjectView[];
  dti: { year: number; version: string; self: number | null; appraised: number | null; final: number | null; lastRank: { year: number; rank: number; of: number } | null };
}

export function monthPeriod(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { from: `${month}-01`, to: end };
}

export async function monthlyReport(k: Kernel, ctx: Ctx, month: string): Promise<MonthlyReport> {
  authorize(ctx.actor, REPORT_READ);
  const period = monthPeriod(month);
  const year = Number(month.slice(0, 4));
  // The province-level figures: the report is the steering committee's (dashboard checks the reader covers the province).
  const province = await findProvinceUnit(k.db);
  const d = await dashboard(k, ctx, { ...period, unit: province?.code });
  const today = vnDay(new Date());
  const [indicators, tasks, projects, dti] = await Promise.all([
    indicatorViews(k, year),
    programmeRepo.tasks(k.db, {}).then((r) => r.map((t) => taskView(t, today))),
    listProjects(k, { ...ctx, actor: ctx.actor }).catch(() => ({ items: [] as ProjectView[] })),
    dtiView(k, ctx, year).catch(() => null),
  ]);
  const last = dti?.ranks.at(-1);
  return {
    month, period, computedAt: new Date(), figures: d.figures, indicators, tasks, projects: projects.items,
    dti: { year, version: dti?.framework.version ?? '', self: dti?.index.self ?? null, appraised: dti?.index.appraised ?? null, final: dti?.index.final ?? null, lastRank: last ? { year: last.year, rank: last.rank, of: last.of } : null },
  };
}

const RAG_VI = { green: 'Đạt', amber: 'Cần chú ý', red: 'Không đạt' } as const;
const fmt = (v: number | null | undefined, unit?: string) => (v === null || v === undefined ? '—' : `${v.toLocaleString('vi-VN')}${unit === 'percent' ? '%' : ''}`);
export const FIGURE_LABELS: Record<string, string> = {
  'dossiers.received': 'Hồ sơ tiếp nhận', 'dossiers.receivedOnline': 'Hồ sơ nộp trực tuyến', 'dossiers.onlineShare': 'Tỷ lệ hồ sơ trực tuyến',
  'dossiers.finished': 'Hồ sơ đã giải quyết', 'dossiers.early': 'Giải quyết trước hạn', 'dossiers.onTime': 'Giải quyết đúng hạn', 'dossiers.late': 'Giải quyết quá hạn',
  'dossiers.onTimeRate': 'Tỷ lệ giải quyết đúng hạn', 'dossiers.open': 'Hồ sơ đang giải quyết', 'dossiers.overdue': 'Hồ sơ đang quá hạn', 'dossiers.overdueRate': 'Tỷ lệ hồ sơ đang quá hạn',
  'dossiers.satisfaction': 'Mức độ hài lòng về hồ sơ', 'dossiers.index766': 'Điểm chỉ số 766', 'petitions.received': 'Phản ánh, kiến nghị tiếp nhận',
  'petitions.answered': 'Phản ánh đã trả lời', 'petitions.answeredOnTime': 'Phản ánh trả lời đúng hạn', 'petitions.onTimeRate': 'Tỷ lệ phản ánh trả lời đúng hạn',
  'petitions.open': 'Phản ánh đang xử lý', 'petitions.overdue': 'Phản ánh quá hạn', 'petitions.overdueRate': 'Tỷ lệ phản ánh quá hạn', 'petitions.satisfaction': 'Mức độ hài lòng về phản ánh',
  'documents.issued': 'Văn bản đi đã phát hành', 'documents.received': 'Văn bản đến', 'documents.signed': 'Văn bản đi có ký số',
  'documents.signedShare': 'Tỷ lệ văn bản đi có ký số', 'documents.handled': 'Văn bản đến đã xử lý xong', 'documents.handledOnTime': 'Văn bản đến xử lý đúng hạn',
  'documents.onTimeRate': 'Tỷ lệ văn bản đến xử lý đúng hạn', 'documents.open': 'Văn bản đến đang xử lý', 'documents.overdue': 'Văn bản đến quá hạn xử lý',
  'documents.overdueRate': 'Tỷ lệ văn bản đến quá hạn',
};
const UNIT_VI: Record<string, string> = { percent: '%', count: 'số lượng', million_vnd: 'triệu đồng', rank: 'thứ hạng', score: 'điểm' };
const STATUS_VI = { done: 'Hoàn thành', overdue: 'Quá hạn', due_soon: 'Sắp đến hạn', on_track: 'Đúng tiến độ' } as const;

/** The report's tables, shared by the PDF and the workbook. */
export function reportTables(r: MonthlyReport) {
  return {
    figures: { title: 'Số liệu trực tiếp toàn tỉnh', wide: 0, columns: ['Số liệu', 'Giá trị', 'Chỉ tiêu', 'Đánh giá'], rows: r.figures.map((f) => [FIGURE_LABELS[f.key] ?? f.key, fmt(f.value, f.unit), fmt(f.target, f.unit), f.rag ? RAG_VI[f.rag] : '—']) },
    indicators: { title: `Chỉ tiêu của chương trình năm ${r.month.slice(0, 4)}`, wide: 1, columns: ['Mã', 'Chỉ tiêu', 'Đơn vị', 'Mục tiêu', 'Kết quả', 'Đánh giá'], rows: r.indicators.map((i) => [i.code, i.name, UNIT_VI[i.unit] ?? i.unit, fmt(i.target), fmt(i.actual), i.rag ? RAG_VI[i.rag] : 'Chưa có số liệu']) },
    tasks: { title: 'Nhiệm vụ', wide: 1, columns: ['Mã', 'Nhiệm vụ', 'Cơ quan', 'Hạn', 'Tiến độ', 'Tình trạng'], rows: r.tasks.map((t) => [t.code, t.title, t.agency, t.dueOn, `${t.progress}%`, STATUS_VI[t.status]]) },
    projects: { title: 'Dự án (triệu đồng)', wide: 1, columns: ['Mã', 'Dự án', 'Kinh phí', 'Giải ngân', 'An toàn thông tin', 'Tỷ lệ ATTT'], rows: r.projects.map((p) => [p.code, p.name, fmt(p.budget), fmt(p.disbursed), fmt(p.cyber), `${p.cyberShare}%${p.cyberBelowMin ? ' (dưới 10%)' : ''}`]) },
  };
}

export function reportSpec(r: MonthlyReport): PdfSpec {
  const t = reportTables(r);
  const [y, m] = r.month.split('-');
  const overdue = r.tasks.filter((x) => x.status === 'overdue');
  const low = r.projects.filter((p) => p.cyberBelowMin);
  return {
    meta: { title: `Báo cáo tháng ${m}/${y} — Chuyển đổi số`, author: 'Ban Chỉ đạo chuyển đổi số tỉnh Ninh Bình', keywords: ['chuyển đổi số', 'báo cáo tháng'], createdAt: r.computedAt },
    header: { agency: ['Ủy ban nhân dân tỉnh Ninh Bình', 'Ban Chỉ đạo chuyển đổi số'], number: `Số: ${m}/BC-BCĐ`, placeDate: vnPlaceDate('Ninh Bình', r.computedAt) },
    blocks: [
      { kind: 'title', text: 'Báo cáo', subtitle: `Tình hình thực hiện chuyển đổi số tháng ${m}/${y}` },
      { kind: 'text', text: `Số liệu từ ${r.period.from} đến ${r.period.to}, tính lúc ${vnDateTime(r.computedAt)} từ dữ liệu trên congso.`, italic: true },
      { kind: 'text', text: `Có ${overdue.length} nhiệm vụ quá hạn; ${low.length} dự án có phần kinh phí an toàn thông tin dưới 10%.${r.dti.lastRank ? ` Xếp hạng DTI gần nhất: ${r.dti.lastRank.rank}/${r.dti.lastRank.of} (năm ${r.dti.lastRank.year}).` : ''}` },
      ...Object.values(t).flatMap((x): PdfSpec['blocks'] => [{ kind: 'text', text: x.title, bold: true, align: 'left' }, { kind: 'table', columns: x.columns.map((title, i) => ({ title, width: i === x.wide ? 3 : 1 })), rows: x.rows }]),
      { kind: 'signatures', blocks: [{ title: 'TM. Ban Chỉ đạo\nTrưởng ban', subtitle: '(Ký số)' }] },
    ],
    footer: 'Báo cáo tạo tự động từ Trung tâm điều hành congso',
  };
}

export const reportPdf = (r: MonthlyReport) => renderPdf(reportSpec(r));

const LEVEL_VI = { province: 'Toàn tỉnh', agency: 'Cơ quan', commune: 'Xã, phường' } as const;
const CHANNEL_VI: Record<string, string> = { online: 'Trực tuyến', desk: 'Trực tiếp', post: 'Bưu chính', web: 'Cổng thông tin', app: 'Ứng dụng', hotline: 'Đường dây nóng', open311: 'Open311' };
/** The columns of the children's table in the dashboard's PDF. */
const CHILD_KEYS = ['dossiers.received', 'dossiers.onTimeRate', 'dossiers.overdue', 'petitions.received', 'petitions.overdue', 'documents.issued', 'documents.overdue'] as const;

/**
 * The operations screen a reader is looking at, as a PDF: the same level,
 * period and figures (from the same service, so the same access rules), the
 * time they were computed and the projection's last update, channels and,
 * for the province, every commune and agency.
 */
export async function dashboardPdf(k: Kernel, ctx: Ctx, q: { unit?: string; agency?: string; from?: string; to?: string }): Promise<{ name: string; data: Buffer }> {
  const d = await dashboard(k, ctx, q);
  const rows = d.figures.map((f) => [FIGURE_LABELS[f.key] ?? f.key, fmt(f.value, f.unit), fmt(f.target, f.unit), f.rag ? RAG_VI[f.rag] : '—']);
  const channels = [
    ...d.channels.dossiers.map((c) => ['Hồ sơ', CHANNEL_VI[c.channel] ?? c.channel, fmt(c.n)]),
    ...d.channels.petitions.map((c) => ['Phản ánh, kiến nghị', CHANNEL_VI[c.channel] ?? c.channel, fmt(c.n)]),
  ];
  const kids = d.children.map((c) => [c.name, ...CHILD_KEYS.map((key) => fmt(c.values[key], key.endsWith('Rate') ? 'percent' : undefined))]);
  const short: Record<string, string> = {
    'dossiers.received': 'Hồ sơ nhận', 'dossiers.onTimeRate': 'Đúng hạn', 'dossiers.overdue': 'Hồ sơ quá hạn', 'petitions.received': 'Phản ánh',
    'petitions.overdue': 'PA quá hạn', 'documents.issued': 'VB đi', 'documents.overdue': 'VB đến quá hạn',
  };
  const spec: PdfSpec = {
    meta: { title: `Trung tâm điều hành — ${d.level.name}`, author: 'congso', keywords: ['trung tâm điều hành', 'số liệu'], createdAt: d.computedAt },
    header: { agency: ['Ủy ban nhân dân tỉnh Ninh Bình', 'Trung tâm điều hành'], number: '', placeDate: vnPlaceDate('Ninh Bình', d.computedAt) },
    blocks: [
      { kind: 'title', text: 'Số liệu điều hành', subtitle: `${LEVEL_VI[d.level.kind]}: ${d.level.name}` },
      {
        kind: 'text', italic: true,
        text: `Kỳ số liệu từ ${d.period.from} đến ${d.period.to}. Tính lúc ${vnDateTime(d.computedAt)}${d.dataAsOf ? `; dữ liệu cập nhật đến ${vnDateTime(d.dataAsOf)}` : ''}.`,
      },
      { kind: 'table', columns: [{ title: 'Số liệu', width: 3 }, { title: 'Giá trị', width: 1 }, { title: 'Chỉ tiêu', width: 1 }, { title: 'Đánh giá', width: 1 }], rows },
      ...(channels.length ? [{ kind: 'text' as const, text: 'Theo kênh tiếp nhận', bold: true, align: 'left' as const }, { kind: 'table' as const, columns: [{ title: 'Loại', width: 2 }, { title: 'Kênh', width: 2 }, { title: 'Số lượng', width: 1 }], rows: channels }] : []),
      ...(kids.length ? [{ kind: 'text' as const, text: 'Các xã, phường và cơ quan', bold: true, align: 'left' as const }, { kind: 'table' as const, columns: [{ title: 'Đơn vị', width: 3 }, ...CHILD_KEYS.map((key) => ({ title: short[key]!, width: 1 }))], rows: kids }] : []),
    ],
    footer: `Tạo từ Trung tâm điều hành congso lúc ${vnDateTime(d.computedAt)}`,
  };
  const slug = d.level.kind === 'province' ? 'toan-tinh' : `${d.level.kind === 'agency' ? 'co-quan' : 'xa'}-${d.level.code}`;
  return { name: `dieu-hanh-${slug}-${vnDay(d.computedAt)}.pdf`, data: await renderPdf(spec) };
}

/** Any table as a workbook sheet: a bold frozen header, widths from the content. */
export function addSheet(wb: ExcelJS.Workbook, name: string, columns: string[], rows: (string | number | null)[][]) {
  const ws = wb.addWorksheet(name.slice(0, 31));
  ws.addRow(columns).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.columns.forEach((c, i) => (c.width = Math.min(60, Math.max(10, ...[columns[i] ?? '', ...rows.map((r) => String(r[i] ?? ''))].map((s) => s.length + 2)))));
  return ws;
}

export async function reportXlsx(r: MonthlyReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  wb.created = r.computedAt;
  const t = reportTables(r);
  addSheet(wb, 'So lieu', t.figures.columns, t.figures.rows);
  addSheet(wb, 'Chi tieu', t.indicators.columns, t.indicators.rows);
  addSheet(wb, 'Nhiem vu', t.tasks.columns, t.tasks.rows);
  addSheet(wb, 'Du an', t.projects.columns, t.projects.rows);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** On the first days of a month, queues last month's report mail to the steering committee, once. */
export async function sweepMonthly(k: Kernel, now = new Date()): Promise<string> {
  const today = vnDay(now);
  const d = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 2, 1));
  const month = d.toISOString().slice(0, 7);
  const key = `${MONTHLY_TOPIC}:${month}`;
  await transaction(k.db, async (tx) => {
    if (await liveRepo.markSent(tx, key)) await k.outbox.enqueue(tx, MONTHLY_TOPIC, { month }, { dedupeKey: key });
  });
  return month;
}

export async function sendMonthly(k: Kernel, month: string): Promise<void> {
  const to = (await Promise.all(STEERING_AGENCIES.map((a) => recipients(k, a)))).flat();
  if (!to.length) return;
  const [y, m] = month.split('-');
  const base = `${k.config.publicUrl}/api/operations/reports/monthly?month=${month}`;
  await transaction(k.db, (tx) =>
    k.mailer.send(tx, k.outbox, {
      to: [...new Set(to)].join(', '),
      subject: `[Chuyển đổi số] Báo cáo tháng ${m}/${y} của Trung tâm điều hành`,
      text: [`Báo cáo tình hình thực hiện chuyển đổi số tháng ${m}/${y} đã sẵn sàng:`, `- PDF: ${base}&format=pdf`, `- Excel: ${base}&format=xlsx`, '', 'Trung tâm điều hành — Ban Chỉ đạo chuyển đổi số tỉnh'].join('\n'),
    }),
  );
}

export function registerJobs(k: Kernel): void {
  k.outbox.every(REMINDER_SWEEP_TOPIC, 86_400_000, async () => {
    await sweepReminders(k);
  });
  k.outbox.on<{ taskId: string; threshold: number }>(REMINDER_TOPIC, (m) => sendReminder(k, m.payload.taskId, m.payload.threshold));
  k.outbox.every(MONTHLY_SWEEP_TOPIC, 86_400_000, async () => {
    await sweepMonthly(k);
  });
  k.outbox.on<{ month: string }>(MONTHLY_TOPIC, (m) => sendMonthly(k, m.payload.month));
}
