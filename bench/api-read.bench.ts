import { buildApp } from '../server/src/main.js';
import { bareServer, benchKernel, load, result } from './lib.js';

/**
 * Requests/s of an authenticated read (the caller's own profile, GET /api/auth/me:
 * session lookup — from the instance's NOTIFY-invalidated cache after the first
 * call — grants, security headers, rate limit, response validation) against a bare Fastify route
 * returning a constant, same process, same logger setting, loopback load from a
 * second process.
 */
export default async function apiRead(args: string[]) {
  const seconds = Number(args[0] ?? 10);
  const b = await benchKernel({ seed: true });
  try {
    const bare = await bareServer();
    const bareUrl = bare.url;

    const app = await buildApp(b.k, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'congdan@example.vn', password: 'Congso@2026' }),
    });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const me = await fetch(`${base}/api/auth/me`, { headers: { cookie } });
    if (me.status !== 200) throw new Error(`me failed: ${me.status}`);

    // Warm both up, then measure.
    await load(bareUrl, {}, 2);
    const baseline = await load(bareUrl, {}, seconds);
    await load(`${base}/api/auth/me`, { cookie }, 2);
    const value = await load(`${base}/api/auth/me`, { cookie }, seconds);
    console.log(`bare Fastify constant: ${baseline.rps.toFixed(0)} req/s (p99 ${baseline.p99} ms)`);
    console.log(`GET /api/auth/me (session cookie → actor and grants, CSRF token, response schema): ${value.rps.toFixed(0)} req/s (p99 ${value.p99} ms, non-2xx ${value.non2xx})`);
    if (value.non2xx > 0) throw new Error('the authenticated endpoint answered errors under load');
    await app.close();
    await bare.close();
    return result('api-read', 'requests_per_second', value.rps, baseline.rps, 'req/s');
  } finally {
    await b.close();
  }
}
