import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { buildHttp } from './app.js';
import { loadConfig } from '../config.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

describe('http kernel', () => {
  it('answers health with database and migrations state', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', database: 'ok', migrations: 'current' });
    expect(r.headers['x-request-id']).toBeTruthy();
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  it('serves OpenAPI 3.1 and the docs UI', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/health');
    const ui = await env.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
    // Pages get the full set of headers, with a policy that lets their own scripts run.
    expect(ui.headers['content-security-policy']).toContain("'self'");
    expect(ui.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('answers unknown API routes with problem+json in Vietnamese, English on request', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/khong-co' });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', detail: 'Không có địa chỉ GET /api/khong-co' });
    const en = await env.app.inject({ method: 'GET', url: '/api/khong-co', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.json().detail).toBe('No route GET /api/khong-co');
  });

  it('refuses a route that declares no access', async () => {
    const app = await buildHttp({ config: loadConfig({ LOG_LEVEL: 'silent' }), logger: false });
    expect(() => app.get('/api/oops', async () => 'x')).toThrow(/declares no access/);
    await app.close();
  });

  it('names each invalid field and rule, and maps malformed and oversized bodies', async () => {
    const app = await buildHttp({ config: loadConfig({ LOG_LEVEL: 'silent', BODY_LIMIT_BYTES: '2048' }), logger: false });
    app.post(
      '/api/echo',
      {
        config: { access: 'public' },
        schema: {
          body: z.object({ email: z.email(), age: z.number().int().min(18), kind: z.enum(['a', 'b']) }).strict(),
        },
      },
      async (req) => req.body,
    );
    const bad = await app.inject({ method: 'POST', url: '/api/echo', payload: { email: 'x', kind: 'c', extra: 1 } });
    expect(bad.statusCode).toBe(400);
    const p = bad.json();
    expect(p.code).toBe('VALIDATION_FAILED');
    const fields = Object.fromEntries(p.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]));
    expect(fields).toMatchObject({ 'body.email': 'email', 'body.age': 'required', 'body.kind': 'enum', 'body.extra': 'unknown' });
    expect(p.errors.find((e: { field: string }) => e.field === 'body.age').message).toBe('Trường này là bắt buộc');

    const malformed = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('MALFORMED_BODY');

    const big = await app.inject({ method: 'POST', url: '/api/echo', payload: { email: 'a'.repeat(5000) } });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('BODY_TOO_LARGE');

    const xml = await app.inject({ method: 'POST', url: '/api/echo', headers: { 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
    await app.close();
  });

  it('hides internals of unexpected errors behind the request id', async () => {
    const app = await buildHttp({ config: loadConfig({ LOG_LEVEL: 'silent' }), logger: false });
    app.get('/api/boom', { config: { access: 'public' } }, async () => {
      throw new Error('secret SQL detail');
    });
    const r = await app.inject({ method: 'GET', url: '/api/boom', headers: { 'x-request-id': 'req-12345678' } });
    expect(r.statusCode).toBe(500);
    expect(r.body).not.toContain('secret');
    expect(r.json()).toMatchObject({ code: 'INTERNAL', requestId: 'req-12345678' });
    await app.close();
  });

  it('rate-limits with a problem+json 429', async () => {
    const app = await buildHttp({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '3' }), logger: false });
    app.get('/api/x', { config: { access: 'public' } }, async () => ({ ok: true }));
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'GET', url: '/api/x' })).statusCode);
    expect(codes).toEqual([200, 200, 200, 429, 429]);
    const r = await app.inject({ method: 'GET', url: '/api/x' });
    expect(r.json().code).toBe('RATE_LIMITED');
    await app.close();
  });

  it('stops start-up on a bad configuration value, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({}).PORT).toBe(3000);
  });
});
