import type { Kernel } from '../../kernel/index.js';
import { type CkanOrganization, datasetOfResource, organizationOf, orgName, packageOf, paramError } from './ckan.js';
import type { DatasetField } from './datasets.js';
import { exchangeErrors } from './errors.js';
import * as repo from './opendata.repo.js';

/** The CKAN actions over the open-data tables. Parameters arrive checked by Zod; the query languages (fq, sort) are parsed here. */

export const FACET_FIELDS = ['organization', 'tags', 'license_id', 'res_format', 'frequency'] as const;
type FacetField = (typeof FACET_FIELDS)[number];

export async function packageList(k: Kernel, p: { limit?: number; offset: number }): Promise<string[]> {
  const all = (await repo.datasets(k.db)).map((d) => d.id);
  return all.slice(p.offset, p.limit === undefined ? undefined : p.offset + p.limit);
}

export async function packageShow(k: Kernel, id: string) {
  const d = await repo.dataset(k.db, id);
  if (!d) throw exchangeErrors.datasetNotFound(id);
  return packageOf(k, d, await organizationOf(k, d.publisher));
}

export async function organizationList(k: Kernel, p: { all_fields: boolean; limit?: number; offset: number; sort: string }): Promise<string[] | CkanOrganization[]> {
  const counts = new Map<string, number>();
  for (const d of await repo.datasets(k.db)) counts.set(d.publisher, (counts.get(d.publisher) ?? 0) + 1);
  const cache = new Map<string, CkanOrganization>();
  const orgs: CkanOrganization[] = [];
  for (const [code, n] of counts) orgs.push({ ...(await organizationOf(k, code, cache)), package_count: n });
  const [key, dir] = p.sort.split(/\s+/) as [string, string | undefined];
  orgs.sort((a, b) => (key === 'package_count' ? a.package_count! - b.package_count! : (key === 'title' ? a.title : a.name).localeCompare(key === 'title' ? b.title : b.name, 'vi')));
  if (dir === 'desc') orgs.reverse();
  const page = orgs.slice(p.offset, p.limit === undefined ? undefined : p.offset + p.limit);
  return p.all_fields ? page : page.map((o) => o.name);
}

// ——— package_search ———

const FQ_TERM = /^([+]?)([a-z_]+):(?:"([^"\\]{1,200})"|([\p{L}\p{N}._-]{1,200}))$/u;

/** Parses the subset of Solr filter syntax CKAN clients send: `field:value`, `field:"quoted value"`, joined by spaces or AND. */
export function parseFq(fq: string | undefined): repo.PackageFilter['fq'] {
  const out: repo.PackageFilter['fq'] = {};
  if (!fq || !fq.trim()) return out;
  const terms = fq.match(/[+]?[a-z_]+:(?:"[^"]*"|[^\s"()]+)|\S+/g) ?? [];
  for (const t of terms) {
    if (t === 'AND' || t === '&&') continue;
    const m = FQ_TERM.exec(t);
    if (!m) throw paramError('fq', `Không hiểu điều kiện lọc "${t.slice(0, 60)}"; dùng dạng trường:giá_trị, ví dụ organization:vpub hoặc tags:"dịch vụ công"`);
    const field = m[2]!;
    const value = m[3] ?? m[4]!;
    // Harvesters add these; every dataset here is a public dataset.
    if ((field === 'dataset_type' && value === 'dataset') || (field === 'capacity' && value === 'public') || (field === 'state' && value === 'active')) continue;
    if (field === 'dataset_type' || field === 'capacity' || field === 'state') {
      (out.organization ??= []).push('\u0000');
      continue;
    }
    if (field === 'name' || field === 'id') {
      (out.names ??= []).push(value);
      continue;
    }
    if (!(FACET_FIELDS as readonly string[]).includes(field)) {
      throw paramError('fq', `Không lọc được theo trường "${field}"; các trường lọc được: ${FACET_FIELDS.join(', ')}, name`);
    }
    const key = field as FacetField;
    (out[key] ??= []).push(value);
  }
  return out;
}

const SORTABLE: Record<string, repo.PackageFilter['sort'][number]['column'] | null> = {
  score: null, metadata_modified: 'modified_at', metadata_created: 'created_at', name: 'id', title_string: 'title',
};

export function parseSort(sort: string | undefined): repo.PackageFilter['sort'] {
  const s = (sort ?? 'score desc, metadata_modified desc').trim();
  const out: repo.PackageFilter['sort'] = [];
  for (const part of s.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^([a-z_]+)(?:\s+(asc|desc))?$/.exec(part);
    if (!m || !(m[1]! in SORTABLE)) throw paramError('sort', `Không sắp xếp được theo "${part.slice(0, 60)}"; dùng: ${Object.keys(SORTABLE).join(', ')} kèm asc hoặc desc`);
    out.push({ column: SORTABLE[m[1]!] ?? 'score', dir: (m[2] ?? (m[1] === 'score' ? 'desc' : 'asc')) as 'asc' | 'desc' });
  }
  return out;
}

