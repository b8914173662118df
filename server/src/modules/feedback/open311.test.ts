import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { issueKey } from './open311.js';

/**
 * Open311 GeoReport v2, checked against JSON Schemas written from the published
 * specification (http://wiki.open311.org/GeoReport_v2), and an XML round trip:
 * the XML answer parses to the same values as the JSON one.
 */

const GEO = path.resolve(__dirname, '../../../../../shared/data/admin-units/geojson/37_ninh_binh');
let env: TestEnv;
let admin: TestSession;
let operator: TestSession;
let apiKey: string;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const str = { type: 'string' };
const nullableTime = { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }, { const: '' }] };
const schemas = {
  discovery: {
    type: 'object', required: ['changeset', 'contact', 'key_service', 'endpoints'],
    properties: {
      changeset: { type: 'string', format: 'date-time' }, contact: str, key_service: str,
      endpoints: { type: 'array', minItems: 1, items: { type: 'object', required: ['specification', 'url', 'type', 'formats'], properties: { specification: { const: 'http://wiki.open311.org/GeoReport_v2' }, url: { type: 'string', format: 'uri' }, changeset: str, type: { enum: ['production', 'test'] }, formats: { type: 'array', items: { enum: ['application/json', 'text/xml'] } } } } },
    },
  },
  services: {
    type: 'array', minItems: 1,
    items: { type: 'object', additionalProperties: false, required: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'], properties: { service_code: str, service_name: str, description: str, metadata: { type: 'boolean' }, type: { enum: ['realtime', 'batch', 'blackbox'] }, keywords: str, group: str } },
  },
  definition: { type: 'object', required: ['service_code', 'attributes'], properties: { service_code: str, attributes: { type: 'array' } } },
  requests: {
    type: 'array',
    items: {
      type: 'object', additionalProperties: false,
      required: ['service_request_id', 'status', 'service_code', 'requested_datetime', 'lat', 'long'],
      properties: {
        service_request_id: str, status: { enum: ['open', 'closed'] }, status_notes: str, service_name: str, service_code: str, description: str,
        agency_responsible: str, service_notice: str, requested_datetime: { type: 'string', format: 'date-time' }, updated_datetime: nullableTime,
        expected_datetime: nullableTime, address: str, address_id: str, zipcode: str, lat: { type: ['number', 'null'] }, long: { type: ['number', 'null'] }, media_url: str,
      },
    },
  },
  created: { type: 'array', minItems: 1, items: { type: 'object', required: ['service_notice'], anyOf: [{ required: ['service_request_id'] }, { required: ['token'] }], properties: { service_request_id: str, token: str, service_notice: str, account_id: str } } },
  tokens: { type: 'array', items: { type: 'object', required: ['token'], properties: { service_request_id: str, token: str } } },
  errors: { type: 'array', minItems: 1, items: { type: 'object', additionalProperties: false, required: ['code', 'description'], properties: { code: { type: 'integer' }, description: { type: 'string', minLength: 1 } } } },
};
const validate = (name: keyof typeof schemas, doc: unknown) => {
  const v = ajv.compile(schemas[name]);
  const ok = v(doc);
  if (!ok) throw new Error(`${name}: ${ajv.errorsText(v.errors)}`);
};

const get = async (url: string) => {
  const r = await env.app.inject({ method: 'GET', url });
  return { status: r.statusCode, type: String(r.headers['content-type']), text: r.body };
};
const xml = new XMLParser({ parseTagValue: false, isArray: (name) => ['service', 'request', 'error', 'endpoint', 'format'].includes(name) });

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, operator] = await Promise.all([login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'tiepnhan@ninhbinh.gov.vn')]);
  apiKey = await issueKey(env.k, 'ung-dung-ninh-binh-so');
  if (existsSync(GEO)) {
    const features = readdirSync(path.join(GEO, 'wards')).flatMap((f) => JSON.parse(readFileSync(path.join(GEO, 'wards', f), 'utf8')).features);
    await env.app.inject({ method: 'POST', url: '/api/feedback/boundaries', headers: admin.headers, payload: { type: 'FeatureCollection', features } });
  }
}, 60_000);
afterAll(() => env.close());

