import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

test.describe("officials' workspace", () => {
  test('an official needs the one-time code, then sees the workspace and roles', async ({ page }) => {
    await signIn(page, 'giamdoc.stp@ninhbinh.gov.vn', { totp: true });
    await expect(page).toHaveURL(/\/lam-viec$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Không gian làm việc');
    await expect(page.getByText('Sở Tư pháp').first()).toBeVisible();
    // A director is not an administrator.
    await expect(page.getByRole('link', { name: 'Lịch ngày nghỉ' })).toHaveCount(0);
  });

  test('a wrong one-time code is refused', async ({ page }) => {
    await page.goto('/dang-nhap');
    await page.getByLabel('Số định danh cá nhân, mã số thuế, email hoặc số điện thoại').fill('lanhdao@ninhbinh.gov.vn');
    await page.getByLabel(/^Mật khẩu/).fill('Congso@2026');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.getByLabel('Mã xác thực 6 số (ứng dụng xác thực)').first().click();
    await page.keyboard.type('000000');
    await page.getByRole('button', { name: 'Xác nhận' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(page).toHaveURL(/\/dang-nhap/);
  });

  test('the administrator adds a day off, sees it counted, and removes it', async ({ page }) => {
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await page.getByRole('link', { name: 'Lịch ngày nghỉ' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lịch ngày nghỉ và ngày làm bù');
    await page.getByLabel('Năm').fill('2026');
    await expect(page.getByTestId('calendar-days')).toContainText('Tết Nguyên đán');

    await page.getByRole('textbox', { name: 'Ngày', exact: true }).fill('2026-12-15');
    await page.getByLabel('Lý do').fill('Nghỉ bầu cử bổ sung (thử nghiệm)');
    await page.getByRole('button', { name: 'Thêm ngày' }).click();
    await expect(page.getByRole('status')).toHaveText('Đã lưu');
    const row = page.getByRole('row', { name: /15\/12\/2026/ });
    await expect(row).toContainText('Nghỉ bầu cử bổ sung (thử nghiệm)');

    // Monday 14 December 2026, 09:00, one working day: the 15th is now off, so the 16th.
    const r = await page.request.get('/api/calendar/appointment?receivedAt=2026-12-14T09:00:00%2B07:00&days=1');
    expect((await r.json()).dueAt).toMatch(/^2026-12-16T/);

    await row.getByRole('button', { name: 'Xóa 2026-12-15' }).click();
    await expect(page.getByRole('status')).toHaveText('Đã xóa ngày');
    await expect(page.getByRole('row', { name: /15\/12\/2026/ })).toHaveCount(0);
    const again = await page.request.get('/api/calendar/appointment?receivedAt=2026-12-14T09:00:00%2B07:00&days=1');
    expect((await again.json()).dueAt).toMatch(/^2026-12-15T/);

    // The change is in the audit log, and the chain verifies.
    await page.getByRole('link', { name: 'Nhật ký hệ thống' }).click();
    await expect(page.getByRole('cell', { name: /calendar/ }).first()).toBeVisible();
    await page.getByRole('button', { name: 'Kiểm tra toàn vẹn' }).click();
    await expect(page.getByTestId('audit-verify')).toContainText('Nhật ký toàn vẹn');
  });

  test('the administrator browses units, agencies, officials, roles and the job queue', async ({ page }) => {
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await page.getByRole('link', { name: 'Đơn vị hành chính' }).click();
    await page.getByLabel('Tìm kiếm').fill('phu ly');
    await expect(page.getByRole('cell', { name: 'Phường Phủ Lý' })).toBeVisible();

    await page.getByRole('link', { name: 'Cơ quan' }).click();
    await expect(page.getByRole('cell', { name: 'Sở Tư pháp', exact: true })).toBeVisible();

    await page.getByRole('link', { name: 'Cán bộ' }).click();
    await expect(page.getByRole('cell', { name: 'giamdoc.stp@ninhbinh.gov.vn' })).toBeVisible();

    await page.getByRole('link', { name: 'Vai trò và phân quyền' }).click();
    await expect(page.getByRole('heading', { name: 'Giao vai trò' })).toBeVisible();

    await page.getByRole('link', { name: 'Hàng đợi công việc' }).click();
    await expect(page.getByTestId('jobs-done')).toBeVisible();
  });

  test('bad input on an admin form names the field in Vietnamese', async ({ page }) => {
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await page.goto('/quan-tri/lich');
    await page.getByLabel('Giờ chốt nhận hồ sơ').fill('07:00');
    await page.getByRole('button', { name: 'Lưu' }).click();
    await expect(page.getByRole('alert')).toBeVisible();
  });
});
