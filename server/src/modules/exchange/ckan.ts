import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, messageOf } from '../../kernel/errors.js';
import type { App } from '../../kernel/http/app.js';
import { pickLang, zodFieldErrors } from '../../kernel/http/problems.js';
import type { Kernel } from '../../kernel/index.js';
import { getAgencyByCode } from '../org/index.js';
import { LICENCES, type LicenceId } from './datasets.js';
import type { DatasetRow } from './opendata.repo.js';

/**
 * The CKAN Action API surface (`/api/3/action/{action}`): the envelope
 * ({help, success, result} or {help, success: false, error: {__type, message}}),
 * GET with query parameters or POST with a JSON body as CKAN accepts, and the
 * package, organization and resource dictionaries existing CKAN clients and
 * harvesters read. Errors keep CKAN's envelope and status codes (404 Not Found
 * Error, 409 Validation Error with the field as key), with Vietnamese messages.
 */

export const CKAN_TAG = 'open-data: CKAN';
export const CKAN_PREFIX = '/api/3/action/';

const helpOf = (k: Kernel, action: string) => `${k.config.publicUrl}/api/3/action/help_show?name=${action}`;

// ——— Parameter helpers: the same schema reads query strings and JSON bodies ———

const parseJson = (v: unknown) => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};
/** A value given as JSON text in a query string, or as JSON in a body. */
export const jsonParam = <T extends z.ZodType>(schema: T) => z.preprocess(parseJson, schema);
export const boolParam = z
  .union([z.boolean(), z.enum(['true', 'false', 'True', 'False', '1', '0'], 'Giá trị đúng/sai: true hoặc false')])
  .transform((v) => v === true || v === 'true' || v === 'True' || v === '1');
export const intParam = (min: number, max: number, what: string) =>
  z.coerce.number(`${what} phải là số nguyên`).int(`${what} phải là số nguyên`).min(min, `${what} tối thiểu ${min}`).max(max, `${what} tối đa ${max}`);

// ——— Envelope ———

const errorEnvelope = z.object({
  help: z.string(),
  success: z.literal(false),
  error: z.looseObject({ __type: z.string(), message: z.string() }),
});

export const ok = <T extends z.ZodType>(result: T) => z.object({ help: z.string(), success: z.literal(true), result });

function sendCkanError(reply: FastifyReply, status: number, help: string, error: Record<string, unknown>) {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify({ help, success: false, error }));
}

/** Renders any error of a CKAN route in CKAN's envelope (never problem+json: CKAN clients read `error.__type`). */
function ckanErrorHandler(k: Kernel, action: string) {
  return (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const lang = pickLang(req);
    const help = helpOf(k, action);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const part = (error as FastifyError & { validationContext?: string }).validationContext ?? 'query';
      const fields = zodFieldErrors(part, error.validation as never, lang);
      return sendCkanError(reply, 409, help, validationError(fields.map((f) => ({ field: f.field.replace(/^(querystring|query|body)\./, ''), message: f.message })), lang));
    }
    if (error instanceof AppError) {
      if (error.code === 'VALIDATION_FAILED') {
        return sendCkanError(reply, 409, help, validationError(error.fields.map((f) => ({ field: f.field.replace(/^(querystring|query|body)\./, ''), message: f.message })), lang));
      }
      const message = messageOf(error.code, { ...error.params, requestId: req.id }, lang);
      if (error.status === 404) return sendCkanError(reply, 404, help, { __type: 'Not Found Error', message });
      if (error.status === 401 || error.status === 403) return sendCkanError(reply, 403, help, { __type: 'Authorization Error', message });
      if (error.status < 500) return sendCkanError(reply, error.status, help, { __type: 'Validation Error', message });
    }
    if (error.statusCode === 400 || (error as { code?: string }).code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
      return sendCkanError(reply, 400, help, { __type: 'Bad request - JSON Error', message: lang === 'vi' ? 'Nội dung yêu cầu không phải JSON hợp lệ' : 'The request body is not valid JSON' });
    }
    if (error.statusCode === 429) return sendCkanError(reply, 429, help, { __type: 'Rate Limit Error', message: lang === 'vi' ? 'Quá nhiều yêu cầu, vui lòng thử lại sau' : 'Too many requests' });
    req.log.error({ err: error, reqId: req.id }, 'ckan action failed');
    return sendCkanError(reply, 500, help, { __type: 'Internal Error', message: messageOf('INTERNAL', { requestId: req.id }, lang) });
  };
}

