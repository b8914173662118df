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
