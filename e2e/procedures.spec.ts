import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

test.describe('procedure catalogue', () => {
  test('a citizen finds a procedure typed without diacritics and reads its public page', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Tra cứu thủ tục hành chính' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Thủ tục hành chính');
    await page.getByLabel('Tìm thủ tục (gõ không dấu cũng được)').fill('dang ky khai sinh');
    const first = page.getByTestId('procedure-list').getByRole('link').first();
    await expect(first).toHaveText(/^Đăng ký khai sinh/);
    await first.click();
    await expect(page).toHaveURL(/\/thu-tuc\/[0-9A-Za-z.-]+$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Đăng ký khai sinh/);
    await expect(page.getByRole('heading', { name: 'Thành phần hồ sơ' })).toBeVisible();
    await expect(page.getByRole('rowheader', { name: 'Thời hạn giải quyết' })).toBeVisible();
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  });

  test('the public catalogue works with JavaScript turned off', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/thu-tuc');
    await page.getByLabel('Tìm thủ tục').fill('chung thuc ban sao');
    await page.getByRole('button', { name: 'Tìm' }).click();
    await expect(page).toHaveURL(/q=chung\+thuc\+ban\+sao/);
    const link = page.getByRole('table').getByRole('link').first();
    await expect(link).toContainText(/[Cc]hứng thực bản sao/);
    await link.click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText(/[Cc]hứng thực bản sao/);
    await context.close();
  });
});
