import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { signIn } from './helpers';

const publicPages = ['/', '/dich-vu-cong', '/thu-tuc', '/tra-cuu', '/chi-so-766', '/phan-anh', '/phan-anh/gui', '/gop-y', '/dang-nhap', '/dang-ky', '/quen-mat-khau', '/khong-co-trang-nay'];
const adminPages = ['/lam-viec', '/quan-tri/thu-tuc', '/quan-tri/don-vi', '/quan-tri/co-quan', '/quan-tri/can-bo', '/quan-tri/vai-tro', '/quan-tri/quy-trinh', '/quan-tri/quy-trinh?thu-tuc=2.000488', '/quan-tri/lich', '/quan-tri/hang-doi', '/quan-tri/nhat-ky', '/lam-viec/phan-anh', '/lam-viec/phan-anh/tong-hop', '/lam-viec/gop-y/moi'];

async function audit(page: import('@playwright/test').Page, url: string) {
  await page.goto(url);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect.soft(bad.map((v) => `${url}: ${v.id} (${v.nodes.length}) ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);
}

// Each page waits for the network to be idle and runs axe: a dozen pages take most of a minute on a phone.
test('public pages have no serious accessibility violations', async ({ page }) => {
  test.setTimeout(150_000);
  for (const url of publicPages) await audit(page, url);
});

test('a citizen\'s report form has no serious accessibility violations', async ({ page }) => {
  await signIn(page, 'congdan@example.vn');
  for (const url of ['/phan-anh/gui', '/phan-anh/cua-toi']) await audit(page, url);
});

// Two halves: the whole list outgrew the test's time limit as pages grew.
for (const [half, urls] of [['first', adminPages.slice(0, 7)], ['second', adminPages.slice(7)]] as const) {
  test(`officials' pages have no serious accessibility violations (${half} half)`, async ({ page }) => {
    test.setTimeout(150_000);
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    await expect(page).toHaveURL(/\/lam-viec/);
    for (const url of urls) await audit(page, url);
  });
}

// The operations centre's pages, apart: the officials' list above is already near the test's time limit.
test("officials' operations-centre pages have no serious accessibility violations", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page, 'lanhdao@ninhbinh.gov.vn', { totp: true });
  for (const url of ['/lam-viec/dieu-hanh', '/lam-viec/dieu-hanh?man-hinh=1', '/lam-viec/dieu-hanh?unit=13285', '/lam-viec/dieu-hanh/chuong-trinh', '/lam-viec/dieu-hanh/dti']) await audit(page, url);
});

// The clerk's registers page (sổ văn bản), on the desktop and the phone.
test("the clerk's registers page has no serious accessibility violations", async ({ page }) => {
  test.setTimeout(150_000);
  await signIn(page, 'vanthu.stp@ninhbinh.gov.vn', { totp: true });
  await audit(page, '/lam-viec/so-van-ban');
});
