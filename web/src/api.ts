/** The only way the web app talks to the server: the HTTP API, with the session cookie and CSRF token. */

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    public detail: string,
    public fields: FieldError[] = [],
    public extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
  /** The message for one form field (`email` matches `body.email`). */
  field(name: string): string | undefined {
    return this.fields.find((f) => f.field === `body.${name}` || f.field === name)?.message;
  }
}

function csrfToken(): string | undefined {
  return document.cookie
    .split('; ')
    .find((c) => c.startsWith('congso_csrf='))
    ?.slice('congso_csrf='.length);
}

export async function api<T = unknown>(method: string, url: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': document.documentElement.lang || 'vi' };
  const raw = body instanceof Blob;
  if (body !== undefined) headers['content-type'] = raw ? body.type || 'application/octet-stream' : 'application/json';
  if (method !== 'GET') {
    const t = csrfToken();
    if (t) headers['x-csrf-token'] = decodeURIComponent(t);
  }
  Object.assign(headers, extraHeaders);
  const res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : raw ? body : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const p = (typeof data === 'object' && data) || {};
    const { status, code, detail, errors, ...extra } = p as Record<string, unknown>;
    void status;
    throw new ApiError(res.status, String(code ?? 'ERROR'), String(detail ?? res.statusText), (errors as FieldError[]) ?? [], extra);
  }
  return data as T;
}

export const get = <T>(url: string) => api<T>('GET', url);
export const post = <T>(url: string, body?: unknown, headers?: Record<string, string>) => api<T>('POST', url, body ?? {}, headers);
export const put = <T>(url: string, body?: unknown) => api<T>('PUT', url, body ?? {});
export const patch = <T>(url: string, body?: unknown) => api<T>('PATCH', url, body ?? {});
export const del = <T>(url: string) => api<T>('DELETE', url);
/** Sends a file as the raw request body (Content-Type = the file's type). */
export const upload = <T>(url: string, file: Blob) => api<T>('POST', url, file);
/** A fresh key for one user intent (submit, an action); reuse it when retrying the same intent. */
export const newIdempotencyKey = () => `web-${crypto.randomUUID()}`;

export interface Me {
  id: string;
  kind: 'citizen' | 'business' | 'official';
  name: string;
  email: string | null;
  phone: string | null;
  identifier: string;
  agency: { id: string; name: string } | null;
  roles: { id: string; role: string; roleName: string; unitPath: string | null; unitName: string | null; agencyId: string | null }[];
  actions: string[];
  csrfToken: string;
  totpEnabled: boolean;
}

export function allows(me: Me | null | undefined, action: string): boolean {
  if (!me) return false;
  return me.actions.some((a) => a === '*' || a === action || (a.endsWith('.*') && action.startsWith(a.slice(0, -1))));
}
