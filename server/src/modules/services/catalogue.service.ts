import ExcelJS from 'exceljs';
import type { Ctx } from '../../kernel/context.js';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { AppError, errors, type FieldError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { getAgencyByCode } from '../org/index.js';
import { catalogueSchema, type Procedure, procedureSchema } from './catalogue.schema.js';
import * as repo from './catalogue.repo.js';
import './errors.js';

/**
 * The procedure catalogue: versions, validation, import and export. A new
 * version is written only when the content changes, so importing the same
 * catalogue twice changes nothing.
 */

export type SaveStatus = 'created' | 'updated' | 'unchanged';

const stable = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Shape errors (Zod) and meaning errors (forms, agencies) of one procedure, with field paths under `prefix`. */
async function problems(ex: Executor, input: unknown, prefix: string): Promise<{ value?: Procedure; fields: FieldError[] }> {
  const parsed = procedureSchema.safeParse(input);
  if (!parsed.success) {
    return {
      fields: parsed.error.issues.slice(0, 50).map((i) => ({ field: [prefix, ...i.path].filter((x) => x !== '').join('.'), rule: i.code, message: i.message })),
    };
  }
  const p = parsed.data;
  const fields: FieldError[] = [];
  const at = (path: string) => `${prefix}${prefix ? '.' : ''}${path}`;
  if (p.level === 'province') {
    if (!p.agencyCode) fields.push({ field: at('agencyCode'), rule: 'required', message: 'Thủ tục cấp tỉnh phải có cơ quan giải quyết' });
    else if (!(await getAgencyByCode(ex, p.agencyCode))) fields.push({ field: at('agencyCode'), rule: 'exists', message: `Không có cơ quan mã ${p.agencyCode}` });
  } else if (p.agencyCode) {
    fields.push({ field: at('agencyCode'), rule: 'absent', message: 'Thủ tục cấp xã do UBND xã, phường nơi nộp giải quyết: để trống mã cơ quan' });
  }
  const keys = new Set<string>();
  p.components.forEach((c, i) => {
    if (keys.has(c.key)) fields.push({ field: at(`components.${i}.key`), rule: 'unique', message: `Trùng khóa thành phần hồ sơ «${c.key}»` });
    keys.add(c.key);
    if (!c.form && !c.attachment) fields.push({ field: at(`components.${i}`), rule: 'form_or_attachment', message: 'Thành phần hồ sơ cần biểu mẫu điện tử hoặc tệp đính kèm' });
    if (c.attachment && c.attachment.min > c.attachment.max) fields.push({ field: at(`components.${i}.attachment.min`), rule: 'range', message: 'Số tệp tối thiểu lớn hơn tối đa' });
    for (const r of c.form?.required ?? []) {
      if (!(r in c.form!.properties)) fields.push({ field: at(`components.${i}.form.required`), rule: 'exists', message: `Trường bắt buộc «${r}» không có trong biểu mẫu` });
    }
  });
  return { value: p, fields };
}

async function saveOne(k: Kernel, tx: Tx, ctx: Ctx, p: Procedure, effectiveFrom: string): Promise<{ version: number; status: SaveStatus }> {
  await repo.upsertSector(tx, p.sector.code, p.sector.name);
  const existing = await repo.procedureForUpdate(tx, p.code);
  if (!existing) {
    const id = await repo.insertProcedure(tx, p);
    await repo.insertVersion(tx, { procedureId: id, version: 1, effectiveFrom, data: p, createdBy: ctx.actor?.id ?? null });
    await k.audit.record(tx, ctx, { action: 'services.procedure.create', entity: 'procedure', entityId: p.code, after: { version: 1 } });
    return { version: 1, status: 'created' };
  }
  const current = await repo.procedureVersion(tx, p.code);
  if (current && stable(current.data) === stable(p)) return { version: existing.current_version, status: 'unchanged' };
  const version = existing.current_version + 1;
  await repo.insertVersion(tx, { procedureId: existing.id, version, effectiveFrom, data: p, createdBy: ctx.actor?.id ?? null });
  await repo.setCurrent(tx, existing.id, version, p);
  await k.audit.record(tx, ctx, { action: 'services.procedure.version', entity: 'procedure', entityId: p.code, before: { version: existing.current_version }, after: { version } });
  return { version, status: 'updated' };
}

const today = () => new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);

/** Saves one procedure (a new version if it changed). `code` in the URL must match the body. */
export async function saveProcedure(k: Kernel, ctx: Ctx, code: string, input: unknown, effectiveFrom = today()) {
  return transaction(k.db, async (tx) => {
    const { value, fields } = await problems(tx, input, 'body');
    if (value && value.code !== code) fields.push({ field: 'body.code', rule: 'match', message: `Mã thủ tục phải là ${code} như trên đường dẫn` });
    if (fields.length || !value) throw errors.validation(fields);
    return { code, ...(await saveOne(k, tx, ctx, value, effectiveFrom)) };
  });
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  total: number;
}