function validationError(fields: { field: string; message: string }[], lang: 'vi' | 'en') {
  const out: Record<string, unknown> = {
    __type: 'Validation Error',
    message: (lang === 'vi' ? 'Tham số không hợp lệ: ' : 'Invalid parameters: ') + fields.map((f) => `${f.field} — ${f.message}`).join('; '),
  };
  for (const f of fields) ((out[f.field] ??= []) as string[]).push(f.message);
  return out;
}

/** A CKAN error for one parameter (thrown by services, rendered as a 409 Validation Error). */
export const paramError = (field: string, message: string) => new AppError('VALIDATION_FAILED', {}, [{ field, rule: 'invalid', message }]);

/**
 * Registers an action for GET (query string) and POST (JSON body), both public,
 * with the same Zod parameters and result in the OpenAPI document.
 */
export function ckanAction<P extends z.ZodObject, R extends z.ZodType>(
  app: App,
  k: Kernel,
  action: string,
  def: { summary: string; params: P; result: R },
  run: (params: z.infer<P>, req: FastifyRequest) => Promise<z.infer<R>>,
): void {
  const url = `${CKAN_PREFIX}${action}`;
  const response = { 200: ok(def.result), 400: errorEnvelope, 404: errorEnvelope, 409: errorEnvelope };
  const handler = async (params: z.infer<P>, req: FastifyRequest) => ({ help: helpOf(k, action), success: true as const, result: await run(params, req) });
  // The generic result type is beyond what the type provider can follow; the Zod schemas still check every reply.
  const loose = app as unknown as FastifyInstance;
  loose.get(url, {
    config: { access: 'public' },
    errorHandler: ckanErrorHandler(k, action),
    schema: { tags: [CKAN_TAG], summary: def.summary, querystring: def.params, response },
  }, async (req) => handler(req.query as z.infer<P>, req));
  loose.post(url, {
    config: { access: 'public' },
    errorHandler: ckanErrorHandler(k, action),
    schema: { tags: [CKAN_TAG], summary: `${def.summary} (POST JSON)`, body: def.params.optional(), response },
  }, async (req) => handler(def.params.parse(req.body ?? {}) as z.infer<P>, req));
}

// ——— Dictionaries ———

export const tagSchema = z.object({ name: z.string(), display_name: z.string(), state: z.literal('active'), vocabulary_id: z.null() });
export const organizationSchema = z.object({
  id: z.string(), name: z.string(), title: z.string(), display_name: z.string(), description: z.string(), type: z.literal('organization'),
  is_organization: z.literal(true), state: z.literal('active'), approval_status: z.literal('approved'), image_url: z.string(), created: z.string(),
  package_count: z.number().optional(),
});
export const resourceSchema = z.object({
  id: z.string(), package_id: z.string(), name: z.string(), description: z.string(), format: z.string(), mimetype: z.string(), url: z.string(),
  datastore_active: z.boolean(), state: z.literal('active'), position: z.number(), created: z.string(), last_modified: z.string().nullable(),
  url_type: z.null(), size: z.null(), hash: z.string(),
});
export const packageSchema = z.object({
  id: z.string(), name: z.string(), title: z.string(), notes: z.string(), url: z.string(), type: z.literal('dataset'), state: z.literal('active'),
  private: z.literal(false), isopen: z.boolean(), license_id: z.string(), license_title: z.string(), license_url: z.string(),
  author: z.null(), author_email: z.null(), maintainer: z.string(), maintainer_email: z.null(), version: z.null(),
  metadata_created: z.string(), metadata_modified: z.string(), owner_org: z.string(), organization: organizationSchema,
  tags: z.array(tagSchema), num_tags: z.number(), resources: z.array(resourceSchema), num_resources: z.number(),
  groups: z.array(z.unknown()), relationships_as_object: z.array(z.unknown()), relationships_as_subject: z.array(z.unknown()),
  extras: z.array(z.object({ key: z.string(), value: z.string() })),
});
export type CkanPackage = z.infer<typeof packageSchema>;
export type CkanOrganization = z.infer<typeof organizationSchema>;