/** Free-text words of q; `*:*` (everything) and Solr punctuation are not words. */
export function wordsOf(q: string | undefined): string[] {
  if (!q || q.trim() === '*:*') return [];
  return q.replace(/[\\/:"'()[\]{}^~*?!&|+]/g, ' ').split(/\s+/).filter((w) => w && w !== '-' && !['AND', 'OR', 'NOT'].includes(w)).slice(0, 12);
}

export async function packageSearch(k: Kernel, p: { q?: string; fq?: string; rows: number; start: number; sort?: string; 'facet.field'?: string[]; facet: boolean; 'facet.limit': number }) {
  const filter: repo.PackageFilter = { words: wordsOf(p.q), fq: parseFq(p.fq), sort: parseSort(p.sort), rows: p.rows, start: p.start };
  const found = await repo.searchPackages(k.db, filter);
  const cache = new Map<string, CkanOrganization>();
  const results = [];
  for (const d of found.rows) results.push(packageOf(k, d, await organizationOf(k, d.publisher, cache)));
  const facets: Record<string, Record<string, number>> = {};
  const searchFacets: Record<string, { title: string; items: { name: string; display_name: string; count: number }[] }> = {};
  const fields = p.facet ? (p['facet.field'] ?? []) : [];
  for (const field of fields) {
    if (!(FACET_FIELDS as readonly string[]).includes(field)) throw paramError('facet.field', `Không thống kê được theo trường "${String(field).slice(0, 60)}"; dùng: ${FACET_FIELDS.join(', ')}`);
    let items: { name: string; display_name: string; count: number }[];
    if (field === 'res_format') {
      items = found.count ? ['CSV', 'JSON'].map((f) => ({ name: f, display_name: f, count: found.count })) : [];
    } else {
      const rows = await repo.packageFacets(k.db, filter, field as Exclude<FacetField, 'res_format'>);
      items = [];
      for (const r of rows) {
        const display = field === 'organization' ? (await organizationOf(k, r.value.toUpperCase(), cache)).title : r.value;
        items.push({ name: r.value, display_name: display, count: r.n });
      }
    }
    if (p['facet.limit'] >= 0) items = items.slice(0, p['facet.limit']);
    facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]));
    searchFacets[field] = { title: field, items };
  }
  return { count: found.count, sort: p.sort ?? 'score desc, metadata_modified desc', facets, search_facets: searchFacets, results };
}

// ——— datastore_search ———

/**
 * Above this many matching rows (by the planner's estimate) the total is
 * estimated, not counted, unless the client asks for a higher threshold
 * (CKAN's `total_estimation_threshold`; CKAN counts by default, and so do we
 * up to here, which covers any result a client will page through).
 */
export const DEFAULT_TOTAL_ESTIMATION_THRESHOLD = 100_000;

type Scalar = string | number | boolean | null;

function typed(f: DatasetField, v: Scalar): string | number | null {
  if (v === null) return null;
  if (f.type === 'int' || f.type === 'numeric') {
    const n = typeof v === 'number' ? v : Number(v);
    if (typeof v === 'boolean' || (typeof v === 'string' && !v.trim()) || !Number.isFinite(n) || (f.type === 'int' && !Number.isSafeInteger(n))) {
      throw paramError(`filters.${f.id}`, `Cột ${f.id} là số; "${String(v).slice(0, 40)}" không phải số`);
    }
    return n;
  }
  return String(v);
}

