import { createHash } from 'node:crypto';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { AppError } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './org.repo.js';
import type { UnitType } from './org.repo.js';

/**
 * Imports an official list of administrative units: the JSON published with
 * Decision 19/2025/QĐ-TTg datasets (provinces, each with its `Wards`) or a CSV
 * `code,name,full_name,name_en,type,parent_code`. Idempotent (a second run
 * changes nothing), all-or-nothing (one transaction), with progress.
 */

export interface ImportRow {
  code: string;
  name: string;
  fullName: string;
  nameEn: string | null;
  type: UnitType;
  parentCode: string | null;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  total: number;
}

const TYPES: UnitType[] = ['country', 'province', 'city', 'commune', 'ward', 'special_zone'];

function invalid(reason: string): AppError {
  return new AppError('ORG_IMPORT_INVALID', { reason });
}

/** The unit's type from its official full name ("Tỉnh …", "Phường …", "Đặc khu …"). */
export function typeFromFullName(fullName: string, code: string): UnitType {
  const n = fullName.trim().toLowerCase();
  if (n.startsWith('tỉnh')) return 'province';
  if (n.startsWith('thành phố')) return code.length === 2 ? 'city' : 'ward';
  if (n.startsWith('phường')) return 'ward';
  if (n.startsWith('xã')) return 'commune';
  if (n.startsWith('đặc khu')) return 'special_zone';
  throw invalid(`không nhận ra loại đơn vị của "${fullName}" (mã ${code})`);
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || !v.trim()) throw invalid(`thiếu ${what}`);
  return v.trim().normalize('NFC');
}

function checkCode(code: string, len: number, where: string) {
  if (!new RegExp(`^\\d{${len}}$`).test(code)) throw invalid(`mã "${code}" ${where} phải gồm ${len} chữ số`);
}

export function parseJsonList(text: string): ImportRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw invalid(`JSON sai cú pháp (${(e as Error).message.slice(0, 80)})`);
  }
  if (!Array.isArray(data)) throw invalid('cần một mảng các tỉnh, thành phố');
  const rows: ImportRow[] = [];
  data.forEach((p, i) => {
    if (!p || typeof p !== 'object') throw invalid(`phần tử ${i} không phải đối tượng`);
    const o = p as Record<string, unknown>;
    const code = str(o.Code, `Code ở phần tử ${i}`);
    checkCode(code, 2, 'của tỉnh');
    const fullName = str(o.FullName, `FullName của ${code}`);
    rows.push({ code, name: str(o.Name, `Name của ${code}`), fullName, nameEn: typeof o.NameEn === 'string' ? o.NameEn : null, type: typeFromFullName(fullName, code), parentCode: null });
    if (o.Wards !== undefined && !Array.isArray(o.Wards)) throw invalid(`Wards của ${code} phải là mảng`);
    for (const w of (o.Wards as unknown[]) ?? []) {
      const wo = (w ?? {}) as Record<string, unknown>;
      const wcode = str(wo.Code, `Code của một xã thuộc ${code}`);
      checkCode(wcode, 5, 'của xã/phường');
      if (wo.ProvinceCode !== undefined && wo.ProvinceCode !== code) throw invalid(`xã ${wcode} ghi ProvinceCode ${String(wo.ProvinceCode)} nhưng nằm trong tỉnh ${code}`);
      const wfull = str(wo.FullName, `FullName của ${wcode}`);
      rows.push({ code: wcode, name: str(wo.Name, `Name của ${wcode}`), fullName: wfull, nameEn: typeof wo.NameEn === 'string' ? wo.NameEn : null, type: typeFromFullName(wfull, wcode), parentCode: code });
    }
  });
  return rows;
}

/** RFC 4180 fields: commas, quotes doubled inside quoted fields, CRLF or LF. */
function csvRecords(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) out.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (quoted) throw invalid('dấu ngoặc kép không được đóng');
  row.push(field);
  if (row.some((f) => f !== '')) out.push(row);
  return out;
}

