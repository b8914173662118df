import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test.describe('operations centre', () => {
  test('a leader drills from the province to a commune and clicks a figure to the list behind it', async ({ page }) => {
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh');
    await expect(page.getByRole('heading', { level: 1, name: 'Trung tâm điều hành' })).toBeVisible();
    await expect(page.getByTestId('ops-level-name')).toHaveText('Tỉnh Ninh Bình');
    // Every card says when it was computed; targets come with words, not colour alone.
    await expect(page.getByTestId('fig-dossiers.onTimeRate')).toContainText('Tính lúc');
    await expect(page.getByTestId('fig-dossiers.onTimeRate')).toContainText('Chỉ tiêu: 95%');

    // Province → commune (Phủ Lý) from the communes table.
    await page.getByTestId('drill-13285').click();
    await expect(page).toHaveURL(/unit=13285/);
    await expect(page.getByTestId('ops-level-name')).toContainText('Phủ Lý');
    await expect(page.getByText('Xã, phường ·', { exact: false })).toBeVisible();

    // The commune's overdue dossiers: the figure links to the overdue list the leader may see.
    const overdue = page.getByTestId('fig-link-dossiers.overdue');
    await expect(overdue).toBeVisible();
    await overdue.click();
    await expect(page).toHaveURL(/\/lam-viec\/ho-so\?tab=overdue/);
    await expect(page.getByRole('tab', { selected: true })).toBeVisible();

    // Back at the commune, the petitions' overdue figure opens the petitions list filtered to overdue.
    await page.goBack();
    await page.getByTestId('fig-link-petitions.overdue').click();
    await expect(page).toHaveURL(/\/lam-viec\/phan-anh\?loc=qua-han/);
  });

  test('the wall display refreshes itself, and the monthly report downloads and opens', async ({ page }) => {
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh');
    await page.getByTestId('ops-wall').click();
    await expect(page).toHaveURL(/man-hinh=1/);
    await expect(page.getByText('tự làm mới mỗi 30 giây')).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monthly-pdf').click()]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-e2e-'));
    try {
      const file = path.join(dir, 'report.pdf');
      await download.saveAs(file);
      execFileSync('pdftoppm', ['-png', '-r', '30', '-f', '1', '-l', '1', file, path.join(dir, 'p')]);
      expect(readdirSync(dir).some((f) => f.endsWith('.png'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('an overdue task shows red with its words on the programme screen', async ({ page }) => {
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh/chuong-trinh');
    await page.getByRole('tab', { name: 'Nhiệm vụ' }).click();
    const row = page.getByTestId('task-NV-2026-01');
    await expect(row).toContainText('Quá hạn');
    await expect(row.locator('[data-rag="red"]')).toBeVisible();
    await page.getByRole('tab', { name: 'Dự án' }).click();
    await expect(page.getByTestId('project-DA-LGSP')).toContainText('Dưới 10%');
    await page.goto('/lam-viec/dieu-hanh/dti');
    await expect(page.getByTestId('ops-dti-ranks')).toContainText('8/63');
  });
});
