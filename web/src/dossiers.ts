/**
 * Dossiers (hồ sơ thủ tục hành chính) on the web: the shapes the server returns
 * (server/src/modules/services/http.ts) and small helpers shared by the pages.
 * State and action labels are the server's (dossier.workflow.ts), copied into
 * the i18n files under `dossier.state.*` / `dossier.action.*` so English works;
 * the server's own label is the fallback for anything new.
 */
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { ApiError, get } from './api';

import type { DossierSummary as ServerDossierSummary, DossierView as ServerDossierView, TrackingView as ServerTracking } from '../../server/src/modules/services/dossier.service';

export type Json = Record<string, unknown>;

export interface JsonSchemaProp {
  type?: 'string' | 'integer' | 'number' | 'boolean';
  title?: string;
  description?: string;
  enum?: (string | number)[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export interface FormSchema {
  type: 'object';
  title?: string;
  required?: string[];
  properties: Record<string, JsonSchemaProp>;
}

export interface Component {
  key: string;
  name: string;
  required: boolean;
  form: FormSchema | null;
  attachment: { types: string[]; min: number; max: number } | null;
  template?: string | null;
}

export interface Procedure {
  code: string;
  name: string;
  level: 'province' | 'commune';
  agencyCode: string | null;
  methods: ('online' | 'desk' | 'post')[];
  components: Component[];
  timeLimit: { days: number } | { hours: number };
  timeLimitNote?: string;
  fees: { name: string; amount: number; when: 'submission' | 'result'; note?: string }[];
  result: string;
}

export interface ProcedureDetail {
  version: number;
  currentVersion: number;
  procedure: Procedure;
}

export interface FileView {
  id: string;
  component: string;
  name: string;
  mime: string;
  size: number;
  kind?: string;
  addedAt: string;
}

export interface Applicant {
  name?: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
}

export type FormValue = string | number | boolean | null;

export interface Draft {
  id: string;
  procedure: { code: string; version: number; name: string };
  unitCode: string | null;
  applicant: Applicant;
  forms: Record<string, Record<string, FormValue>>;
  files: FileView[];
  version: number;
  dossierId: string | null;
  updatedAt: string;
}

/**
 * The dossier views are the server's own types (server/src/modules/services/dossier.service.ts,
 * checked against the routes' Zod schemas), as they travel in JSON: dates become strings. Imported
 * as types only, so nothing of the server enters the bundle, and a change there that the web does
 * not follow fails the type check instead of drifting.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends Record<string, unknown>
      ? { [K in keyof T]: Wire<T[K]> }
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export type DossierSummary = Wire<ServerDossierSummary>;
export type Dossier = Wire<ServerDossierView>;
export type HistoryEntry = Dossier['history'][number];
export type JointStep = Dossier['joint']['steps'][number];
export type JointPlanStep = Omit<Dossier['joint']['plan'][number], 'stepNo'>;
export type Tracking = Wire<ServerTracking>;

/** A procedure, the current version or the one a dossier pinned. */
export function useProcedure(code: string | undefined, version?: number) {
  return useQuery({
    queryKey: ['procedure', code, version ?? 'current'],
    queryFn: () => get<ProcedureDetail>(`/api/procedures/${encodeURIComponent(code!)}${version ? `?version=${version}` : ''}`),
    enabled: !!code,
    staleTime: 5 * 60_000,
  });
}

export const stateLabel = (t: TFunction, state: string, fallback?: string) => t(`dossier.state.${state}`, { defaultValue: fallback ?? state });
export const actionLabel = (t: TFunction, action: string, fallback?: string) => t(`dossier.action.${action}`, { defaultValue: fallback ?? action });

/** Badge colour per state (dark shades keep AA contrast on the light badge). */
export function stateColor(state: string): string {
  switch (state) {
    case 'submitted':
      return 'blue';
    case 'processing':
    case 'joint':
    case 'reviewing':
      return 'indigo';
    case 'supplementing':
      return 'orange';
    case 'approved':
    case 'returned':
      return 'green';
    default:
      return 'gray';
  }
}

export function fmtDate(v: string | null | undefined, withTime = false): string {
  if (!v) return '—';
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  const day = { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' } as const;
  return withTime ? d.toLocaleString('vi-VN', { ...day, hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString('vi-VN', day);
}

export const fmtMoney = (n: number) => `${n.toLocaleString('vi-VN')} đ`;

export function limitText(t: TFunction, l: Procedure['timeLimit']): string {
  return 'days' in l ? t('procedures.days', { n: l.days }) : t('procedures.hours', { n: l.hours });
}

/** The server's field errors whose path starts with `prefix` (e.g. `body.forms.to_khai.`), keyed by the rest. */
export function fieldErrors(error: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const f of error.fields) if (f.field.startsWith(prefix) && !(f.field.slice(prefix.length) in out)) out[f.field.slice(prefix.length)] = f.message;
  return out;
}

export function errorAt(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fields.find((f) => f.field === field)?.message : undefined;
}

/** The file type to send: the browser's, or guessed from the name when the browser gives none. */
export function fileType(f: File): string {
  if (f.type) return f.type;
  const ext = f.name.toLowerCase().split('.').pop();
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : 'application/octet-stream';
}

export const typeNames: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };

export function fileSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

/**
 * A form's properties in display order. The catalogue stores procedures as
 * JSONB, which does not keep key order, so the required fields come first in
 * the order of `required` (an array keeps its order), then the others.
 */
export function orderedProps(schema: FormSchema): [string, JsonSchemaProp][] {
  const req = (schema.required ?? []).filter((k) => k in schema.properties);
  const rest = Object.keys(schema.properties).filter((k) => !req.includes(k));
  return [...req, ...rest].map((k) => [k, schema.properties[k]!]);
}
