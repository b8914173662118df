import fc from 'fast-check';
import { sql } from 'kysely';
import { generateSync } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from './harness.js';

/**
 * Property: whatever body, path or query a client sends to a write route, the
 * answer is never a 5xx, it is problem+json when it is an error, and a refused
 * request writes nothing (every write is audited, so the audit log's length is
 * the witness). Routes are taken from the OpenAPI document, so every module's
 * new write route is covered without touching this file.
 */

const DEMO_TOTP = 'KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD';

let env: TestEnv;
let adminHeaders: Record<string, string> = {};
beforeAll(async () => {
  env = await testEnv({ demo: true });
  // The province's system administrator: the caller who gets past authorization the furthest.
  const r = await env.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { identifier: 'admin@ninhbinh.gov.vn', password: 'Congso@2026', totp: generateSync({ secret: DEMO_TOTP }) },
  });
  if (r.statusCode === 200) {
    const cookies = r.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    adminHeaders = { cookie: cookies, 'x-csrf-token': r.json().csrfToken };
  }
});
afterAll(() => env.close());

const nasty = fc.constantFrom(
  "'; DROP TABLE org_unit; --",
  "1' OR '1'='1",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '\u0000',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 Nguyễn Văn Ấn',
  '9'.repeat(400),
  '',
  ' ',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'null',
  '{{constructor.constructor("x")()}}',
  '__proto__',
);
const str = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const leaf = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const keys = fc.oneof(
  fc.constantFrom('code', 'name', 'fullName', 'type', 'parentCode', 'email', 'password', 'identifier', 'kind', 'date', 'role', 'unitCode', 'agencyId', 'id', '__proto__', 'constructor'),
  fc.string({ maxLength: 12 }),
);
const body = fc.oneof(
  fc.dictionary(keys, fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(keys, leaf, { maxKeys: 3 })), { maxKeys: 8 }),
  fc.array(leaf, { maxLength: 4 }),
  leaf,
);

interface WriteRoute {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
}

function writeRoutes(doc: { paths: Record<string, Record<string, unknown>> }): WriteRoute[] {
  const out: WriteRoute[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const m of Object.keys(ops)) {
      const method = m.toUpperCase();
      if (method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE') out.push({ method, path: p });
    }
  }
  return out;
}

/**
 * Routes that speak another standard answer errors in that standard's shape,
 * which their clients parse: Open311 GeoReport v2 (a list of {code, description},
 * JSON or XML), the CKAN Action API ({success: false, error}) and the OAuth 2.0
 * token endpoint (RFC 6749 §5.2: {error, error_description}). They are held
 * to that shape instead of problem+json; the other rules are the same.
 */
const FOREIGN: [prefix: string, check: (res: { statusCode: number; body: string; headers: Record<string, unknown> }) => void][] = [
  ['/open311/', (res) => {
    if (String(res.headers['content-type']).includes('xml')) return void expect(res.body).toMatch(/<errors><error><code>\d{3}<\/code><description>[^<]+<\/description>/);
    const list = JSON.parse(res.body) as { code: number; description: string }[];
    expect(list[0]!.code).toBe(res.statusCode);
    expect(list[0]!.description.length).toBeGreaterThan(0);
  }],
  ['/api/exchange/oauth/token', (res) => {
    const b = JSON.parse(res.body) as { error: string };
    expect(b.error).toMatch(/^(invalid_request|invalid_client|invalid_grant|unauthorized_client|unsupported_grant_type|invalid_scope)$/);
  }],
  ['/api/3/action/', (res) => {
    const b = JSON.parse(res.body) as { success: boolean; error: { message: string } };
    expect(b.success).toBe(false);
    expect(typeof b.error.message).toBe('string');
  }],
];

async function auditCount(): Promise<number> {
  const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_log`.execute(env.k.db);
  return r.rows[0]!.n;
}

describe('every write route under generated input', () => {
  it('has write routes to test, and an administrator to send them', async () => {
    expect(adminHeaders.cookie).toBeTruthy();
    const doc = (await env.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(writeRoutes(doc).length).toBeGreaterThan(0);
  });

  it('never answers 5xx, answers problem+json, and writes nothing when it refuses', async () => {
    const doc = (await env.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const routes = writeRoutes(doc).filter((r) => !r.path.startsWith('/api/auth/logout'));
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(body, fc.array(str, { minLength: 3, maxLength: 3 }), fc.boolean(), fc.boolean(), async (payload, params, asAdmin, rawText) => {
          let i = 0;
          const url = route.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(params[i++ % 3]!.slice(0, 150)));
          const before = await auditCount();
          const res = await env.app.inject({
            method: route.method,
            url,
            headers: { ...(asAdmin ? adminHeaders : {}), 'content-type': 'application/json' },
            payload: rawText ? JSON.stringify(payload).slice(0, -1) : JSON.stringify(payload),
          });
          if (res.statusCode >= 500) {
            throw new Error(`${route.method} ${url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
          }
          if (res.statusCode >= 400) {
            const foreign = FOREIGN.find(([prefix]) => route.path.startsWith(prefix));
            // A body the framework cannot parse is refused before the route runs: problem+json on every route.
            if (foreign && !String(res.headers['content-type']).includes('problem+json')) foreign[1](res);
            else {
              expect(res.headers['content-type'], `${route.method} ${url}: ${res.body.slice(0, 200)}`).toContain('application/problem+json');
              const p = res.json();
              expect(typeof p.detail).toBe('string');
              expect(p.status).toBe(res.statusCode);
            }
            expect(await auditCount()).toBe(before);
          }
        }),
        { numRuns: 25, seed: 20261123 },
      );
    }
  });
});
