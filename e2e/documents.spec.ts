import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDF, rgb } from '@libpdf/core';
import { expect, request, test, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import { PASSWORD, signIn, TOTP_SECRET } from './helpers';

/**
 * An official document from draft to finished, in the browser: STP's
 * specialist drafts, the head of division gives an opinion and approves, the
 * director signs with his .p12, the clerk issues and dispatches; it arrives at
 * Phủ Lý, whose chairman (given the clerk's role by the administrator)
 * registers and assigns it, and the handler finishes it.
 *
 * The director's .p12 is the demo one the server wrote under its DATA_DIR, so
 * this spec needs E2E_DATA_DIR (the config's data directory) to find it.
 */

const dataDir = process.env.E2E_DATA_DIR;
const p12 = dataDir ? path.join(dataDir, 'pki', 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12') : '';

async function apiLogin(baseURL: string, identifier: string) {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post('/api/auth/login', { data: { identifier, password: PASSWORD, totp: generateSync({ secret: TOTP_SECRET }) } });
  expect(r.status()).toBe(200);
  const body = await r.json();
  return { ctx, id: body.user.id as string, csrf: body.csrfToken as string };
}

async function open(page: Page, who: string, id: string) {
  await page.context().clearCookies();
  await signIn(page, who, { totp: true });
  await page.goto(`/lam-viec/van-ban/${id}`);
}

test('draft → opinions → sign → issue → arrives at another agency → registered → assigned → finished', async ({ page, baseURL }) => {
  test.skip(!dataDir, 'set E2E_DATA_DIR to the server data directory (the demo .p12 files live there)');
  test.setTimeout(120_000);
  await expect.poll(() => existsSync(p12), { timeout: 30_000 }).toBe(true);

  // The administrator gives Phủ Lý's chairman the clerk's role there (the demo has no clerk in Phủ Lý).
  const admin = await apiLogin(baseURL!, 'admin@ninhbinh.gov.vn');
  const phuly = await apiLogin(baseURL!, 'phuly@ninhbinh.gov.vn');
  const role = await admin.ctx.post(`/api/admin/accounts/${phuly.id}/roles`, { data: { role: 'clerk', unitCode: '13285' }, headers: { 'x-csrf-token': admin.csrf } });
  expect([201, 409]).toContain(role.status());

  const pdf = PDF.create();
  pdf.addPage({ size: 'a4' }).drawText('QUYET DINH ve viec ke hoach so hoa tai lieu luu tru 2027', { x: 72, y: 760, size: 12, color: rgb(0, 0, 0) });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'congso-e2e-doc-')), 'du-thao.pdf');
  writeFileSync(file, await pdf.save());

  // The specialist drafts and submits.
  await signIn(page, 'chuyenvien.stp@ninhbinh.gov.vn', { totp: true });
  await page.goto('/lam-viec/van-ban');
  await page.getByRole('tab', { name: 'Soạn văn bản đi' }).click();
  await page.getByLabel('Trích yếu').fill('Kế hoạch số hóa tài liệu lưu trữ năm 2027');
  await page.getByLabel('Nơi nhận').fill('UBND-13285');
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByRole('button', { name: 'Soạn văn bản đi' }).click();
  await page.getByRole('link', { name: 'Kế hoạch số hóa tài liệu lưu trữ năm 2027' }).click();
  const id = page.url().split('/').pop()!;
  await page.getByRole('button', { name: 'Trình xin ý kiến, duyệt' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đang xin ý kiến');

  // The head of division gives an opinion, then approves.
  await open(page, 'truongphong.stp@ninhbinh.gov.vn', id);
  await page.getByLabel('Ý kiến, ghi chú').fill('Bổ sung danh mục tài liệu');
  await page.getByRole('button', { name: 'Góp ý' }).click();
  await expect(page.getByText('Bổ sung danh mục tài liệu').first()).toBeVisible();
  await page.getByRole('button', { name: 'Duyệt dự thảo' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã duyệt, chờ ký');

  // The director signs with his own certificate.
  await open(page, 'giamdoc.stp@ninhbinh.gov.vn', id);
  await page.locator('input[type=file]').setInputFiles(p12);
  await page.getByLabel('Mật khẩu tệp .p12').fill('congso-dev');
  await page.getByRole('button', { name: 'Ký số' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã ký, chờ phát hành');

  // The clerk numbers, applies the organisation's signature, issues and dispatches.
  await open(page, 'vanthu.stp@ninhbinh.gov.vn', id);
  await page.getByRole('button', { name: 'Cấp số, ký số cơ quan và phát hành' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã phát hành');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Quyết định \d{2,}\/QĐ-STP/);
  await expect(page.getByText('TOTAL_PASSED').last()).toBeVisible();
  await page.getByRole('button', { name: 'Gửi văn bản' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã gửi');
  const detail = await (await page.request.get(`/api/documents/${id}`)).json();
  const incomingId = detail.recipients.find((r: { incomingId: string | null }) => r.incomingId).incomingId as string;

  // It arrives at Phủ Lý: registered and assigned there.
  await page.context().clearCookies();
  await signIn(page, 'phuly@ninhbinh.gov.vn', { totp: true });
  await page.goto('/lam-viec/van-ban');
  await page.getByRole('tab', { name: 'Văn bản đến', exact: true }).click();
  await page.getByRole('link', { name: /Kế hoạch số hóa tài liệu lưu trữ năm 2027/ }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Mới đến, chờ vào sổ');
  await page.getByRole('button', { name: 'Vào sổ văn bản đến' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã vào sổ, chờ phân công');
  await page.getByRole('combobox', { name: 'Người chủ trì xử lý' }).click();
  await page.getByRole('option', { name: 'Đặng Văn Hùng' }).click();
  await page.getByRole('button', { name: 'Giao xử lý' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã giao xử lý');

  // The handler finds it among his documents, with its deadline, and finishes it.
  await page.context().clearCookies();
  await signIn(page, 'congchuc.phuly@ninhbinh.gov.vn', { totp: true });
  await page.goto('/lam-viec/van-ban');
  await page.getByRole('link', { name: /Kế hoạch số hóa tài liệu lưu trữ năm 2027/ }).click();
  expect(page.url()).toContain(incomingId);
  await page.getByLabel('Ý kiến, ghi chú').fill('Đã triển khai kế hoạch');
  await page.getByRole('button', { name: 'Hoàn thành xử lý' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã xử lý xong');

  // The sender sees it finished.
  const sender = await (await admin.ctx.get(`/api/documents/${id}`)).json();
  expect(sender.recipients[0].status).toBe('finished');
});
