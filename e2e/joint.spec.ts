import AxeBuilder from '@axe-core/playwright';
import { PDF, rgb } from '@libpdf/core';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { signIn } from './helpers';

/**
 * Joint processing (liên thông): an administrator names another agency's step in the process
 * definition of a procedure; a dossier received by the commune passes to that agency, which sees it
 * in its queue, does its part and sends it back; the commune continues.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

async function axe(page: Page, what: string) {
  await page.waitForLoadState('networkidle');
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect.soft(bad.map((v) => `${what}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

async function person(browser: Browser, identifier: string, official = false): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, identifier, { totp: official });
  return page;
}

async function act(page: Page, label: string, fill?: (dialog: ReturnType<Page['getByRole']>) => Promise<void>) {
  await page.getByRole('button', { name: label, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (fill) await fill(dialog);
  await dialog.getByRole('button', { name: label, exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Files a dossier through the API from the citizen's signed-in page (the filing screens have their own spec). */
async function fileDossier(page: Page): Promise<{ id: string; code: string }> {
  return page.evaluate(async (png) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('congso_csrf='))?.slice(12) ?? '');
    const call = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => {
      const raw = body instanceof Blob;
      const r = await fetch(url, {
        method, credentials: 'same-origin', body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
        headers: { 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': raw ? 'image/png' : 'application/json' }), ...headers },
      });
      if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const d = await call('POST', '/api/dossier-drafts', { procedureCode: 'LT.001193', unitCode: '13285' });
    await call('PUT', `/api/dossier-drafts/${d.id}`, {
      version: d.version,
      forms: { to_khai: {
        ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha', tre_ho_ten: 'Nguyễn Minh Khôi',
        tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình', me_ho_ten: 'Lê Thị Hoa',
      } },
    });
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    await call('POST', `/api/dossier-drafts/${d.id}/files?component=giay_chung_sinh&name=giay-chung-sinh.png`, new Blob([bytes], { type: 'image/png' }));
    const s = await call('POST', `/api/dossier-drafts/${d.id}/submit`, {}, { 'idempotency-key': `e2e-joint-${d.id}` });
    return { id: s.id as string, code: s.code as string };
  }, PNG.toString('base64'));
}

