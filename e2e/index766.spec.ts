import { expect, type Page, test } from '@playwright/test';
import { axe, call, person, PNG } from './helpers';

const key = () => `e2e-${crypto.randomUUID()}`;

async function finished(page: Page): Promise<number> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)');
  const cell = page.getByTestId('index766-finished');
  await expect(cell).toBeVisible();
  return Number((await cell.textContent())!.replace(/\D/g, ''));
}

test.describe('the Decision 766 index', () => {
  test('a dossier resolved this year shows in the public index', async ({ browser }, info) => {
    test.skip(info.project.name !== 'desktop', 'desktop only');
    test.setTimeout(180_000);

    // Anyone reaches the index from the menu; "this year" is the default period.
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto('/');
    await visitor.getByRole('link', { name: 'Chỉ số phục vụ (766)' }).click();
    await expect(visitor).toHaveURL(/\/chi-so-766$/);
    const year = new Date().getFullYear();
    await expect(visitor.getByTestId('index766-period')).toHaveText(`Kỳ: từ 01/01/${year} đến 31/12/${year}`);
    const before = await finished(visitor);
    const onTimeBefore = Number((await visitor.getByTestId('indicator-2.1-denominator').textContent())!.replace(/\D/g, '') || 0);
    await expect(visitor.getByText(/^Tính được từ dữ liệu congso: \d+ điểm$/)).toBeVisible();
    // Petitions come from the feedback module: computed like the dossier indicators.
    await expect(visitor.getByTestId('indicator-5.2')).toContainText('Đã tính');
    await expect(visitor.getByTestId('indicator-4.4')).toContainText('Cần dữ liệu quốc gia');
    await expect(visitor.getByTestId('indicator-4.3')).toContainText('Chưa theo dõi');
    await expect(visitor.getByTestId('indicator-2.2')).toContainText('Theo dõi');
    await expect(visitor.getByRole('img', { name: /^Biểu đồ điểm theo nhóm chỉ số/ })).toBeVisible();

    // A citizen applies online; the desk receives, the specialist submits, the director approves (through the API).
    const citizen = await person(browser, 'congdan@example.vn');
    const draft = await call<{ id: string; version: number }>(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' });
    const saved = await call<{ version: number }>(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, {
      version: draft.version,
      forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Kiểm tra chỉ số 766' } },
    });
    expect(saved.version).toBeGreaterThan(draft.version);
    await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/files?component=giay_to_tuy_than&name=cccd.png`, PNG);
    const dossier = await call<{ id: string; state: string }>(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, { 'idempotency-key': key() });
    expect(dossier.state).toBe('submitted');

    const desk = await person(browser, 'motcua@ninhbinh.gov.vn', true);
    await call(desk, 'POST', `/api/dossiers/${dossier.id}/actions/receive`, {}, { 'idempotency-key': key() });
    const specialist = await person(browser, 'chuyenvien.stp@ninhbinh.gov.vn', true);
    await call(specialist, 'POST', `/api/dossiers/${dossier.id}/actions/process`, {}, { 'idempotency-key': key() });
    const director = await person(browser, 'giamdoc.stp@ninhbinh.gov.vn', true);
    const done = await call<{ state: string }>(director, 'POST', `/api/dossiers/${dossier.id}/actions/approve`, {}, { 'idempotency-key': key() });
    expect(done.state).toBe('approved');

    // Reloaded, the index counts one more resolved dossier (on time: it was resolved the day it was received).
    await visitor.reload();
    expect(await finished(visitor)).toBe(before + 1);
    await expect(visitor.getByTestId('indicator-2.1-denominator')).toHaveText(String(onTimeBefore + 1));
    await expect(visitor.getByTestId('index766-handlers')).toBeVisible();
    await expect(visitor.getByTestId('index766-handlers').getByRole('rowheader', { name: /Sở Tư pháp/ }).first()).toBeVisible();

    // Other periods and a custom range keep working.
    await visitor.getByText('Tháng này', { exact: true }).click();
    await expect(visitor).toHaveURL(/ky=month/);
    expect(await finished(visitor)).toBeGreaterThanOrEqual(1);
    await visitor.getByText('Tùy chọn', { exact: true }).click();
    await expect(visitor.getByLabel('Từ ngày')).toHaveValue(/^\d{4}-\d{2}-\d{2}$/);

    // Accessible, and usable on a phone: nothing wider than the screen.
    await visitor.goto('/chi-so-766');
    await axe(visitor, '/chi-so-766');
    await visitor.setViewportSize({ width: 390, height: 844 });
    await visitor.reload();
    await finished(visitor);
    await visitor.waitForLoadState('networkidle');
    expect(await visitor.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    for (const p of [visitor, citizen, desk, specialist, director]) await p.context().close();
  });
});
