import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, request, test } from '@playwright/test';
import { generateSync } from 'otplib';
import { PASSWORD, serverDb, signIn, TOTP_SECRET } from './helpers';

// A valid PDF: the server checks an evidence file's content, not its name.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

async function axe(page: Page) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Saves a download and renders its first page with pdftoppm: it opens. */
async function opens(download: { saveAs(p: string): Promise<void> }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-e2e-'));
  try {
    const file = path.join(dir, 'f.pdf');
    await download.saveAs(file);
    execFileSync('pdftoppm', ['-png', '-r', '30', '-f', '1', '-l', '1', file, path.join(dir, 'p')]);
    expect(readdirSync(dir).some((f) => f.endsWith('.png'))).toBe(true);
    return execFileSync('pdftotext', [file, '-']).toString('utf8').replace(/\s+/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test.describe('operations centre', () => {
  test('a leader drills from the province to a commune and clicks a figure to the list behind it', async ({ page }) => {
    test.setTimeout(150_000);
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

    // And the late dossiers: the figure leads to the list of the commune's dossiers finished late
    // in the period, as many as the figure says.
    await page.goBack();
    await expect(page.getByTestId('ops-level-name')).toContainText('Phủ Lý');
    await expect(page.getByTestId('fig-documents.issued')).toBeVisible();
    const late = page.getByTestId('fig-link-dossiers.late');
    await expect(late).toBeVisible();
    await late.click();
    await expect(page).toHaveURL(/\/lam-viec\/ho-so\?outcome=late&from=.*&unit=13285/);
    await expect(page.getByRole('heading', { name: 'Hồ sơ giải quyết quá hạn' })).toBeVisible();
    await expect(page.getByTestId('figure-list-scope')).toContainText('13285');
    await page.goBack();

    // The commune's screen as a PDF, with the time its figures were computed.
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ops-pdf').click()]);
    expect(pdf.suggestedFilename()).toMatch(/^dieu-hanh-xa-13285-.*\.pdf$/);
    const text = await opens(pdf);
    expect(text).toContain('Phủ Lý');
    expect(text).toContain('Tính lúc');
  });

  test('an agency enters an indicator actual with its evidence file', async ({ page, baseURL }) => {
    test.setTimeout(150_000);
    // The administrator gives Sở Tư pháp an indicator of its own (through the API), to be entered with evidence.
    const ctx = await request.newContext({ baseURL });
    const login = await ctx.post('/api/auth/login', { data: { identifier: 'admin@ninhbinh.gov.vn', password: PASSWORD, totp: generateSync({ secret: TOTP_SECRET }) } });
    expect(login.status()).toBe(200);
    const code = `NB-E2E-${Date.now() % 100000}`;
    const created = await ctx.post('/api/operations/indicators', {
      headers: { 'x-csrf-token': (await login.json()).csrfToken },
      data: { code, programme: 'NQ-01-2021', name: 'Tỷ lệ phiếu lý lịch tư pháp cấp trực tuyến', unit: 'percent', direction: 'up', ownerAgency: 'STP', legalBasis: 'Kế hoạch của Sở Tư pháp', source: 'entered', targets: [{ year: new Date().getFullYear(), value: 70 }] },
    });
    expect(created.status(), await created.text()).toBe(201);
    await ctx.dispose();

    await signIn(page, 'giamdoc.stp@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh/chuong-trinh');
    await page.getByTestId(`enter-${code}`).click();
    await page.getByTestId('actual-value').fill('75.5');
    const chooser = page.waitForEvent('filechooser');
    await page.getByTestId('actual-evidence').click();
    await (await chooser).setFiles({ name: 'bao-cao-quy-3.pdf', mimeType: 'application/pdf', buffer: PDF });
    await axe(page);
    await page.getByTestId('actual-save').click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    const row = page.getByTestId(`ind-${code}`);
    await expect(row).toContainText('75,5%');
    await expect(row).toContainText('1 tệp minh chứng');
    await expect(row).toContainText('Đạt');
  });

  test('the wall display refreshes itself, and the monthly report downloads and opens', async ({ page }) => {
    test.setTimeout(150_000);
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh');
    await page.getByTestId('ops-wall').click();
    await expect(page).toHaveURL(/man-hinh=1/);
    await expect(page.getByText('tự làm mới mỗi 30 giây')).toBeVisible();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('monthly-pdf').click()]);
    expect(await opens(download)).toContain('BÁO CÁO');
  });

  test('a task becomes overdue and turns red, on the kanban, the timeline and the list', async ({ page }) => {
    test.setTimeout(150_000);
    // NV-2026-02 is due in six days: move its deadline to yesterday in the server's database.
    const db = await serverDb();
    try {
      const r = await db.query(`UPDATE ops_task SET due_on = (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1 WHERE code = 'NV-2026-02' AND done_at IS NULL`);
      expect(r.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh/chuong-trinh');
    await page.getByRole('tab', { name: 'Nhiệm vụ' }).click();
    const card = page.getByTestId('task-card-NV-2026-02');
    await expect(page.getByTestId('kanban-overdue').getByTestId('task-card-NV-2026-02')).toBeVisible();
    await expect(card).toContainText('Quá hạn');
    await expect(card.locator('[data-rag="red"]')).toBeVisible();
    await axe(page);
    await page.getByTestId('task-view').getByText('Dòng thời gian').click();
    await expect(page.getByTestId('timeline-NV-2026-02').locator('[data-rag="red"]')).toBeVisible();
    await page.getByTestId('task-view').getByText('Danh sách').click();
    const row = page.getByTestId('task-NV-2026-01');
    await expect(row).toContainText('Quá hạn');
    await expect(row.locator('[data-rag="red"]')).toBeVisible();
    await page.getByRole('tab', { name: 'Dự án' }).click();
    await expect(page.getByTestId('project-DA-LGSP')).toContainText('Dưới 10%');
    await page.goto('/lam-viec/dieu-hanh/dti');
    await expect(page.getByTestId('ops-dti-ranks')).toContainText('8/63');
  });
  test('a leader clicks a petition figure and sees a list of the same size', async ({ page }) => {
    test.setTimeout(150_000);
    const count = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));
    await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
    for (const [level, key, url] of [
      ['', 'petitions.received', /\/lam-viec\/phan-anh\?outcome=received&from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/],
      ['?unit=13285', 'petitions.received', /\/lam-viec\/phan-anh\?outcome=received&from=.*&unit=13285$/],
      ['?unit=13285', 'petitions.open', /\/lam-viec\/phan-anh\?loc=dang-mo&unit=13285$/],
    ] as const) {
      await page.goto(`/lam-viec/dieu-hanh${level}`);
      const link = page.getByTestId(`fig-link-${key}`);
      // A screen's first load on a busy machine (the 766 score is computed with it) may take a while.
      await expect(link).toBeVisible({ timeout: 60_000 });
      const n = count(await link.textContent());
      await link.click();
      await expect(page).toHaveURL(url);
      // The list behind the figure, as many as the figure says, within what the leader may see.
      await expect(page.getByTestId('feedback-list-total')).toHaveAttribute('data-total', String(n), { timeout: 30_000 });
      if (level) await expect(page.getByTestId('feedback-figure-scope')).toContainText('13285');
      if (n > 0 && n <= 100) await expect(page.locator('table tbody tr')).toHaveCount(n);
    }
    await axe(page);
  });

  test('an operator edits a target and the card changes colour', async ({ page }) => {
    test.setTimeout(150_000);
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await page.goto('/lam-viec/dieu-hanh');
    // The first screen of a fresh server computes the 766 score too: slow on a busy machine.
    await expect(page.getByTestId('fig-dossiers.received')).toBeVisible({ timeout: 60_000 });
    await page.getByTestId('ops-targets-link').click();
    await expect(page).toHaveURL(/\/lam-viec\/dieu-hanh\/chi-tieu$/);
    await expect(page.getByTestId('ops-targets')).toContainText('Tỷ lệ giải quyết đúng hạn');
    await axe(page);
    await page.getByTestId('target-key').click();
    await page.getByRole('option', { name: 'Hồ sơ tiếp nhận', exact: true }).click();
    // Impossible input first: a negative count is refused with the field named, nothing stored.
    await page.getByTestId('target-target').fill('-5');
    await page.getByTestId('target-amber').fill('0');
    await page.getByTestId('target-basis').fill('Kế hoạch tiếp nhận hồ sơ năm của tỉnh');
    await page.getByTestId('target-save').click();
    await expect(page.getByText('không được âm').first()).toBeVisible();
    await expect(page.getByTestId('target-dossiers.received-province')).toHaveCount(0);
    // A target far above what the province received: red.
    await page.getByTestId('target-target').fill('100000000');
    await page.getByTestId('target-amber').fill('99999999');
    await page.getByTestId('target-save').click();
    await expect(page.getByTestId('target-saved')).toBeVisible();
    await expect(page.getByTestId('target-dossiers.received-province')).toBeVisible();
    await page.goto('/lam-viec/dieu-hanh');
    await expect(page.getByTestId('rag-dossiers.received')).toHaveAttribute('data-rag', 'red', { timeout: 30_000 });
    // Lowered to nothing: the same card turns green.
    await page.goto('/lam-viec/dieu-hanh/chi-tieu');
    await page.getByTestId('target-key').click();
    await page.getByRole('option', { name: 'Hồ sơ tiếp nhận', exact: true }).click();
    await page.getByTestId('target-target').fill('0');
    await page.getByTestId('target-amber').fill('0');
    await page.getByTestId('target-save').click();
    await expect(page.getByTestId('target-saved')).toBeVisible();
    await page.goto('/lam-viec/dieu-hanh');
    await expect(page.getByTestId('rag-dossiers.received')).toHaveAttribute('data-rag', 'green', { timeout: 30_000 });
    // Removed again, the card has no target.
    await page.goto('/lam-viec/dieu-hanh/chi-tieu');
    await page.getByTestId('target-key').click();
    await page.getByRole('option', { name: 'Hồ sơ tiếp nhận', exact: true }).click();
    await page.getByRole('button', { name: 'Bỏ chỉ tiêu' }).click();
    await expect(page.getByTestId('target-dossiers.received-province')).toHaveCount(0);
  });
});