describe('Open311 GeoReport v2', () => {
  it('serves the discovery document, services and a service definition in JSON and XML', async () => {
    const d = await get('/open311/v2/discovery.json');
    expect(d.type).toMatch(/application\/json; charset=utf-8/);
    validate('discovery', JSON.parse(d.text));
    const dx = xml.parse((await get('/open311/v2/discovery.xml')).text);
    expect(dx.discovery.endpoints.endpoint[0].formats.format).toEqual(['application/json', 'text/xml']);

    const s = await get('/open311/v2/services.json');
    const services = JSON.parse(s.text) as Json[];
    validate('services', services);
    // Complaints and denunciations are not Open311 services.
    expect(services.map((x) => x.service_code)).not.toContain('khieu_nai');
    expect(services.find((x) => x.service_code === 'moi_truong')?.service_name).toBe('Vệ sinh môi trường, rác thải');
    const sx = await get('/open311/v2/services.xml');
    expect(sx.type).toMatch(/text\/xml; charset=utf-8/);
    expect(sx.text.startsWith('<?xml version="1.0" encoding="utf-8"?><services><service>')).toBe(true);
    const parsed = xml.parse(sx.text).services.service as Json[];
    expect(parsed.map((x) => x.service_code)).toEqual(services.map((x) => x.service_code));
    expect(parsed.map((x) => x.service_name)).toEqual(services.map((x) => x.service_name));
    expect(parsed.map((x) => x.metadata)).toEqual(services.map((x) => String(x.metadata)));

    validate('definition', JSON.parse((await get('/open311/v2/services/moi_truong.json')).text));
    const missing = await get('/open311/v2/services/khieu_nai.json');
    expect(missing.status).toBe(400);
    validate('errors', JSON.parse(missing.text));
  });

  it('takes a request with an API key (form-encoded), tracks it by id and token, and round-trips it through XML', async () => {
    const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const body = { service_code: 'ha_tang_giao_thong', lat: '20.5405', long: '105.9221', description: 'Ổ gà lớn giữa đường Trần Hưng Đạo. Nguy hiểm cho xe máy.', first_name: 'Minh', last_name: 'Trần', email: 'minh@example.vn' };
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const noKey = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers, payload: form(body) });
    expect(noKey.statusCode).toBe(403);
    validate('errors', noKey.json());
    expect(noKey.json()[0].description).toMatch(/api_key/);
    const noKeyXml = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', headers, payload: form(body) });
    expect(xml.parse(noKeyXml.body).errors.error[0].code).toBe('403');

    const badLat = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers, payload: form({ ...body, api_key: apiKey, lat: 'abc' }) });
    expect(badLat.statusCode).toBe(400);
    validate('errors', badLat.json());

    const created = await env.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers, payload: form({ ...body, api_key: apiKey }) });
    expect(created.statusCode).toBe(201);
    validate('created', created.json());
    const { service_request_id: id, token } = created.json()[0];
    expect(id).toMatch(/^PA-/);

    // Not public until triaged (a request nobody has looked at yet could be abuse).
    expect((await get(`/open311/v2/requests/${id}.json`)).status).toBe(404);
    const report = (await env.app.inject({ method: 'GET', url: `/api/feedback/reports?q=${id}`, headers: operator.headers })).json().items[0];
    expect(report.channel).toBe('open311');
    await env.app.inject({ method: 'POST', url: `/api/feedback/reports/${report.id}/actions/classify`, headers: { ...operator.headers, 'idempotency-key': `k-open311-${id}` }, payload: {} });

    const one = await get(`/open311/v2/requests/${id}.json`);
    const list = JSON.parse(one.text) as Json[];
    validate('requests', list);
    expect(list[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: 'ha_tang_giao_thong', lat: 20.5405, long: 105.9221 });
    const filtered = JSON.parse((await get('/open311/v2/requests.json?status=open&service_code=ha_tang_giao_thong')).text) as Json[];
    validate('requests', filtered);
    expect(filtered.map((x) => x.service_request_id)).toContain(id);
    expect(JSON.parse((await get('/open311/v2/requests.json?status=closed')).text).map((x: Json) => x.service_request_id)).not.toContain(id);

    // XML round trip: the same request, field by field.
    const x = xml.parse((await get(`/open311/v2/requests/${id}.xml`)).text).service_requests.request[0] as Json;
    for (const [k, v] of Object.entries(list[0])) expect(x[k], k).toBe(v === null ? '' : String(v));

    const t = JSON.parse((await get(`/open311/v2/tokens/${token}.json`)).text);
    validate('tokens', t);
    expect(t[0].service_request_id).toBe(id);

    const badDate = await get('/open311/v2/requests.json?start_date=hom-qua');
    expect(badDate.status).toBe(400);
    validate('errors', JSON.parse(badDate.text));
    expect((await get('/open311/v2/requests.yaml')).status).toBe(400);
  });
});
