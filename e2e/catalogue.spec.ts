import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test.describe('procedure catalogue editor', () => {
  test('an administrator changes a fee (a new version, seen on the public page) and an import with a mistake writes nothing', async ({ page }, info) => {
    test.skip(info.project.name !== 'desktop', 'desktop story');
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await page.goto('/quan-tri/thu-tuc');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Danh mục thủ tục hành chính');
    await page.getByLabel('Tìm thủ tục (gõ không dấu cũng được)').fill('trich luc ho tich');
    await page.getByTestId('catalogue-list').getByRole('button', { name: /^2\.000635 — / }).click();
    const fee = page.getByLabel('Mức thu của «Phí cấp bản sao trích lục hộ tịch» (đồng)');
    await expect(fee).toHaveValue('8.000');
    await fee.fill('10000');
    await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
    await expect(page.getByRole('status')).toContainText(/Đã lưu phiên bản 2/);
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

    const pub = await page.request.get('/thu-tuc/2.000635');
    expect(await pub.text()).toContain('10.000 đồng');

    // An import where one procedure is wrong: every problem listed, nothing written.
    const exported = (await (await page.request.get('/api/procedures/export?format=json')).json()) as Record<string, unknown>[];
    const bad = exported.slice(0, 3).map((p, i) => (i === 1 ? { ...p, name: 'Tên mới không được lưu', timeLimit: { days: -1 } } : p));
    const chooser = page.waitForEvent('filechooser');
    await page.getByLabel('Tệp danh mục (.json, .xlsx)').click();
    await (await chooser).setFiles({ name: 'danh-muc.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await page.getByRole('button', { name: 'Nhập danh mục' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page.getByText('[1].timeLimit', { exact: false })).toBeVisible();
    const after = (await (await page.request.get(`/api/procedures/${encodeURIComponent(String(exported[1]!.code))}`)).json()) as { procedure: { name: string } };
    expect(after.procedure.name).toBe(exported[1]!.name);
  });
});
