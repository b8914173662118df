import type { Kernel } from '../../kernel/index.js';

/**
 * The open-data registry: each dataset is declared as data (metadata, columns
 * and a row generator reading live data through other modules' index.ts).
 * Registrations belong to a kernel, not to the process, so two kernels (two
 * tests, two tenants) never see each other's datasets. Other modules add
 * theirs with `registerDataset` from exchange's index.ts in their `handlers`.
 */

export type FieldType = 'text' | 'int' | 'numeric' | 'date';
export type Cell = string | number | null;
export type Row = Record<string, Cell>;

export interface DatasetField {
  id: string;
  type: FieldType;
  label: string;
  labelEn: string;
}

export const LICENCES = {
  'CC-BY-4.0': { title: 'Creative Commons Ghi công 4.0 Quốc tế (CC BY 4.0)', titleEn: 'Creative Commons Attribution 4.0 International', url: 'https://creativecommons.org/licenses/by/4.0/' },
  'CC0-1.0': { title: 'CC0 1.0 — Dành cho công chúng', titleEn: 'CC0 1.0 Universal Public Domain Dedication', url: 'https://creativecommons.org/publicdomain/zero/1.0/' },
} as const;
export type LicenceId = keyof typeof LICENCES;

export const FREQUENCIES = {
  daily: { label: 'Hằng ngày', ms: 86_400_000, eu: 'DAILY' },
  weekly: { label: 'Hằng tuần', ms: 7 * 86_400_000, eu: 'WEEKLY' },
  monthly: { label: 'Hằng tháng', ms: 30 * 86_400_000, eu: 'MONTHLY' },
} as const;
export type Frequency = keyof typeof FREQUENCIES;

export interface DatasetDef {
  /** Stable address: /du-lieu-mo/{id}, CKAN name. */
  id: string;
  title: { vi: string; en: string };
  description: { vi: string; en: string };
  licence: LicenceId;
  frequency: Frequency;
  /** Code of the publishing agency (org module). */
  publisher: string;
  tags: string[];
  fields: DatasetField[];
  /** Columns for the page's bar chart: `value` summed by `label`, or rows counted by `label` when no value. */
  chart?: { label: string; value?: string };
  /** The rows, from live data. Aggregates and public facts only. */
  rows(k: Kernel): Promise<Row[]>;
}

const ID_RE = /^[a-z0-9][a-z0-9-]{1,99}$/;
const FIELD_RE = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * Column names that would hold facts about a person (Decree 13/2023, Law
 * 91/2025): a dataset declaring one is refused at registration, before any
 * data is read. Values are checked again at generation (see personalDataIn).
 */
const PERSONAL_FIELD = /(^|_)(ho_ten|ten_nguoi|nguoi_nop|cong_dan|applicant|full_name|person|cccd|cmnd|so_dinh_danh|id_number|personal_id|email|phone|dien_thoai|sdt|dia_chi|address|ngay_sinh|birth|gioi_tinh|gender)(_|$)/;

const registries = new WeakMap<Kernel, Map<string, DatasetDef>>();

function registry(k: Kernel): Map<string, DatasetDef> {
  let r = registries.get(k);
  if (!r) registries.set(k, (r = new Map()));
  return r;
}

/** Adds a dataset to the catalogue; a malformed declaration is a programming error and throws at start-up. */
export function registerDataset(k: Kernel, def: DatasetDef): void {
  if (!ID_RE.test(def.id)) throw new Error(`Dataset id ${def.id}: lower-case letters, digits and hyphens`);
  const r = registry(k);
  if (r.has(def.id)) throw new Error(`Dataset ${def.id} is registered twice`);
  if (!def.fields.length) throw new Error(`Dataset ${def.id} declares no column`);
  const seen = new Set<string>();
  for (const f of def.fields) {
    if (!FIELD_RE.test(f.id)) throw new Error(`Dataset ${def.id}: column ${f.id} is not a valid name`);
    if (seen.has(f.id)) throw new Error(`Dataset ${def.id}: column ${f.id} twice`);
    if (PERSONAL_FIELD.test(f.id)) throw new Error(`Dataset ${def.id}: column ${f.id} would publish personal data`);
    seen.add(f.id);
  }
  if (def.chart && (!seen.has(def.chart.label) || (def.chart.value !== undefined && !seen.has(def.chart.value)))) throw new Error(`Dataset ${def.id}: chart columns must be declared`);
  if (!(def.licence in LICENCES)) throw new Error(`Dataset ${def.id}: unknown licence ${def.licence}`);
  r.set(def.id, def);
}

export function datasetDefs(k: Kernel): DatasetDef[] {
  return [...registry(k).values()];
}

export function datasetDef(k: Kernel, id: string): DatasetDef | undefined {
  return registry(k).get(id);
}

const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
// 9- or 12-digit identity numbers, Vietnamese mobile and landline numbers, alone or inside text.
const ID_NUMBER = /(^|\D)(\d{12}|\d{9})(\D|$)/;
const PHONE = /(^|\D)(\+?84|0)(\d[\s.-]?){8,9}\d(\D|$)/;

/**
 * Free text made publishable: whatever looks like an e-mail address, ID number or phone number
 * (the patterns the generation check refuses) replaced by "[đã ẩn]".
 */
export function maskPersonal(text: string): string {
  const g = (re: RegExp) => new RegExp(re.source, `${re.flags}g`);
  let out = text.replace(g(EMAIL), '[đã ẩn]');
  // Adjacent numbers share the character between them: repeat until none is left.
  for (let i = 0; i < 50 && (PHONE.test(out) || ID_NUMBER.test(out)); i++) {
    out = out
      .replace(g(PHONE), (_m, pre: string, _p, _d, post: string) => `${pre}[đã ẩn]${post}`)
      .replace(g(ID_NUMBER), (_m, pre: string, _d, post: string) => `${pre}[đã ẩn]${post}`);
  }
  return out;
}

/** The first cell that looks like personal data, if any: e-mail, ID number or phone number in a text column. */
export function personalDataIn(fields: DatasetField[], rows: Row[]): { field: string; row: number } | null {
  const text = fields.filter((f) => f.type === 'text');
  for (let i = 0; i < rows.length; i++) {
    for (const f of text) {
      const v = rows[i]![f.id];
      if (typeof v === 'string' && (EMAIL.test(v) || ID_NUMBER.test(v) || PHONE.test(v))) return { field: f.id, row: i + 1 };
    }
  }
  return null;
}
