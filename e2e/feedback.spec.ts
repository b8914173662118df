import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { serverDb, signIn } from './helpers';

const GEO = path.resolve(import.meta.dirname, '../../shared/data/admin-units/geojson/37_ninh_binh');

function interiorPoint(geometry: { type: string; coordinates: any }): { lat: number; lon: number } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ring = (geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0]) as [number, number][];
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let n = 2; n < 40; n++) for (let i = 1; i < n; i++) for (let j = 1; j < n; j++) {
    const p: [number, number] = [x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * j) / n];
    if (booleanPointInPolygon(p, geometry as never)) return { lon: Number(p[0].toFixed(6)), lat: Number(p[1].toFixed(6)) };
  }
  throw new Error('no interior point');
}

test.describe('feedback and petitions', () => {
  test.skip(!existsSync(GEO), 'needs ../shared/data admin-unit boundaries');

  test('a report with a photo at a point in Phủ Lý is routed there, answered, published and rated', async ({ page, browser }) => {
    // The whole story — boundaries import, a photo, routing, moderation, answer, publication, rating —
    // takes ~40 s alone and more behind the server's background jobs.
    test.setTimeout(150_000);
    // The administrator imports the province's boundaries (the operator's import, through the API).
    await signIn(page, 'admin@ninhbinh.gov.vn', { totp: true });
    const features = [
      ...JSON.parse(readFileSync(path.join(GEO, '37_ninh_binh.geojson'), 'utf8')).features.map((f: object) => ({ ...f, id: '37' })),
      ...readdirSync(path.join(GEO, 'wards')).flatMap((f) => JSON.parse(readFileSync(path.join(GEO, 'wards', f), 'utf8')).features),
    ];
    const csrf = decodeURIComponent((await page.context().cookies()).find((c) => c.name === 'congso_csrf')!.value);
    const imported = await page.request.post('/api/feedback/boundaries', { data: { type: 'FeatureCollection', features }, headers: { 'x-csrf-token': csrf } });
    expect(imported.status()).toBe(200);
    const phuly = features.find((f) => String(f.id) === '13285');
    const point = interiorPoint(phuly.geometry);

    // A citizen reports with a photo at that point.
    const citizen = await browser.newContext();
    const c = await citizen.newPage();
    await signIn(c, 'congdan@example.vn');
    await c.goto('/phan-anh/gui');
    await c.getByLabel('Lĩnh vực').first().click();
    await c.getByRole('option', { name: 'Vệ sinh môi trường, rác thải' }).click();
    await c.getByLabel('Tiêu đề').fill('Rác thải tập kết sai nơi quy định');
    await c.getByLabel('Nội dung').fill('Điểm tập kết rác tự phát ven đường gây mùi hôi, đề nghị phường xử lý.');
    await c.getByLabel('Vĩ độ').fill(String(point.lat));
    await c.getByLabel('Kinh độ').fill(String(point.lon));
    const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 90, g: 140, b: 60 } } }).jpeg().toBuffer();
    await c.getByLabel(/^Ảnh/).setInputFiles({ name: 'rac.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await c.getByRole('button', { name: 'Gửi phản ánh' }).click();
    const sent = c.getByTestId('report-sent');
    await expect(sent).toContainText('13285');
    const code = (await sent.textContent())!.match(/PA-\d{4}-\d{6}/)![0];
    await c.getByRole('link', { name: 'Theo dõi phản ánh' }).click();
    await expect(c.getByTestId('report-state')).toHaveText('Mới tiếp nhận');
    const mine = c.url();

    // The provincial desk classifies and gives it to the ward's official.
    const op = await (await browser.newContext()).newPage();
    await signIn(op, 'tiepnhan@ninhbinh.gov.vn', { totp: true });
    await op.goto('/lam-viec/phan-anh');
    await op.getByRole('link', { name: code }).click();
    await expect(op.getByTestId('report-unit')).toHaveText('13285');
    await op.getByRole('button', { name: 'Phân loại, chuyển xử lý' }).click();
    await expect(op.getByTestId('report-state')).toHaveText('Đã phân loại');
    // Moderation: the desk blurs part of the photo (a number plate), with a reason.
    await op.getByLabel(/^Lý do \(bắt buộc/).fill('Che biển số xe trong ảnh');
    await op.getByRole('button', { name: 'Làm mờ vùng này' }).click();
    await expect(op.getByText('Đã lưu, có ghi nhật ký.')).toBeVisible();
    await op.getByLabel('Người xử lý').first().click();
    await op.getByRole('option', { name: 'Đặng Văn Hùng' }).click();
    await op.getByRole('button', { name: 'Giao người xử lý' }).click();
    await expect(op.getByTestId('report-state')).toHaveText('Đã giao xử lý');
    const caseUrl = op.url();

    // The ward's official takes it and answers.
    const h = await (await browser.newContext()).newPage();
    await signIn(h, 'congchuc.phuly@ninhbinh.gov.vn', { totp: true });
    await h.goto(caseUrl);
    await h.getByRole('button', { name: 'Nhận xử lý' }).click();
    await expect(h.getByTestId('report-state')).toHaveText('Đang xử lý');
    await h.getByLabel('Nội dung').fill('UBND phường đã thu gom rác và đặt biển cấm đổ rác tại vị trí phản ánh.');
    const letter = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    await h.getByLabel('Đính kèm tệp vào trả lời (PDF, JPEG, PNG)').setInputFiles({ name: 'cong-van-tra-loi.pdf', mimeType: 'application/pdf', buffer: letter });
    await expect(h.getByRole('link', { name: 'cong-van-tra-loi.pdf' })).toBeVisible();
    await h.getByRole('button', { name: 'Trả lời', exact: true }).click();
    await expect(h.getByTestId('report-state')).toHaveText('Đã có trả lời');

    // The desk publishes the answer; anyone reads it on the public page.
    await op.reload();
    await op.getByRole('button', { name: 'Công khai trả lời' }).click();
    await expect(op.getByTestId('report-state')).toHaveText('Đã công khai trả lời');
    const visitor = await (await browser.newContext()).newPage();
    await visitor.goto(`/phan-anh/${code}`);
    await expect(visitor.getByTestId('public-answer')).toContainText('thu gom rác');
    await expect(visitor.getByRole('link', { name: 'cong-van-tra-loi.pdf' })).toBeVisible();
    await expect(visitor.getByText('congdan@example.vn')).toHaveCount(0);

    // The reporter is satisfied: the report closes.
    await c.goto(mine);
    await c.getByRole('button', { name: 'Hài lòng', exact: true }).click();
    await expect(c.getByTestId('report-state')).toHaveText('Đã đóng');
  });
});