export async function datastoreSearch(
  k: Kernel,
  p: { resource_id: string; filters?: Record<string, Scalar | Scalar[]>; q?: string; limit: number; offset: number; sort?: string; fields?: string | string[]; include_total: boolean; total_estimation_threshold?: number },
) {
  const datasetId = datasetOfResource(p.resource_id);
  const d = await repo.dataset(k.db, datasetId);
  if (!d) throw exchangeErrors.resourceNotFound(p.resource_id);
  const byId = new Map(d.fields.map((f) => [f.id, f]));
  const filters: Record<string, (string | number | null)[]> = {};
  for (const [key, value] of Object.entries(p.filters ?? {})) {
    const f = byId.get(key);
    if (!f) throw paramError('filters', `Không có cột "${key.slice(0, 60)}" trong tài nguyên ${p.resource_id}`);
    const values = Array.isArray(value) ? value : [value];
    if (!values.length || values.length > 100) throw paramError(`filters.${key}`, 'Từ 1 đến 100 giá trị cho mỗi cột');
    filters[key] = values.map((v) => typed(f, v));
  }
  const sort: { field: string; dir: 'asc' | 'desc' }[] = [];
  for (const part of (p.sort ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^"?([A-Za-z_][A-Za-z0-9_]*)"?(?:\s+(asc|desc))?$/i.exec(part);
    if (!m || (m[1] !== '_id' && !byId.has(m[1]!))) throw paramError('sort', `Không sắp xếp được theo "${part.slice(0, 60)}"; dùng tên cột kèm asc hoặc desc`);
    sort.push({ field: m[1]!, dir: (m[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc' });
  }
  const wanted = p.fields === undefined ? null : (Array.isArray(p.fields) ? p.fields : p.fields.split(',')).map((x) => x.trim()).filter(Boolean);
  for (const w of wanted ?? []) if (w !== '_id' && !byId.has(w)) throw paramError('fields', `Không có cột "${w.slice(0, 60)}"`);
  const query = { table: d.store_table ?? '', fields: d.fields, filters, q: p.q?.trim() || undefined, sort, limit: p.limit, offset: p.offset };
  const records = d.store_table ? await repo.searchRows(k.db, query) : [];
  // The total: the row count when nothing narrows the rows; otherwise counted, unless the
  // planner's estimate is above the threshold (CKAN's total_estimation_threshold), then estimated.
  let total: number | undefined;
  let estimated = false;
  if (p.include_total) {
    if (!d.store_table) total = 0;
    else if (!query.q && !Object.keys(filters).length) total = d.row_count;
    else if (p.offset === 0 && records.length < p.limit) total = records.length;
    else {
      const threshold = p.total_estimation_threshold ?? DEFAULT_TOTAL_ESTIMATION_THRESHOLD;
      const estimate = await repo.estimateRows(k.db, query);
      if (estimate > threshold) [total, estimated] = [Math.max(estimate, p.offset + records.length), true];
      else total = await repo.countRows(k.db, query);
    }
  }
  const cols = [{ id: '_id', type: 'int', info: { label: 'Số thứ tự' } }, ...d.fields.map((f) => ({ id: f.id, type: f.type, info: { label: f.label, label_en: f.labelEn } }))]
    .filter((c) => !wanted || wanted.includes(c.id));
  const shown = wanted ? records.map((rec) => Object.fromEntries(wanted.map((w) => [w, rec[w] ?? null]))) : records;
  const base = `/api/3/action/datastore_search?resource_id=${encodeURIComponent(p.resource_id)}${p.limit !== 100 ? `&limit=${p.limit}` : ''}`;
  return {
    resource_id: p.resource_id,
    fields: cols,
    records: shown,
    records_format: 'objects' as const,
    limit: p.limit,
    offset: p.offset,
    ...(total !== undefined ? { total } : {}),
    total_was_estimated: estimated,
    include_total: p.include_total,
    ...(p.filters ? { filters: p.filters } : {}),
    ...(p.q ? { q: p.q } : {}),
    ...(p.sort ? { sort: p.sort } : {}),
    _links: { start: base, next: `${base}&offset=${p.offset + p.limit}` },
  };
}



// ——— organization_show, resource_show, status_show ———

/** One publishing agency by name (agency code in lower case) or id, with its datasets when asked. */
export async function organizationShow(k: Kernel, p: { id: string; include_datasets: boolean }) {
  const all = await repo.datasets(k.db);
  const id = p.id.trim();
  const mine = all.filter((d) => orgName(d.publisher) === id.toLowerCase());
  let org = mine.length ? await organizationOf(k, mine[0]!.publisher) : undefined;
  if (!org) {
    // By id (the agency's uuid): only an agency that publishes something is an organization here.
    for (const code of new Set(all.map((d) => d.publisher))) {
      const o = await organizationOf(k, code);
      if (o.id === id) {
        org = o;
        mine.push(...all.filter((d) => d.publisher === code));
        break;
      }
    }
  }
  if (!org) throw exchangeErrors.organizationNotFound(id.slice(0, 100));
  return {
    ...org, package_count: mine.length, users: [], extras: [], groups: [], tags: [],
    ...(p.include_datasets ? { packages: mine.slice(0, 1000).map((d) => packageOf(k, d, org!)) } : {}),
  };
}

/** One resource (CSV or JSON of a dataset), as in package_show's resources. */
export async function resourceShow(k: Kernel, id: string) {
  const m = /^(.+)-(csv|json)$/.exec(id);
  const d = m ? await repo.dataset(k.db, m[1]!) : undefined;
  if (!m || !d) throw exchangeErrors.resourceNotFound(id.slice(0, 120));
  return packageOf(k, d, await organizationOf(k, d.publisher)).resources.find((r) => r.id === id)!;
}

/** What CKAN clients read to recognise the site and its API. */
export function statusShow(k: Kernel) {
  return {
    site_title: 'Cổng dữ liệu mở — Cổng số Ninh Bình', site_description: 'Dữ liệu mở sinh từ dữ liệu vận hành, không có dữ liệu cá nhân',
    site_url: k.config.publicUrl, ckan_version: '2.10.0', error_emails_to: null, locale_default: 'vi',
    extensions: ['datastore', 'dcat'],
  };
}
