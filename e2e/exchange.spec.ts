import AxeBuilder from '@axe-core/playwright';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { serverDb, signIn } from './helpers';

/**
 * Data exchange in the web app: the administrator registers a partner system
 * (the secret shown once); the partner asks the commune for access through the
 * API; the commune's leader refuses a first request with reasons and grants
 * the second, with the 2-working-day deadline on screen; a dossier event fans
 * out to the partner's subscription, and the administrator sees the delivery
 * in its history, replays it and reads the exchange-log figures.
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

/** Files a dossier in Phủ Lý through the API from the citizen's signed-in page (the filing screens have their own spec). */
async function fileDossier(page: Page): Promise<string> {
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
        ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', noi_cu_tru: 'Phường Phủ Lý, tỉnh Ninh Bình', quan_he: 'Cha', tre_ho_ten: 'Nguyễn Minh An',
        tre_gioi_tinh: 'Nam', tre_ngay_sinh: '2026-11-20', tre_noi_sinh: 'Bệnh viện Sản Nhi Ninh Bình', me_ho_ten: 'Lê Thị Hoa',
      } },
    });
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    await call('POST', `/api/dossier-drafts/${d.id}/files?component=giay_chung_sinh&name=giay-chung-sinh.png`, new Blob([bytes], { type: 'image/png' }));
    const s = await call('POST', `/api/dossier-drafts/${d.id}/submit`, {}, { 'idempotency-key': `e2e-exchange-${d.id}` });
    return s.code as string;
  }, PNG.toString('base64'));
}

