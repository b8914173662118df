import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test('an administrator changes a procedure\'s time limit and roles; a change the dossier code cannot follow is refused', async ({ page }, info) => {
  test.skip(info.project.name !== 'desktop', 'desktop only');
  test.setTimeout(120_000);
  await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
  await page.getByRole('link', { name: 'Quy trình xử lý hồ sơ' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quy trình xử lý hồ sơ theo thủ tục');
  await page.getByLabel('Tìm thủ tục (gõ không dấu cũng được)').fill('ly lich tu phap');
  await page.getByRole('button', { name: /^Chọn: Cấp Phiếu lý lịch tư pháp/ }).first().click();
  await expect(page).toHaveURL(/\/quan-tri\/quy-trinh\?thu-tuc=/);
  await expect(page.getByTestId('definition-version')).toHaveText('Quy trình mặc định (chưa lưu phiên bản nào)', { timeout: 30_000 });
  const processing = page.getByLabel('Thời hạn của «Đang giải quyết»', { exact: true });
  await expect(processing).toHaveValue('10');
  await expect(page.getByTestId('state-processing')).toContainText('Tạm dừng khi: Chờ bổ sung');

  // The server refuses removing the reception time limit, naming it.
  await page.getByLabel('Thời hạn của «Chờ tiếp nhận»', { exact: true }).fill('');
  await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(page.getByRole('alert')).toContainText('sla.submitted: không được bỏ thời hạn');
  await page.getByRole('button', { name: 'Hoàn tác thay đổi' }).click();

  await processing.fill('12');
  // Only specialists and leaders submit for approval here: heads of division no longer do.
  await page.getByRole('combobox', { name: 'Vai trò được thực hiện «Trình phê duyệt»' }).click({ force: true });
  await page.getByRole('option', { name: 'Trưởng phòng (division_head)' }).click();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Đã lưu phiên bản 1' })).toBeVisible();
  await expect(page.getByTestId('definition-version')).toHaveText('Phiên bản 1');
  await page.reload();
  await expect(page.getByLabel('Thời hạn của «Đang giải quyết»', { exact: true })).toHaveValue('12', { timeout: 30_000 });
});
