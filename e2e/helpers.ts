import { expect, type Page } from '@playwright/test';
import { generateSync } from 'otplib';

/** Demo accounts from the seed (README). */
export const PASSWORD = 'Congso@2026';
export const TOTP_SECRET = 'KVKFKRCPNZQUYMLXOVYDSQKJKZDTSRLD';

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
