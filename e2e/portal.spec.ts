import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test.describe('citizen portal', () => {
  test('a citizen signs in by personal ID, is greeted by name and signs out', async ({ page }) => {
    await signIn(page, '037090000001');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Xin chào, Nguyễn Văn An');
    await expect(page.getByTestId('signed-in-as')).toContainText('Nguyễn Văn An');
    // Citizens see no officials' workspace and no administration.
    await expect(page.getByRole('link', { name: 'Không gian làm việc' })).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Lịch ngày nghỉ' })).toHaveCount(0);
    await page.goto('/quan-tri/lich');
    await expect(page.getByRole('alert')).toHaveText('Bạn không có quyền xem trang này.');
    await page.goto('/');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cổng số Ninh Bình');
    await page.reload();
    await expect(page.getByRole('banner').getByRole('link', { name: 'Đăng nhập' })).toBeVisible();
  });

  test('a wrong password is refused with a Vietnamese message', async ({ page }) => {
    await page.goto('/dang-nhap');
    await page.getByLabel('Số định danh cá nhân, mã số thuế, email hoặc số điện thoại').fill('congdan2@example.vn');
    await page.getByLabel(/^Mật khẩu/).fill('Sai-mat-khau-1');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText(/mật khẩu/i);
    await expect(page).toHaveURL(/\/dang-nhap/);
  });

  test('a visitor registers as a citizen and lands signed in', async ({ page }) => {
    await page.goto('/dang-ky');
    await page.getByLabel('Số định danh cá nhân (12 số)').fill('037095123456');
    await page.getByLabel('Họ và tên / Tên doanh nghiệp').fill('Phạm Thị Hoa');
    await page.getByLabel('Thư điện tử').fill('hoa.e2e@example.vn');
    await page.getByLabel(/^Mật khẩu/).fill('Matkhau@2026');
    await page.getByRole('button', { name: 'Đăng ký' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Xin chào, Phạm Thị Hoa');
    // The same personal ID cannot register twice.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.goto('/dang-ky');
    await page.getByLabel('Số định danh cá nhân (12 số)').fill('037095123456');
    await page.getByLabel('Họ và tên / Tên doanh nghiệp').fill('Người Khác');
    await page.getByLabel(/^Mật khẩu/).fill('Matkhau@2026');
    await page.getByRole('button', { name: 'Đăng ký' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  });

  test('the appointment calculator counts working days past Tết 2026', async ({ page }) => {
    await page.goto('/');
    // Received Friday 13 February 2026 at 10:00; Tết holidays run 14–22 February.
    await page.getByLabel('Nộp lúc').fill('2026-02-13T10:00');
    await page.getByLabel('Số ngày làm việc').fill('3');
    await page.getByRole('button', { name: 'Tính ngày hẹn' }).click();
    await expect(page.getByTestId('due')).toHaveText(/\d{2}:\d{2} \d{2}\/02\/2026/);
    const due = await page.getByTestId('due').textContent();
    const day = Number(due!.slice(6, 8));
    expect(day).toBeGreaterThanOrEqual(24); // not inside the Tết break
  });

  test('switches between Vietnamese and English and remembers the choice', async ({ page }) => {
    await page.goto('/');
    await expect(page.locator('html')).toHaveAttribute('lang', 'vi');
    await page.getByText('EN', { exact: true }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { name: 'Appointment date' })).toBeVisible();
    await page.reload();
    await expect(page.getByRole('banner').getByRole('link', { name: 'Sign in' })).toBeVisible();
    await page.getByText('VI', { exact: true }).click();
    await expect(page.getByRole('banner').getByRole('link', { name: 'Đăng nhập' })).toBeVisible();
  });

  test('serves the installable app: manifest, icons and service worker', async ({ page, request }) => {
    const manifest = await (await request.get('/manifest.webmanifest')).json();
    expect(manifest.lang).toBe('vi');
    expect(manifest.icons.length).toBeGreaterThan(0);
    expect((await request.get('/sw.js')).status()).toBe(200);
    await page.goto('/');
    await expect.poll(() => page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration()))).toBe(true);
    // Deep links render the app (history fallback), unknown API paths stay problem+json.
    const deep = await request.get('/quan-tri/lich');
    expect(deep.headers()['content-type']).toContain('text/html');
    const api = await request.get('/api/khong-co');
    expect(api.status()).toBe(404);
    expect(api.headers()['content-type']).toContain('application/problem+json');
  });

  test('works offline as an installed app: the cached shell opens without a network', async ({ page, context }) => {
    await page.goto('/');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload(); // now under the service worker's control, which caches the assets
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
    await context.setOffline(true);
    await page.goto('/dang-nhap');
    await expect(page.getByRole('heading', { level: 1, name: 'Đăng nhập' })).toBeVisible();
    await context.setOffline(false);
  });
});
