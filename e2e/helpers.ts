import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page } from '@playwright/test';
import { generateSync } from 'otplib';

/** Demo accounts from the seed (README). */
export const PASSWORD = 'Congso@2026';
export const TOTP_SECRET = 'KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD';

/** A valid 1×1 PNG: the server checks a file's content, not its name. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

export async function signIn(page: Page, identifier: string, opts: { totp?: boolean } = {}) {
  await page.goto('/dang-nhap');
  await page.getByLabel('Số định danh cá nhân, mã số thuế, email hoặc số điện thoại').fill(identifier);
  await page.getByLabel(/^Mật khẩu/).fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  if (opts.totp) {
    const first = page.getByLabel('Mã xác thực 6 số (ứng dụng xác thực)').first();
    await expect(first).toBeVisible();
    await first.click();
    await page.keyboard.type(generateSync({ secret: TOTP_SECRET }));
    await page.getByRole('button', { name: 'Xác nhận' }).click();
  }
  // Signed in only once the app has left the sign-in page: navigating earlier would abort the request.
  await expect(page).not.toHaveURL(/\/dang-nhap/);
}

/**
 * The e2e server's own database (the embedded PostgreSQL under E2E_DATA_DIR), for the few steps a
 * browser cannot take: letting time pass for a deadline. Port from postmaster.pid, password from
 * the file `congso start` keeps beside it.
 */
export async function serverDb() {
  const { readFileSync } = await import('node:fs');
  const path = await import('node:path');
  const pg = (await import('pg')).default;
  const dir = process.env.E2E_DATA_DIR!;
  const port = Number(readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  const password = readFileSync(path.join(dir, 'pg-password'), 'utf8').trim();
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'congso' });
  await client.connect();
  return client;
}

/** A signed-in page of its own (own cookies) for one person; officials confirm with their TOTP code. */
export async function person(browser: Browser, identifier: string, official = false): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, identifier, { totp: official });
  return page;
}

/**
 * axe on the page as it stands (WCAG 2.1 A and AA): serious and critical violations are reported
 * softly, so one run lists every page's problems.
 */
export async function axe(page: Page, what: string) {
  await page.waitForLoadState('networkidle');
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect.soft(bad.map((v) => `${what}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

/** Takes an action from a case page: the button, then the dialog's own button (its inputs filled by `fill`). */
export async function act(page: Page, label: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await expect(dialog).toBeHidden();
}

/**
 * The JSON API as the signed-in person of `page` (their cookies, their CSRF token), for the steps
 * another spec already covers on screen. A Buffer is sent as a PNG upload. Fails the test on a non-2xx answer.
 */
export async function call<T = any>(page: Page, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, data?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'congso_csrf')?.value ?? '';
  const isFile = Buffer.isBuffer(data);
  const res = await page.request.fetch(url, {
    method,
    headers: { 'x-csrf-token': decodeURIComponent(csrf), ...(data === undefined ? {} : { 'content-type': isFile ? 'image/png' : 'application/json' }), ...headers },
    data: data === undefined ? undefined : isFile ? data : JSON.stringify(data),
  });
  expect(res.ok(), `${method} ${url}: ${res.status()} ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}
