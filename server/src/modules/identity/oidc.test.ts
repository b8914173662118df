import http from 'node:http';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../kernel/db/embedded.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/**
 * End to end against a real OpenID Connect provider (npm oidc-provider) on a
 * loopback port: our /start redirects to it, the test plays the browser through
 * its login and consent pages (devInteractions), and the provider's redirect
 * back is handed to our /callback.
 */

const PUBLIC_URL = 'http://congso.test';
const people: Record<string, Record<string, unknown>> = {
  'vneid-001': { name: 'Phạm Thị Dung', email: 'dung.pham@example.vn', email_verified: true, cccd: '037190000321' },
  'vneid-002': { name: 'Trần Thị Bình', email: 'binh.khac@example.vn', email_verified: true, cccd: '037090000002' },
  'vneid-003': { name: 'Không Có Số', email: 'khongso@example.vn', email_verified: true },
  // The province's own provider for officials: work email, no personal ID.
  'sso-stp-01': { name: 'Chuyên viên Sở Tư pháp', email: 'chuyenvien.stp@ninhbinh.gov.vn', email_verified: true },
  'sso-stp-02': { name: 'Mạo danh', email: 'giamdoc.stp@ninhbinh.gov.vn', email_verified: false },
};

let env: TestEnv;
let server: http.Server;
let issuer: string;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'congso',
        client_secret: 'bi-mat-cua-congso',
        redirect_uris: [`${PUBLIC_URL}/api/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'cccd'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, sub: string) =>
      people[sub] ? { accountId: sub, claims: async () => ({ sub, ...people[sub] }) } : undefined,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['khoa-cookie-thu-nghiem'] },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  server = http.createServer(provider.callback());
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  env = await testEnv({
    demo: true,
    env: { PUBLIC_URL, OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'congso', OIDC_CLIENT_SECRET: 'bi-mat-cua-congso', OIDC_NAME: 'VNeID' },
  });
});
afterAll(async () => {
  await env?.close();
  await new Promise((r) => server?.close(r));
});

/** A browser's cookie jar for the provider (names only: one host, all paths). */
class Jar {
  private c = new Map<string, string>();
  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (!value || /expires=Thu, 01 Jan 1970/i.test(line)) this.c.delete(name);
      else this.c.set(name, value);
    }
  }
  header() {
    return [...this.c].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** Follows the provider's redirects, signing in as `sub` and consenting, until it sends the browser back to us. */
async function throughProvider(startLocation: string, sub: string): Promise<URL> {
  const jar = new Jar();
  let url = startLocation;
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(PUBLIC_URL)) return new URL(url);
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).toString();
      method = 'GET';
      body = undefined;
      continue;
    }
    expect(res.status).toBe(200);
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    method = 'POST';
    body = prompt === 'login' ? new URLSearchParams({ prompt, login: sub, password: 'x' }) : new URLSearchParams({ prompt });
  }
  throw new Error('too many redirects');
}

async function signInWith(sub: string, returnTo = '/ho-so-cua-toi') {
  const start = await env.app.inject({ method: 'GET', url: `/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}` });
  expect(start.statusCode).toBe(302);
  const location = start.headers.location as string;
  const stateCookie = start.cookies.find((c) => c.name === 'congso_oidc_state')!;
  expect(stateCookie).toMatchObject({ httpOnly: true, path: '/api/auth/oidc', sameSite: 'Lax' });
  const browser = `congso_oidc_state=${stateCookie.value}`;
  const back = await throughProvider(location, sub);
  const cb = await env.app.inject({ method: 'GET', url: back.pathname + back.search, headers: { cookie: browser } });
  return { start: location, back, cb, browser };
}

describe('OpenID Connect sign-in', () => {
  it('says whether it is enabled', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/auth/oidc' });
    expect(r.json()).toEqual({ enabled: true, name: 'VNeID' });
  });

  it('creates a citizen from the claims on first sign-in and opens a session for them', async () => {
    const { start, back, cb } = await signInWith('vneid-001');
    const auth = new URL(start);
    expect(auth.origin).toBe(issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    expect(auth.searchParams.get('state')).toBeTruthy();
    expect(auth.searchParams.get('nonce')).toBeTruthy();
    expect(auth.searchParams.get('redirect_uri')).toBe(`${PUBLIC_URL}/api/auth/oidc/callback`);
    expect(back.searchParams.get('code')).toBeTruthy();

    expect(cb.statusCode).toBe(302);
    expect(cb.headers.location).toBe('/ho-so-cua-toi');
    const cookie = cb.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'citizen', name: 'Phạm Thị Dung', email: 'dung.pham@example.vn', identifier: '037******321' });
    const link = await env.k.db.selectFrom('oidc_link').selectAll().where('subject', '=', 'vneid-001').execute();
    expect(link).toHaveLength(1);
    expect(link[0]!.issuer).toBe(issuer);
    expect(link[0]!.account_id).toBe(me.json().id);

    // Second sign-in: the same account, found by (issuer, sub).
    const again = await signInWith('vneid-001', '/');
    const cookie2 = again.cb.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me2 = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: cookie2 } });
    expect(me2.json().id).toBe(me.json().id);
    const count = await env.k.db.selectFrom('account').select('id').where('personal_id', '=', '037190000321').execute();
    expect(count).toHaveLength(1);
  });

  it('links to the citizen who already registered with that personal ID', async () => {
    const { cb } = await signInWith('vneid-002');
    const cookie = cb.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me = (await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
    expect(me).toMatchObject({ name: 'Trần Thị Bình', email: 'congdan2@example.vn', identifier: '037******002' });
  });

  it('refuses a provider answer without a personal ID, a replayed state and an open redirect', async () => {
    const none = await signInWith('vneid-003');
    expect(none.cb.statusCode).toBe(302);
    expect(none.cb.headers.location).toBe('/dang-nhap?loi=oidc_failed');
    expect(none.cb.cookies.find((c) => c.name === 'congso_session')).toBeUndefined();

    const ok = await signInWith('vneid-001');
    expect(ok.cb.headers.location).toBe('/ho-so-cua-toi');
    // The same callback twice: the state was used up.
    const replay = await env.app.inject({ method: 'GET', url: ok.back.pathname + ok.back.search, headers: { cookie: ok.browser } });
    expect(replay.headers.location).toBe('/dang-nhap?loi=oidc_failed');

    // A callback link opened in another browser (login CSRF): refused, and the flow is not consumed by it.
    const start = await env.app.inject({ method: 'GET', url: '/api/auth/oidc/start' });
    const back = await throughProvider(start.headers.location as string, 'vneid-001');
    const other = await env.app.inject({ method: 'GET', url: back.pathname + back.search });
    expect(other.headers.location).toBe('/dang-nhap?loi=oidc_failed');
    expect(other.cookies.find((c) => c.name === 'congso_session')).toBeUndefined();
    const mine = await env.app.inject({
      method: 'GET', url: back.pathname + back.search,
      headers: { cookie: `congso_oidc_state=${start.cookies.find((c) => c.name === 'congso_oidc_state')!.value}` },
    });
    expect(mine.statusCode).toBe(302);
    expect(mine.headers.location).toBe('/');

    const evil = await signInWith('vneid-001', '//evil.example/steal');
    expect(evil.cb.headers.location).toBe('/');
  });

  it("signs an official in through the province's provider by their verified work email, never an unverified one", async () => {
    const ok = await signInWith('sso-stp-01', '/lam-viec');
    expect(ok.cb.headers.location).toBe('/lam-viec');
    const cookie = ok.cb.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const me = await env.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.json()).toMatchObject({ kind: 'official', identifier: 'chuyenvien.stp@ninhbinh.gov.vn' });
    expect(me.json().actions).toContain('services.dossier.process');
    const forged = await signInWith('sso-stp-02');
    expect(forged.cb.headers.location).toBe('/dang-nhap?loi=oidc_failed');
    expect(await env.k.db.selectFrom('oidc_link').select('subject').where('subject', '=', 'sso-stp-02').execute()).toEqual([]);
  });

  it('answers 404 when OIDC is not configured', async () => {
    const plain = await testEnv();
    try {
      expect((await plain.app.inject({ method: 'GET', url: '/api/auth/oidc' })).json()).toEqual({ enabled: false, name: 'VNeID' });
      const r = await plain.app.inject({ method: 'GET', url: '/api/auth/oidc/start' });
      expect(r.statusCode).toBe(404);
      expect(r.json().code).toBe('OIDC_DISABLED');
    } finally {
      await plain.close();
    }
  });
});