test('a joint dossier passes from the commune to the Department of Justice and back', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'desktop only');
  test.setTimeout(600_000);

  // The administrator adds the other agency's step to the procedure's process.
  const admin = await person(browser, 'admin@ninhbinh.gov.vn', true);
  await admin.goto('/quan-tri/quy-trinh?thu-tuc=LT.001193');
  await expect(admin.getByTestId('definition-version')).toHaveText('Quy trình mặc định (chưa lưu phiên bản nào)', { timeout: 30_000 });
  await admin.getByRole('button', { name: 'Thêm bước liên thông' }).click();
  await admin.getByRole('combobox', { name: 'Cơ quan thực hiện bước 1', exact: true }).click();
  await admin.getByRole('option', { name: 'Sở Tư pháp (STP)' }).click();
  await admin.getByRole('combobox', { name: 'Loại bước 1', exact: true }).click();
  await admin.getByRole('option', { name: 'Cho ý kiến' }).click();
  await admin.getByLabel('Tên bước 1', { exact: true }).fill('Cho ý kiến về hộ tịch');
  await admin.getByLabel('Thời hạn bước 1', { exact: true }).fill('3');
  await axe(admin, '/quan-tri/quy-trinh (joint)');
  await admin.getByRole('button', { name: 'Lưu phiên bản mới' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Đã lưu phiên bản 1' })).toBeVisible();
  await admin.reload();
  await expect(admin.getByLabel('Tên bước 1', { exact: true })).toHaveValue('Cho ý kiến về hộ tịch', { timeout: 30_000 });

  const citizen = await person(browser, 'congdan@example.vn');
  const { id, code } = await fileDossier(citizen);

  // The commune receives it and hands it over.
  const commune = await person(browser, 'phuly@ninhbinh.gov.vn', true);
  await commune.goto(`/ho-so/${id}`);
  await act(commune, 'Tiếp nhận');
  await expect(commune.getByTestId('dossier-state')).toHaveText('Đang giải quyết');
  await act(commune, 'Chuyển xử lý liên thông');
  await expect(commune.getByTestId('dossier-state')).toHaveText('Đang xử lý liên thông');
  await expect(commune.getByTestId('current-agency')).toContainText('Sở Tư pháp');
  // Now the commune reads it but acts no more.
  await expect(commune.getByRole('group', { name: 'Thao tác' })).toHaveCount(0);

  // Public tracking says where it is.
  await citizen.goto(`/tra-cuu-ho-so?ma=${encodeURIComponent(code)}`);
  await expect(citizen.getByRole('row', { name: /Đang xử lý tại/ })).toContainText('Sở Tư pháp');
  // And in the app, on a phone: the agency holding it, each agency's step with its state and deadline, nothing wider than the screen.
  await citizen.setViewportSize({ width: 390, height: 844 });
  await citizen.goto(`/tra-cuu/${encodeURIComponent(code)}`);
  await expect(citizen.getByTestId('tracking-current-agency')).toHaveText('Sở Tư pháp');
  const steps = citizen.getByTestId('tracking-joint-steps');
  await expect(steps).toContainText('Cho ý kiến về hộ tịch');
  await expect(steps).toContainText('Đang xử lý');
  await expect(steps).toContainText('Hạn của bước:');
  await expect(citizen.getByRole('heading', { name: 'Các cơ quan giải quyết liên thông' })).toBeVisible();
  expect(await citizen.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await axe(citizen, '/tra-cuu/:code (joint, phone)');
  await citizen.setViewportSize({ width: 1280, height: 800 });

  // The department finds it in its queue, gives its opinion and sends it back.
  const stp = await person(browser, 'chuyenvien.stp@ninhbinh.gov.vn', true);
  await stp.goto('/lam-viec/ho-so?tab=joint');
  await stp.getByLabel('Tìm theo mã hồ sơ, người nộp').fill(code);
  await expect(stp.getByText('Đang ở: Sở Tư pháp')).toBeVisible();
  await stp.getByRole('link', { name: code }).click();
  await expect(stp.getByTestId('joint-steps')).toContainText('Cho ý kiến về hộ tịch');
  await axe(stp, '/ho-so/:id (joint, other agency)');
  // The department attaches its own result before finishing its part; the platform signs it with the department's signature.
  const opinion = PDF.create();
  opinion.addPage({ size: 'a4' }).drawText('Y KIEN cua So Tu phap ve dang ky ho tich', { x: 72, y: 760, size: 12, color: rgb(0, 0, 0) });
  await stp.locator('input[type=file]').setInputFiles({ name: 'y-kien-stp.pdf', mimeType: 'application/pdf', buffer: Buffer.from(await opinion.save()) });
  await stp.getByRole('button', { name: 'Đính kèm kết quả' }).click();
  await expect(stp.getByText('Đã đính kèm kết quả của cơ quan')).toBeVisible({ timeout: 30_000 });
  await expect(stp.getByTestId('joint-steps')).toContainText('y-kien-stp.pdf (đã ký số)');
  await act(stp, 'Xong phần việc, trả về nơi tiếp nhận');
  await expect(stp.getByTestId('dossier-state')).toHaveText('Đang giải quyết');

  // Back at the commune, which continues.
  await commune.reload();
  await expect(commune.getByTestId('joint-steps')).toContainText('Đã xong, trả về nơi tiếp nhận');
  await expect(commune.getByTestId('current-agency')).toContainText('Ủy ban nhân dân Phường Phủ Lý');
  // The department's result is among the dossier's results, for the commune and for the applicant.
  await expect(commune.getByTestId('joint-result')).toHaveText('Kết quả của Sở Tư pháp: y-kien-stp.pdf');
  await citizen.goto(`/ho-so/${id}`);
  const mine = citizen.getByTestId('joint-result');
  await expect(mine).toHaveText('Kết quả của Sở Tư pháp: y-kien-stp.pdf');
  const download = await citizen.request.get((await mine.getAttribute('href'))!);
  expect(download.status()).toBe(200);
  expect((await download.body()).subarray(0, 5).toString()).toBe('%PDF-');
  await act(commune, 'Trình phê duyệt');
  await expect(commune.getByTestId('dossier-state')).toHaveText('Chờ phê duyệt');
});