export function parseCsvList(text: string): ImportRow[] {
  const records = csvRecords(text.replace(/^\uFEFF/, ''));
  const header = records.shift()?.map((h) => h.trim().toLowerCase());
  const want = ['code', 'name', 'full_name', 'name_en', 'type', 'parent_code'];
  if (!header || want.some((w) => !header.includes(w))) throw invalid(`dòng tiêu đề phải có các cột ${want.join(',')}`);
  const col = (r: string[], name: string) => (r[header.indexOf(name)] ?? '').trim().normalize('NFC');
  return records.map((r, i) => {
    const line = i + 2;
    const code = col(r, 'code');
    if (!/^\d{2}$|^\d{5}$/.test(code)) throw invalid(`dòng ${line}: mã "${code}" phải gồm 2 hoặc 5 chữ số`);
    const type = col(r, 'type') as UnitType;
    if (!TYPES.includes(type)) throw invalid(`dòng ${line}: loại "${type}" không hợp lệ (${TYPES.join(', ')})`);
    const name = col(r, 'name');
    const fullName = col(r, 'full_name');
    if (!name || !fullName) throw invalid(`dòng ${line}: thiếu tên`);
    const parent = col(r, 'parent_code') || null;
    if (code.length === 5 && !parent) throw invalid(`dòng ${line}: xã/phường ${code} cần mã tỉnh cấp trên`);
    return { code, name, fullName, nameEn: col(r, 'name_en') || null, type, parentCode: parent };
  });
}

export function parseUnitList(text: string, format?: 'json' | 'csv'): ImportRow[] {
  const f = format ?? (text.trimStart().startsWith('[') ? 'json' : 'csv');
  const rows = f === 'json' ? parseJsonList(text) : parseCsvList(text);
  if (!rows.length) throw invalid('tệp không có đơn vị nào');
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.code)) throw invalid(`mã ${r.code} xuất hiện hai lần`);
    seen.add(r.code);
  }
  return rows;
}

const BATCH = 500;

export async function importUnits(
  k: Kernel,
  ctx: Ctx,
  text: string,
  opts: { format?: 'json' | 'csv'; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportResult> {
  const rows = parseUnitList(text, opts.format);
  // Parents first, so each commune finds its province (in the file or already stored).
  rows.sort((a, b) => a.code.length - b.code.length || a.code.localeCompare(b.code));
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, total: rows.length };
  await transaction(k.db, async (tx) => {
    const known = new Map<string, { id: string; path: string }>();
    for (let i = 0; i < rows.length; i += BATCH) {
      const batch = rows.slice(i, i + BATCH);
      const codes = [...new Set(batch.flatMap((r) => (r.parentCode ? [r.code, r.parentCode] : [r.code])))].filter((c) => !known.has(c));
      const existing = new Map((await repo.unitsByCodes(tx, codes)).map((u) => [u.code, u]));
      for (const u of existing.values()) known.set(u.code, { id: u.id, path: u.path });
      for (const r of batch) {
        const parent = r.parentCode ? known.get(r.parentCode) : undefined;
        if (r.parentCode && !parent) throw invalid(`không có đơn vị cấp trên ${r.parentCode} của ${r.code}`);
        const path = parent ? `${parent.path}.${r.code}` : r.code;
        const cur = existing.get(r.code);
        if (!cur) {
          const id = await repo.insertUnit(tx, { code: r.code, name: r.name, full_name: r.fullName, name_en: r.nameEn, type: r.type, parent_id: parent?.id ?? null, path });
          known.set(r.code, { id, path });
          result.created++;
        } else if (cur.name !== r.name || cur.full_name !== r.fullName || cur.name_en !== r.nameEn || cur.type !== r.type || cur.parent_id !== (parent?.id ?? null) || cur.path !== path) {
          await repo.updateUnit(tx, cur.id, { name: r.name, full_name: r.fullName, name_en: r.nameEn, type: r.type, parent_id: parent?.id ?? null, path });
          known.set(r.code, { id: cur.id, path });
          result.updated++;
        } else {
          result.unchanged++;
        }
      }
      opts.onProgress?.(Math.min(i + BATCH, rows.length), rows.length);
    }
    if (result.created || result.updated) {
      await k.audit.record(tx, ctx, {
        action: 'org.unit.import',
        entity: 'org_unit',
        after: { ...result, sha256: createHash('sha256').update(text).digest('hex') },
      });
    }
  });
  return result;
}