test('someone without an account proves an email address with the mailed code and reports', async ({ page }) => {
  const dataDir = process.env.E2E_DATA_DIR!;
  const email = `khach.${Date.now()}@example.vn`;
  await page.goto('/phan-anh/gui');
  await page.getByLabel('Thư điện tử').fill(email);
  await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
  await expect(page.getByLabel(/^Mã xác thực \(6 số\)/)).toBeVisible();
  // Without SMTP the server writes mail to DATA_DIR/mail as .eml files: read the code there.
  const { readdirSync, readFileSync } = await import('node:fs');
  const { simpleParser } = await import('mailparser');
  let code = '';
  await expect.poll(async () => {
    const dir = path.join(dataDir, 'mail');
    for (const f of existsSync(dir) ? readdirSync(dir) : []) {
      const mail = await simpleParser(readFileSync(path.join(dir, f)));
      if (mail.to && JSON.stringify(mail.to).includes(email)) code = mail.subject?.match(/(\d{6})$/)?.[1] ?? code;
    }
    return code;
  }, { timeout: 15_000 }).toMatch(/^\d{6}$/);
  await page.getByLabel(/^Mã xác thực \(6 số\)/).fill(code);
  await page.getByRole('button', { name: 'Xác nhận' }).click();
  await page.getByLabel('Họ và tên').fill('Khách Vãng Lai');
  await page.getByLabel('Lĩnh vực').first().click();
  await page.getByRole('option', { name: 'Trật tự đô thị, xây dựng' }).click();
  await page.getByLabel('Tiêu đề').fill('Vật liệu xây dựng chắn đường');
  await page.getByLabel('Nội dung').fill('Cát, đá đổ chắn nửa lòng đường nhiều ngày chưa dọn.');
  await page.getByLabel('Địa chỉ').fill('Đường Lê Hoàn, phường Phủ Lý');
  await page.getByRole('button', { name: 'Gửi phản ánh' }).click();
  await expect(page.getByTestId('report-sent')).toContainText(/PA-\d{4}-\d{6}/);
  await expect(page.getByText(`Kết quả xử lý sẽ được gửi tới ${email}.`)).toBeVisible();
});

test('an overdue report is reported to the commune leader, who sees it escalated among the overdue', async ({ browser }) => {
  const op = await (await browser.newContext()).newPage();
  await signIn(op, 'tiepnhan@ninhbinh.gov.vn', { totp: true });
  const csrf = decodeURIComponent((await op.context().cookies()).find((c) => c.name === 'congso_csrf')!.value);
  const filed = await op.request.post('/api/feedback/reports', {
    headers: { 'x-csrf-token': csrf, 'idempotency-key': `e2e-${Date.now()}` },
    data: { categoryCode: 'moi_truong', title: 'Rác tồn đọng ở chợ', body: 'Rác tồn đọng ở chợ Phủ Lý ba ngày chưa thu gom.', unitCode: '13285', channel: 'hotline', reporter: { name: 'Trần Văn Chợ' } },
  });
  expect(filed.status()).toBe(201);
  const { id, code } = await filed.json();

  // Two working days pass without triage: move its deadline into the past and let the server's sweep run now.
  const db = await serverDb();
  try {
    await db.query(`UPDATE case_clock SET due_at = now() - interval '1 hour', warn_at = now() - interval '2 hours' WHERE case_id = $1`, [id]);
    await db.query(`UPDATE feedback_report SET due_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    await db.query(`INSERT INTO outbox (topic, payload, dedupe_key) VALUES ('workflow.sla.sweep', $1, $2)`, [JSON.stringify({ at: new Date().toISOString() }), `e2e-sweep-${id}`]);
  } finally {
    await db.end();
  }

  const leader = await (await browser.newContext()).newPage();
  await signIn(leader, 'phuly@ninhbinh.gov.vn', { totp: true });
  await expect.poll(async () => {
    await leader.goto('/lam-viec/phan-anh?loc=qua-han');
    return leader.getByRole('row', { name: new RegExp(code) }).getByText('Đã báo cáo lãnh đạo cấp 1').count();
  }, { timeout: 20_000 }).toBe(1);
  await leader.getByRole('link', { name: code }).click();
  await expect(leader.getByTestId('report-escalation')).toHaveText('Đã báo cáo lãnh đạo cấp 1');
  await expect(leader.getByText('Đã quá hạn').first()).toBeVisible();
});
