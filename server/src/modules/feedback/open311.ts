import { createHash, randomBytes } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import { AppError, messageOf } from '../../kernel/errors.js';
import type { Kernel } from '../../kernel/index.js';
import { feedbackErrors } from './errors.js';
import * as repo from './report.repo.js';
import type { ReportRow } from './report.repo.js';
import { isPublicReport, type SubmitInput } from './report.service.js';
import { OPEN_STATES, reportCaseType } from './report.workflow.js';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the shapes of
 * its documents, in JSON and XML, and its error list. Only feedback and
 * petitions are served; complaints and denunciations never leave congso this way.
 */

export type Format = 'json' | 'xml';
export const SPEC = 'http://wiki.open311.org/GeoReport_v2';

const stateLabel = (s: string) => (reportCaseType.labels as Record<string, string>)[s] ?? s;
const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : null);

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** Issues an API key for a partner app; only its hash is stored. */
export async function issueKey(k: Kernel, client: string): Promise<string> {
  const key = randomBytes(24).toString('base64url');
  await repo.addApiKey(k.db, hashKey(key), client);
  return key;
}

export async function clientOf(k: Kernel, key: string | undefined): Promise<string> {
  const client = key ? await repo.apiKeyClient(k.db, hashKey(key)) : null;
  if (!client) throw feedbackErrors.apiKey();
  return client;
}

export function discovery(publicUrl: string) {
  return {
    changeset: '2026-11-23T00:00:00Z',
    contact: 'Văn phòng UBND tỉnh — Bộ phận tiếp nhận phản ánh, kiến nghị',
    key_service: `${publicUrl}/lam-viec`,
    endpoints: [{ specification: SPEC, url: `${publicUrl}/open311/v2`, changeset: '2026-11-23T00:00:00Z', type: 'production', formats: ['application/json', 'text/xml'] }],
  };
}

export async function services(k: Kernel) {
  return (await repo.categories(k.db)).filter((c) => c.kind === 'pakn').map((c) => ({
    service_code: c.code, service_name: c.name, description: c.name_en ?? c.name, metadata: false, type: 'realtime',
    keywords: c.urgent ? 'khẩn cấp' : '', group: c.urgent ? 'Khẩn cấp' : 'Phản ánh, kiến nghị',
  }));
}

export async function serviceDefinition(k: Kernel, code: string) {
  const c = await repo.category(k.db, code);
  if (!c || c.kind !== 'pakn' || !c.active) throw feedbackErrors.category(code);
  return { service_code: c.code, attributes: [] as unknown[] };
}

export function requestView(r: ReportRow, serviceName: string, publicUrl: string) {
  const closed = !OPEN_STATES.includes(r.state);
  return {
    service_request_id: r.code,
    status: closed ? 'closed' : 'open',
    status_notes: r.published_at && r.answer ? r.answer : stateLabel(r.state),
    service_name: serviceName,
    service_code: r.category_code,
    description: r.body,
    agency_responsible: r.unit_code ? `UBND ${r.unit_code}` : 'UBND tỉnh',
    service_notice: '',
    requested_datetime: iso(r.created_at),
    updated_datetime: iso(r.updated_at),
    expected_datetime: iso(r.due_at),
    address: r.address ?? '',
    address_id: '',
    zipcode: '',
    lat: r.lat,
    long: r.lon,
    media_url: `${publicUrl}/api/feedback/public/${r.code}/photos/1`,
  };
}

/** What an Open311 POST /requests carries, as congso's submission input. */
export function submitInputOf(p: Record<string, string | undefined>, client: string): SubmitInput {
  const name = [p.first_name, p.last_name].filter(Boolean).join(' ').trim();
  const desc = (p.description ?? '').trim();
  return {
    categoryCode: p.service_code ?? '',
    title: desc.split(/[.\n]/)[0]!.slice(0, 120) || 'Phản ánh qua ứng dụng',
    body: desc,
    lat: p.lat !== undefined ? Number(p.lat) : null,
    lon: p.long !== undefined ? Number(p.long) : null,
    address: p.address_string?.trim() || null,
    channel: 'open311',
    reporter: { name: name || 'Người dùng ứng dụng', email: p.email || null, phone: p.phone || null },
    open311Client: client,
  };
}

export async function requests(k: Kernel, q: { ids?: string[]; serviceCode?: string; start?: Date; end?: Date; status?: 'open' | 'closed' }) {
  const cats = new Map((await repo.categories(k.db, false)).map((c) => [c.code, c.name]));
  const rows = q.ids ? (await Promise.all(q.ids.map((id) => repo.reportByCode(k.db, id)))).filter((r): r is ReportRow => !!r) : await repo.open311List(k.db, q);
  return rows.filter(isPublicReport).map((r) => requestView(r, cats.get(r.category_code) ?? r.category_code, k.config.publicUrl));
}

// ——— Rendering ———

const XML_ROOTS: Record<string, [string, string]> = {
  services: ['services', 'service'],
  requests: ['service_requests', 'request'],
  tokens: ['service_requests', 'request'],
  definition: ['service_definition', ''],
  discovery: ['discovery', ''],
  errors: ['errors', 'error'],
  created: ['service_requests', 'request'],
};

const builder = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });

/** One Open311 document as JSON or XML (arrays become repeated elements under the list's root). */
export function render(kind: keyof typeof XML_ROOTS, body: unknown, format: Format): string {
  if (format === 'json') return JSON.stringify(body);
  const [root, item] = XML_ROOTS[kind]!;
  const clean = (v: unknown): unknown => (v === null || v === undefined ? '' : Array.isArray(v) ? v.map(clean) : typeof v === 'object' ? Object.fromEntries(Object.entries(v as object).map(([a, b]) => [a, clean(b)])) : v);
  let doc: unknown;
  if (kind === 'discovery') {
    const d = body as ReturnType<typeof discovery>;
    doc = { discovery: { ...d, endpoints: { endpoint: d.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) } } };
  } else if (kind === 'definition') {
    const d = body as { service_code: string; attributes: unknown[] };
    doc = { service_definition: { service_code: d.service_code, attributes: { attribute: d.attributes } } };
  } else doc = { [root]: { [item]: clean(body) } };
  return `<?xml version="1.0" encoding="utf-8"?>${builder.build(clean(doc))}`;
}

/** The standard's error list for an error: [{code, description}], with the HTTP status. */
export function errorList(e: unknown): { status: number; body: { code: number; description: string }[] } {
  if (e instanceof AppError) {
    const status = e.status;
    const fields = e.fields?.map((f) => `${f.field}: ${f.message}`) ?? [];
    const description = [messageOf(e.code, e.params, 'vi'), ...fields].join('; ');
    return { status, body: [{ code: status, description }] };
  }
  return { status: 500, body: [{ code: 500, description: 'Lỗi máy chủ' }] };
}
