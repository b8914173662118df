import AxeBuilder from '@axe-core/playwright';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDF, rgb } from '@libpdf/core';
import { expect, request, test, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import { PASSWORD, signIn, TOTP_SECRET } from './helpers';

/**
 * A document between agencies over the edXML exchange, in the browser: STP's
 * specialist drafts to Sở Khoa học và Công nghệ (SKHCN), the head of division
 * gives an opinion and approves, the director signs, the clerk issues and
 * dispatches. The packet travels over HTTPS with client certificates; SKHCN
 * registers, assigns and finishes it, and STP sees each recipient status
 * come back (01 arrived … 06 finished) on the outgoing document.
 *
 * Single-instance demo set-up: there is one e2e server, so its demo registry
 * maps STP and SKHCN to the server's own exchange endpoint (started on a free
 * port, its certificate issued by the dev CA). The packet still leaves through
 * the outbox, crosses a real mutual-TLS connection and is checked as any other
 * instance's would be (docs/documents.md, "Single-instance demo").
 */

const dataDir = process.env.E2E_DATA_DIR;
const p12 = dataDir ? path.join(dataDir, 'pki', 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12') : '';
const SUMMARY = 'Đề nghị phối hợp triển khai nền tảng chữ ký số năm 2027';

async function apiLogin(baseURL: string, identifier: string) {
  const ctx = await request.newContext({ baseURL });
  const r = await ctx.post('/api/auth/login', { data: { identifier, password: PASSWORD, totp: generateSync({ secret: TOTP_SECRET }) } });
  expect(r.status()).toBe(200);
  const body = await r.json();
  return { ctx, id: body.user.id as string, csrf: body.csrfToken as string };
}

async function open(page: Page, who: string, id: string, totp = true) {
  await page.context().clearCookies();
  await signIn(page, who, { totp });
  await page.goto(`/lam-viec/van-ban/${id}`);
}

/** Reloads until the recipient's badge says `text` (packets travel through the outbox, polled every half second). */
async function recipientStatus(page: Page, organId: string, text: string) {
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId(`recipient-status-${organId}`)).toHaveText(text, { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
}

test('draft → opinions → sign → issue → arrives at the other agency by edXML → registered → assigned → finished', async ({ page, baseURL }) => {
  test.skip(!dataDir, 'set E2E_DATA_DIR to the server data directory (the demo .p12 files live there)');
  test.setTimeout(420_000);
  await expect.poll(() => existsSync(p12), { timeout: 30_000 }).toBe(true);

  // SKHCN's director and specialist get accounts (the demo has their officials, not their accounts).
  const admin = await apiLogin(baseURL!, 'admin@ninhbinh.gov.vn');
  const h = { 'x-csrf-token': admin.csrf };
  const officials = (await (await admin.ctx.get('/api/admin/officials')).json()).items as { id: string; email: string | null; agencyId: string; accountId: string | null }[];
  for (const [email, roles] of [['giamdoc.skhcn@ninhbinh.gov.vn', ['leader', 'clerk']], ['chuyenvien.skhcn@ninhbinh.gov.vn', ['specialist']]] as const) {
    const o = officials.find((x) => x.email === email)!;
    expect(o).toBeTruthy();
    let accountId = o.accountId;
    if (!accountId) {
      const acc = await admin.ctx.post('/api/admin/accounts', { data: { officialId: o.id, email, password: PASSWORD }, headers: h });
      expect(acc.status()).toBe(201);
      accountId = (await acc.json()).id;
    }
    for (const role of roles) {
      const r = await admin.ctx.post(`/api/admin/accounts/${accountId}/roles`, { data: { role, agencyId: o.agencyId }, headers: h });
      expect([201, 409]).toContain(r.status());
    }
  }
  // The demo registry: both agencies reached over the exchange at this server's own HTTPS endpoint.
  const registry = (await (await admin.ctx.get('/api/documents/exchange/agencies')).json()) as { organId: string; endpoint: string }[];
  expect(registry.map((r) => r.organId)).toEqual(expect.arrayContaining(['SKHCN', 'STP']));
  expect(registry.find((r) => r.organId === 'SKHCN')!.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/edxml$/);

  const pdf = PDF.create();
  pdf.addPage({ size: 'a4' }).drawText('CONG VAN de nghi phoi hop trien khai chu ky so 2027', { x: 72, y: 760, size: 12, color: rgb(0, 0, 0) });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'congso-e2e-edxml-')), 'du-thao.pdf');
  writeFileSync(file, await pdf.save());

  // STP's specialist drafts to SKHCN and submits; the head of division gives an opinion and approves.
  await signIn(page, 'chuyenvien.stp@ninhbinh.gov.vn', { totp: true });
  await page.goto('/lam-viec/van-ban');
  await page.getByRole('tab', { name: 'Soạn văn bản đi' }).click();
  await page.getByLabel('Trích yếu').fill(SUMMARY);
  await page.getByLabel('Nơi nhận').fill('SKHCN');
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByRole('button', { name: 'Soạn văn bản đi' }).click();
  await page.getByRole('link', { name: SUMMARY }).click();
  const id = page.url().split('/').pop()!;
  await page.getByRole('button', { name: 'Trình xin ý kiến, duyệt' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đang xin ý kiến');
  await open(page, 'truongphong.stp@ninhbinh.gov.vn', id);
  await page.getByLabel('Ý kiến, ghi chú').fill('Nêu rõ đầu mối phối hợp');
  await page.getByRole('button', { name: 'Góp ý' }).click();
  await expect(page.getByText('Nêu rõ đầu mối phối hợp').first()).toBeVisible();
  await page.getByRole('button', { name: 'Duyệt dự thảo' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã duyệt, chờ ký');

  // The director signs; the clerk issues and dispatches: the recipient is reached over the exchange.
  await open(page, 'giamdoc.stp@ninhbinh.gov.vn', id);
  await page.locator('input[type=file]').setInputFiles(p12);
  await page.getByLabel('Mật khẩu tệp .p12').fill('congso-dev');
  await page.getByRole('button', { name: 'Ký số' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã ký, chờ phát hành');
  await open(page, 'vanthu.stp@ninhbinh.gov.vn', id);
  await page.getByRole('button', { name: 'Cấp số, ký số cơ quan và phát hành' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã phát hành');
  await page.getByRole('button', { name: 'Gửi văn bản' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã gửi');
  await expect(page.getByTestId('doc-recipients')).toContainText('Trục liên thông (edXML)');
  // Status 01: SKHCN's endpoint stored it and answered "arrived".
  await recipientStatus(page, 'SKHCN', 'Đã đến');
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} ${n.html.slice(0, 120)}`))).toEqual([]);

  // At SKHCN: in the incoming queue, from STP by edXML; registered (03) and assigned (04).
  await page.context().clearCookies();
  await signIn(page, 'giamdoc.skhcn@ninhbinh.gov.vn');
  await page.goto('/lam-viec/van-ban');
  await page.getByRole('tab', { name: 'Văn bản đến', exact: true }).click();
  await page.getByRole('link', { name: new RegExp(SUMMARY) }).click();
  const incomingId = page.url().split('/').pop()!;
  await expect(page.getByTestId('doc-edxml-origin')).toContainText('STP');
  await expect(page.getByTestId('doc-state')).toHaveText('Mới đến, chờ vào sổ');
  await expect(page.getByText('TOTAL_PASSED').first()).toBeVisible();
  await page.getByRole('button', { name: 'Vào sổ văn bản đến' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã vào sổ, chờ phân công');
  await page.getByRole('combobox', { name: 'Người chủ trì xử lý' }).click();
  await page.getByRole('option', { name: 'Đỗ Thị Thu' }).click();
  await page.getByRole('button', { name: 'Giao xử lý' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã giao xử lý');

  // The specialist finishes it (06).
  await open(page, 'chuyenvien.skhcn@ninhbinh.gov.vn', incomingId, false);
  await page.getByLabel('Ý kiến, ghi chú').fill('Đã cử đầu mối phối hợp');
  await page.getByRole('button', { name: 'Hoàn thành xử lý' }).click();
  await expect(page.getByTestId('doc-state')).toHaveText('Đã xử lý xong');

  // STP sees the recipient's status come back: finished.
  await open(page, 'vanthu.stp@ninhbinh.gov.vn', id);
  await recipientStatus(page, 'SKHCN', 'Đã hoàn thành');
  const packets = (await (await page.request.get(`/api/documents/${id}/packets`)).json()) as { direction: string; statusCode: string | null }[];
  expect(packets.filter((p) => p.direction === 'in').map((p) => p.statusCode)).toEqual(['01', '03', '04', '06']);
});
