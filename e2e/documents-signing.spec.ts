import { PDF, rgb } from '@libpdf/core';
import { expect, request, test, type Page } from '@playwright/test';
import { axe, call, serverDb, signIn } from './helpers';

/**
 * The leader's signing screen and the registers' administration, in the browser:
 * - STP's director picks his registered signature image, sees where it and the
 *   agency's seal go, signs remotely (the dev CSC service asks "the phone" and
 *   answers a few seconds later) while the page shows the wait; the signed PDF
 *   passes the platform's validation (TOTAL_PASSED, his name);
 * - STP's clerk opens next year's outgoing register (next number 01) and closes it;
 * - the operations centre's deep link /lam-viec/van-ban?tab=incoming&overdue=1
 *   opens the incoming tab with only overdue documents.
 */

const key = () => ({ 'idempotency-key': `e2e-${crypto.randomUUID()}` });
const vnYear = () => new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();

async function pdfBase64(text: string): Promise<string> {
  const pdf = PDF.create();
  pdf.addPage({ size: 'a4' }).drawText(text, { x: 72, y: 760, size: 12, color: rgb(0, 0, 0) });
  return Buffer.from(await pdf.save()).toString('base64');
}

async function as(page: Page, who: string) {
  await page.context().clearCookies();
  await signIn(page, who, { totp: true });
}

test('the director signs remotely with his chosen signature image; the PDF validates', async ({ page, baseURL }) => {
  test.setTimeout(150_000);
  // Drafted, submitted and approved through the API (documents.spec.ts does these steps on screen).
  await as(page, 'chuyenvien.stp@ninhbinh.gov.vn');
  const doc = await call(page, 'POST', '/api/documents/outgoing', {
    docType: 'quyet_dinh', summary: 'Quyết định ký số từ xa có ảnh chữ ký', recipients: [{ name: 'Lưu: VT' }],
    file: { name: 'du-thao.pdf', data: await pdfBase64('QUYET DINH ky so tu xa') },
  }, key());
  await call(page, 'POST', `/api/documents/${doc.id}/actions/submit`, {}, key());
  await as(page, 'truongphong.stp@ninhbinh.gov.vn');
  await call(page, 'POST', `/api/documents/${doc.id}/actions/approve`, {}, key());

  await as(page, 'giamdoc.stp@ninhbinh.gov.vn');
  await page.goto(`/lam-viec/van-ban/${doc.id}`);
  await expect(page.getByTestId('doc-state')).toHaveText('Đã duyệt, chờ ký');
  const panel = page.getByTestId('sign-panel');
  await expect(panel).toBeVisible();
  // Text first (no image), then his registered image: the preview follows the choice.
  await panel.getByLabel(/Không dùng ảnh/).check();
  await expect(page.getByTestId('sign-preview-image')).toHaveCount(0);
  await panel.getByLabel('Chữ ký mẫu').check();
  await expect(page.getByTestId('sign-preview-image')).toBeVisible();
  await expect(page.getByTestId('sign-preview-seal')).toBeVisible();
  await axe(page, 'signing panel');

  await panel.getByText('Ký từ xa (trên điện thoại)').click();
  await panel.getByRole('button', { name: 'Gửi yêu cầu ký đến điện thoại' }).click();
  await expect(page.getByTestId('remote-waiting')).toBeVisible();
  await expect(page.getByTestId('remote-waiting')).toContainText('Đang chờ bạn xác nhận trên điện thoại');
  await expect(page.getByTestId('doc-state')).toHaveText('Đã ký, chờ phát hành', { timeout: 60_000 });

  // The signed PDF, checked by the platform's validation (what /kiem-tra-chu-ky shows anyone).
  const pdf = await page.request.get(`/api/documents/${doc.id}/pdf`);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const anyone = await request.newContext({ baseURL });
  const verified = await anyone.post('/api/documents/verify', { data: await pdf.body(), headers: { 'content-type': 'application/pdf' } });
  expect(verified.status(), await verified.text()).toBe(200);
  const report = await verified.json();
  await anyone.dispose();
  expect(report.indication).toBe('TOTAL_PASSED');
  expect(report.signatures).toHaveLength(1);
  expect(report.signatures[0].signer.commonName).toBe('Lê Quang Huy');
});

test("the clerk opens next year's register and closes it", async ({ page }) => {
  test.setTimeout(150_000);
  const next = vnYear() + 1;
  await as(page, 'vanthu.stp@ninhbinh.gov.vn');
  await page.goto('/lam-viec');
  await page.getByRole('link', { name: 'Sổ văn bản' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sổ đăng ký văn bản' })).toBeVisible();
  // Next year, outgoing, administrative documents: the defaults of the form.
  await expect(page.getByRole('combobox', { name: 'Năm', exact: true })).toHaveValue(String(next));
  await page.getByTestId('open-register-btn').click();
  await expect(page.getByTestId('register-done')).toContainText(`năm ${next}`);
  await page.getByRole('combobox', { name: 'Hiển thị năm' }).click();
  await page.getByRole('option', { name: String(next) }).click();
  const row = page.getByTestId(`register-${next}-outgoing-regular`);
  await expect(row.getByTestId('register-next')).toHaveText('01');
  await expect(row).toContainText('Đang mở');
  await axe(page, 'registers page');
  await row.getByRole('button', { name: /^Khóa sổ/ }).click();
  await expect(row).toContainText('Đã khóa');
  await expect(row.getByTestId('register-next')).toHaveText('—');
  // Opening it again is refused with a clear message.
  await page.getByTestId('open-register-btn').click();
  await expect(page.getByRole('alert')).toContainText('đã có');
});

test('the overdue deep link opens the incoming tab with only overdue documents', async ({ page }) => {
  test.setTimeout(150_000);
  await as(page, 'vanthu.stp@ninhbinh.gov.vn');
  const summaries = ['Công văn đến đã quá hạn xử lý', 'Công văn đến còn trong hạn xử lý'];
  const ids: string[] = [];
  for (const summary of summaries) {
    const d = await call(page, 'POST', '/api/documents/incoming', {
      docType: 'cong_van', summary, numberSymbol: `${ids.length + 7}/UBND-VP`, issuerName: 'UBND huyện mẫu',
      file: { name: 'cong-van.pdf', data: await pdfBase64(summary.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) },
    }, key());
    ids.push(d.id);
  }
  // Time passes for the first one (a browser cannot wait days): its deadline was yesterday.
  const db = await serverDb();
  try {
    await db.query(`UPDATE document SET deadline = now() - interval '1 day' WHERE id = $1`, [ids[0]]);
    await db.query(`UPDATE document SET deadline = now() + interval '5 days' WHERE id = $1`, [ids[1]]);
  } finally {
    await db.end();
  }
  await page.goto('/lam-viec/van-ban?tab=incoming&overdue=1');
  await expect(page.getByRole('tab', { name: 'Văn bản đến', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Chỉ văn bản quá hạn xử lý')).toBeChecked();
  await expect(page.getByRole('link', { name: new RegExp(summaries[0]) })).toBeVisible();
  await expect(page.getByRole('link', { name: new RegExp(summaries[1]) })).toHaveCount(0);
  // The switch off: the whole incoming queue again, both documents listed.
  await page.getByTestId('doc-overdue').click();
  await expect(page.getByLabel('Chỉ văn bản quá hạn xử lý')).not.toBeChecked();
  await expect(page).not.toHaveURL(/overdue=1/);
  await expect(page.getByRole('link', { name: new RegExp(summaries[1]) })).toBeVisible();
});