test('a partner asks, the owner answers in the web app, and the delivery history shows the delivery', async ({ browser, request }, info) => {
  test.skip(info.project.name !== 'desktop', 'desktop only');
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36).toUpperCase();

  // The administrator registers the partner system; the secret is shown once.
  const admin = await person(browser, 'admin@ninhbinh.gov.vn', true);
  await admin.goto('/quan-tri/doi-tac');
  await expect(admin.getByRole('heading', { name: 'Hệ thống đối tác và trao đổi dữ liệu' })).toBeVisible();
  await admin.getByLabel('Mã thành viên').fill('000.00.37.H40');
  await admin.getByLabel('Phân hệ').fill(`LGSP-${suffix}`);
  await admin.getByLabel(/^Cơ quan/).fill('Sở Nông nghiệp và Môi trường');
  await admin.getByLabel('Tên hệ thống').fill('Hệ thống thông tin đất đai');
  await admin.getByLabel('Người liên hệ').fill('Trung tâm CNTT');
  await admin.getByLabel('Thư điện tử liên hệ').fill('cntt@ninhbinh.gov.vn');
  await admin.getByRole('button', { name: 'Đăng ký hệ thống đối tác' }).click();
  await expect(admin.getByTestId('client-secret')).toBeVisible();
  const clientId = (await admin.getByTestId('client-id').textContent())!;
  const clientSecret = (await admin.getByTestId('client-secret').textContent())!;
  expect(clientId).toBe(`GOV/000.00.37.H40/LGSP-${suffix}`);
  await expect(admin.getByRole('cell', { name: clientId })).toBeVisible();
  await axe(admin, 'partner registry');

  // The partner (a machine, through the API) asks the commune for dossier status, twice.
  const token = async () => {
    const r = await request.post('/api/exchange/oauth/token', { form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'dossier.status.read' } });
    expect(r.status()).toBe(200);
    return (await r.json()).access_token as string;
  };
  const ask = async (purpose: string) => {
    const r = await request.post('/api/exchange/v1/grants', { headers: { authorization: `Bearer ${await token()}` }, data: { scope: 'dossier.status.read', ownerAgency: 'UBND-13285', purpose } });
    expect(r.status(), await r.text()).toBe(201);
    return r.json();
  };
  const first = await ask('Đồng bộ trạng thái hồ sơ đất đai');

  // The commune's leader answers in the web app: the deadline is on screen; a refusal needs reasons.
  const leader = await person(browser, 'phuly@ninhbinh.gov.vn', true);
  await leader.goto('/lam-viec/trao-doi-du-lieu');
  const row = leader.getByTestId(`grant-${first.id}`);
  await expect(row).toContainText('Hệ thống thông tin đất đai');
  await expect(row).toContainText('2 ngày làm việc');
  await expect(row.getByTestId('grant-due')).toHaveText(new Date(first.dueAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' }));
  await axe(leader, 'access requests');
  await row.getByRole('button', { name: 'Từ chối' }).click();
  const dialog = leader.getByRole('dialog');
  await dialog.getByLabel(/Lý do từ chối/).fill('Thiếu');
  await dialog.getByRole('button', { name: 'Từ chối' }).click();
  await expect(dialog).toContainText('ít nhất 10 ký tự');
  await dialog.getByLabel(/Lý do từ chối/).fill('Mục đích chưa nêu rõ dữ liệu nào cần và thời gian lưu giữ');
  await dialog.getByRole('button', { name: 'Từ chối' }).click();
  await expect(dialog).toBeHidden();
  await expect(leader.getByRole('status')).toContainText('Đã từ chối yêu cầu của Hệ thống thông tin đất đai');

  const second = await ask('Đồng bộ trạng thái hồ sơ đăng ký khai sinh để hiển thị trên cổng tích hợp, lưu 1 năm');
  await leader.reload();
  await leader.getByTestId(`grant-${second.id}`).getByRole('button', { name: 'Cấp quyền' }).click();
  await expect(leader.getByRole('status')).toContainText('Đã cấp quyền cho Hệ thống thông tin đất đai');
  await leader.locator('label').filter({ hasText: /^Đã từ chối$/ }).click();
  await expect(leader.getByTestId(`grant-${first.id}`)).toContainText('Mục đích chưa nêu rõ');
  const partnerApi = await request.get('/api/exchange/v1/grants', { headers: { authorization: `Bearer ${await token()}` } });
  expect((await partnerApi.json()).items.map((g: { status: string }) => g.status).sort()).toEqual(['granted', 'refused']);

  // The partner's receiver is on this machine: the e2e server refuses such targets (SSRF guard), so the
  // subscription is written in its database; the guard then refuses each attempt, which the history shows.
  const db = await serverDb();
  try {
    await db.query(`INSERT INTO exchange_subscription (partner_id, event_type, url, secret)
      SELECT id, 'dossier.state_changed', 'http://127.0.0.1:9/hook', 'e2e' FROM exchange_partner WHERE client_id = $1`, [clientId]);
  } finally {
    await db.end();
  }
  const citizen = await person(browser, 'congdan@example.vn');
  await fileDossier(citizen);

  await admin.reload();
  await admin.getByRole('row', { name: new RegExp(clientId.replace(/[./]/g, '\\$&')) }).getByRole('button', { name: 'Đăng ký sự kiện' }).click();
  await expect(admin.getByRole('cell', { name: 'dossier.state_changed' })).toBeVisible();
  await admin.getByRole('button', { name: 'Lịch sử gửi' }).click();
  const delivery = admin.getByTestId('delivery-row').first();
  await expect(delivery).toContainText('dossier.state_changed', { timeout: 30_000 });
  await expect(delivery.getByTestId('delivery-attempts')).not.toHaveText('0', { timeout: 30_000 });
  await expect(delivery).toContainText(/Lỗi, đang thử lại/);
  await delivery.getByRole('button', { name: 'Gửi lại' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Đã xếp lịch gửi lại.' })).toBeVisible();
  // One replay at a time: while it waits (the guard refuses it, so it is retried), the button is disabled and the row counts it.
  await expect(delivery.getByTestId('delivery-attempts')).toContainText('1 lần gửi lại');
  await expect(delivery.getByRole('button', { name: 'Đang chờ gửi lại' })).toBeDisabled();
  await expect(admin.getByTestId('exchange-figures')).toContainText('Hệ thống thông tin đất đai');
  await admin.getByRole('button', { name: 'Kiểm tra chuỗi nhật ký' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Nhật ký nguyên vẹn' })).toBeVisible();
  await axe(admin, 'subscriptions and deliveries');
});