/** Imports a whole catalogue, all or nothing; every problem is reported with its item's index. */
export async function importCatalogue(k: Kernel, ctx: Ctx, items: unknown, onProgress?: (done: number, total: number) => void): Promise<ImportResult> {
  if (!Array.isArray(items)) throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: 'cần một danh sách (mảng JSON) các thủ tục' });
  if (items.length > 5000) throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: 'tối đa 5.000 thủ tục mỗi lần nhập' });
  return transaction(k.db, async (tx) => {
    const all: FieldError[] = [];
    const valid: Procedure[] = [];
    const codes = new Set<string>();
    for (let i = 0; i < items.length; i++) {
      const { value, fields } = await problems(tx, items[i], `[${i}]`);
      all.push(...fields);
      if (value) {
        if (codes.has(value.code)) all.push({ field: `[${i}].code`, rule: 'unique', message: `Mã thủ tục ${value.code} lặp lại trong tệp` });
        codes.add(value.code);
        valid.push(value);
      }
      if (all.length >= 100) break;
    }
    if (all.length) throw errors.validation(all.slice(0, 100));
    const result: ImportResult = { created: 0, updated: 0, unchanged: 0, total: valid.length };
    const from = today();
    for (let i = 0; i < valid.length; i++) {
      const r = await saveOne(k, tx, ctx, valid[i]!, from);
      result[r.status]++;
      onProgress?.(i + 1, valid.length);
    }
    return result;
  });
}

export function exportCatalogue(k: Kernel): Promise<Procedure[]> {
  return repo.allCurrent(k.db);
}

const LEVEL = { province: 'Cấp tỉnh', commune: 'Cấp xã' } as const;
const ONLINE = { full: 'Toàn trình', partial: 'Một phần' } as const;

/**
 * The catalogue as an .xlsx workbook: one readable row per procedure, and in the
 * last column the procedure's full JSON, which is what `parseXlsx` reads back.
 */
export async function catalogueXlsx(items: Procedure[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'congso';
  const ws = wb.addWorksheet('Thủ tục hành chính', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: 'Mã thủ tục', key: 'code', width: 14 },
    { header: 'Tên thủ tục', key: 'name', width: 60 },
    { header: 'Lĩnh vực', key: 'sector', width: 24 },
    { header: 'Cấp thực hiện', key: 'level', width: 12 },
    { header: 'Cơ quan', key: 'agency', width: 12 },
    { header: 'Thời hạn giải quyết', key: 'limit', width: 20 },
    { header: 'Phí, lệ phí (đồng)', key: 'fees', width: 18 },
    { header: 'Dịch vụ công trực tuyến', key: 'online', width: 14 },
    { header: 'Kết quả', key: 'result', width: 40 },
    { header: 'Căn cứ pháp lý', key: 'legal', width: 60 },
    { header: 'Dữ liệu (JSON)', key: 'json', width: 20 },
  ];
  ws.getRow(1).font = { bold: true };
  for (const p of items) {
    ws.addRow({
      code: p.code,
      name: p.name,
      sector: p.sector.name,
      level: LEVEL[p.level],
      agency: p.agencyCode ?? 'UBND xã',
      limit: 'days' in p.timeLimit ? `${p.timeLimit.days} ngày làm việc` : `${p.timeLimit.hours} giờ làm việc`,
      fees: p.fees.reduce((s, f) => s + f.amount, 0),
      online: ONLINE[p.onlineLevel],
      result: p.result,
      legal: p.legalBasis.join('; '),
      json: JSON.stringify(p),
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads the workbook written by `catalogueXlsx` (its JSON column). */
export async function parseXlsx(buf: Buffer): Promise<unknown[]> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: 'không đọc được tệp .xlsx' });
  }
  const ws = wb.worksheets[0];
  if (!ws) throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: 'tệp .xlsx không có trang tính nào' });
  const header = (ws.getRow(1).values as unknown[]).map((v) => String(v ?? ''));
  const col = header.indexOf('Dữ liệu (JSON)');
  if (col < 0) throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: 'thiếu cột «Dữ liệu (JSON)»' });
  const out: unknown[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const cell = row.getCell(col).value;
    const text = typeof cell === 'string' ? cell : cell && typeof cell === 'object' && 'richText' in cell ? (cell.richText as { text: string }[]).map((t) => t.text).join('') : '';
    if (!text.trim()) return;
    try {
      out.push(JSON.parse(text));
    } catch {
      throw new AppError('SERVICES_CATALOGUE_INVALID', { reason: `dòng ${n}: cột JSON không hợp lệ` });
    }
  });
  return out;
}

export { catalogueSchema };