/** CKAN names are lower-case: the publisher's agency code. */
export const orgName = (agencyCode: string) => agencyCode.toLowerCase();

export async function organizationOf(k: Kernel, code: string, cache = new Map<string, CkanOrganization>()): Promise<CkanOrganization> {
  const hit = cache.get(code);
  if (hit) return hit;
  const a = await getAgencyByCode(k.db, code);
  const o: CkanOrganization = {
    id: a?.id ?? orgName(code), name: orgName(code), title: a?.name ?? code, display_name: a?.name ?? code,
    description: a?.name_en ? `${a.name} (${a.name_en})` : (a?.name ?? code), type: 'organization', is_organization: true,
    state: 'active', approval_status: 'approved', image_url: '', created: '2025-07-01T00:00:00',
  };
  cache.set(code, o);
  return o;
}

export const RESOURCE_FORMATS = [
  { key: 'csv', format: 'CSV', mimetype: 'text/csv', name: 'Tệp CSV (UTF-8, mở được bằng Excel)' },
  { key: 'json', format: 'JSON', mimetype: 'application/json', name: 'Tệp JSON' },
] as const;

export const resourceId = (datasetId: string, key: 'csv' | 'json') => `${datasetId}-${key}`;
/** The dataset a resource id (or the dataset id itself, as an alias) names. */
export const datasetOfResource = (rid: string) => rid.replace(/-(csv|json)$/, '');

export const downloadUrl = (k: Kernel, datasetId: string, key: 'csv' | 'json') => `${k.config.publicUrl}/api/open-data/datasets/${datasetId}/data.${key}`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function packageOf(k: Kernel, d: DatasetRow, org: CkanOrganization): CkanPackage {
  const licence = LICENCES[d.licence_id as LicenceId];
  const resources = RESOURCE_FORMATS.map((f, i) => ({
    id: resourceId(d.id, f.key), package_id: d.id, name: f.name, description: `${d.title} — ${f.format}`, format: f.format, mimetype: f.mimetype,
    url: downloadUrl(k, d.id, f.key), datastore_active: true, state: 'active' as const, position: i, created: d.created_at.toISOString(),
    last_modified: iso(d.modified_at), url_type: null, size: null, hash: d.digest ? `sha256:${d.digest}` : '',
  }));
  return {
    id: d.id, name: d.id, title: d.title, notes: d.notes, url: `${k.config.publicUrl}/du-lieu-mo/${d.id}`, type: 'dataset', state: 'active', private: false,
    isopen: true, license_id: d.licence_id, license_title: licence?.title ?? d.licence_id, license_url: licence?.url ?? '',
    author: null, author_email: null, maintainer: org.title, maintainer_email: null, version: null,
    metadata_created: d.created_at.toISOString(), metadata_modified: d.modified_at.toISOString(), owner_org: org.id, organization: org,
    tags: d.tags.map((t) => ({ name: t, display_name: t, state: 'active' as const, vocabulary_id: null })), num_tags: d.tags.length,
    resources, num_resources: resources.length, groups: [], relationships_as_object: [], relationships_as_subject: [],
    extras: [
      { key: 'title_en', value: d.title_en },
      { key: 'notes_en', value: d.notes_en },
      { key: 'frequency', value: d.frequency },
      { key: 'row_count', value: String(d.row_count) },
      { key: 'generated', value: iso(d.generated_at) ?? '' },
    ],
  };
}
