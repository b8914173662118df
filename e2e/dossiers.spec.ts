import { expect, test } from '@playwright/test';
import { act, axe, person, PNG } from './helpers';

test.describe('dossiers', () => {
  test('a criminal-record certificate from online submission to rating', async ({ browser }, info) => {
    test.skip(info.project.name !== 'desktop', 'desktop only');
    test.setTimeout(480_000);

    // The citizen finds the procedure typed without diacritics and applies online.
    const citizen = await person(browser, 'congdan@example.vn');
    await citizen.goto('/dich-vu-cong');
    await citizen.getByLabel('Tìm thủ tục (gõ không dấu cũng được)').fill('ly lich tu phap');
    await citizen.getByTestId('procedure-list').getByRole('link', { name: /^Cấp Phiếu lý lịch tư pháp/ }).first().click();
    await expect(citizen).toHaveURL(/\/thu-tuc\/2\.000488$/);
    const online = citizen.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' });
    if (await online.count()) await online.first().click();
    else await citizen.goto('/nop-ho-so/2.000488');
    await expect(citizen).toHaveURL(/\/nop-ho-so\/2\.000488\?nhap=[0-9a-f-]+$/);
    await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('Nộp hồ sơ trực tuyến');
    // Prefilled from the account.
    await expect(citizen.getByLabel('Họ và tên / Tên tổ chức')).toHaveValue('Nguyễn Văn An');
    await axe(citizen, '/nop-ho-so (applicant)');
    await citizen.getByRole('button', { name: 'Tiếp tục' }).click();

    await expect(citizen.getByRole('heading', { name: 'Thành phần hồ sơ', level: 2 })).toBeVisible();
    await expect(citizen.getByLabel('Số định danh cá nhân', { exact: false }).first()).toHaveValue('037090000001');
    await citizen.getByLabel('Loại phiếu yêu cầu').selectOption('Phiếu số 1');
    await citizen.getByLabel('Số lượng phiếu').fill('1');
    await citizen.getByLabel('Mục đích sử dụng').fill('Bổ sung hồ sơ xin việc');
    await citizen.locator('#file-giay_to_tuy_than').setInputFiles({ name: 'can-cuoc.png', mimeType: 'image/png', buffer: PNG });
    await expect(citizen.getByRole('button', { name: 'Xóa tệp can-cuoc.png' })).toBeVisible();
    await axe(citizen, '/nop-ho-so (components)');
    await citizen.getByRole('button', { name: 'Lưu nháp' }).click();
    await expect(citizen.getByRole('status').filter({ hasText: 'Đã lưu nháp' })).toBeVisible();
    await citizen.getByRole('button', { name: 'Tiếp tục' }).click();

    await expect(citizen.getByRole('heading', { name: 'Xem lại và nộp', level: 2 })).toBeVisible();
    await expect(citizen.getByText('200.000 đ', { exact: false })).toBeVisible();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await expect(citizen.getByRole('heading', { level: 1 })).toHaveText('Đã nộp hồ sơ');
    const code = (await citizen.getByTestId('dossier-code').textContent())!.trim();
    expect(code.length).toBeGreaterThan(5);
    await citizen.getByRole('link', { name: 'Xem hồ sơ' }).click();
    await expect(citizen).toHaveURL(/\/ho-so\/[0-9a-f-]{36}$/);
    const url = new URL(citizen.url()).pathname;
    await expect(citizen.getByTestId('dossier-state')).toHaveText('Chờ tiếp nhận');
    await axe(citizen, '/ho-so/:id (citizen)');

    // The desk officer receives it from the queue.
    const desk = await person(browser, 'motcua@ninhbinh.gov.vn', true);
    await desk.goto('/lam-viec/ho-so');
    await desk.getByRole('tab', { name: 'Chờ tiếp nhận' }).click();
    await desk.getByLabel('Tìm theo mã hồ sơ, người nộp').fill(code);
    await axe(desk, '/lam-viec/ho-so');
    await desk.getByRole('link', { name: code }).click();
    await expect(desk).toHaveURL(new RegExp(`${url}$`));
    await act(desk, 'Tiếp nhận');
    await expect(desk.getByTestId('dossier-state')).toHaveText('Đang giải quyết');
    await expect(desk.getByRole('link', { name: 'Giấy tiếp nhận và hẹn trả (PDF)' })).toBeVisible();
    await axe(desk, '/ho-so/:id (official)');

    // The head of division assigns it to a specialist picked from the people of the department.
    const head = await person(browser, 'truongphong.stp@ninhbinh.gov.vn', true);
    await head.goto(url);
    await act(head, 'Phân công', async (d) => {
      await d.getByLabel('Người xử lý').click();
      await head.getByRole('option', { name: /chuyenvien\.stp@ninhbinh\.gov\.vn/ }).click();
    });
    await expect(head.getByText(/Người xử lý: /).first()).toBeVisible();

    // The specialist asks for a supplement, listing what is missing.
    const specialist = await person(browser, 'chuyenvien.stp@ninhbinh.gov.vn', true);
    await specialist.goto(url);
    await act(specialist, 'Yêu cầu bổ sung', async (d) => {
      await d.getByLabel('Nội dung cần bổ sung 1').fill('Bản chụp căn cước rõ nét cả hai mặt');
    });
    await expect(specialist.getByTestId('dossier-state')).toHaveText('Chờ bổ sung');

    // The citizen sees it in their list, reads what is asked and resubmits.
    await citizen.goto('/ho-so-cua-toi');
    const row = citizen.getByRole('row', { name: new RegExp(code.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await expect(row).toContainText('Chờ bổ sung');
    await row.getByRole('link', { name: code }).click();
    await expect(citizen.getByRole('region', { name: 'Yêu cầu bổ sung, hoàn thiện hồ sơ' })).toContainText('Bản chụp căn cước rõ nét cả hai mặt');
    // Its papers (the receipt, the supplement request) and the fee with a VietQR code to pay by transfer.
    const papers = citizen.getByRole('region', { name: 'Văn bản của hồ sơ' });
    await expect(papers.getByRole('link', { name: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (lần 1)' })).toBeVisible();
    const slip = await citizen.request.get(await papers.getByRole('link', { name: 'Giấy tiếp nhận và hẹn trả (PDF)' }).getAttribute('href') ?? '');
    expect(slip.headers()['content-type']).toBe('application/pdf');
    const fees = citizen.getByRole('region', { name: 'Phí, lệ phí' });
    await expect(fees).toContainText('Còn phải nộp');
    await expect(fees.getByRole('img', { name: /Mã VietQR chuyển khoản 200\.000/ })).toBeVisible();
    await act(citizen, 'Nộp bổ sung');
    await expect(citizen.getByTestId('dossier-state')).toHaveText('Đang giải quyết');

    // The specialist submits for approval; the director approves; the desk returns the result.
    await specialist.reload();
    await act(specialist, 'Trình phê duyệt');
    await expect(specialist.getByTestId('dossier-state')).toHaveText('Chờ phê duyệt');
    const director = await person(browser, 'giamdoc.stp@ninhbinh.gov.vn', true);
    await director.goto(url);
    await act(director, 'Phê duyệt, ban hành kết quả');
    await expect(director.getByTestId('dossier-state')).toHaveText('Đã có kết quả');
    await desk.reload();
    await act(desk, 'Trả kết quả');
    await expect(desk.getByTestId('dossier-state')).toHaveText('Đã trả kết quả');

    // The citizen sees the result returned and rates the service.
    await citizen.reload();
    await expect(citizen.getByTestId('dossier-state')).toHaveText('Đã trả kết quả');
    await citizen.getByLabel('Hài lòng', { exact: true }).check();
    await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await expect(citizen.getByText('Cảm ơn bạn đã đánh giá.')).toBeVisible();
    await expect(citizen.getByRole('heading', { name: 'Đánh giá của người nộp' })).toBeVisible();

    // Anyone can track it by its code.
    await citizen.goto('/tra-cuu');
    await citizen.getByLabel('Mã hồ sơ').fill(code);
    await citizen.getByRole('button', { name: 'Tra cứu' }).click();
    await expect(citizen.getByTestId('tracking-state')).toHaveText('Đã trả kết quả');

    for (const p of [citizen, desk, specialist, director]) await p.context().close();
  });

  test('the one-stop desk files for a person: missing items named next to their inputs, then received at once', async ({ browser }, info) => {
    test.skip(info.project.name !== 'desktop', 'desktop only');
    test.setTimeout(120_000);
    const desk = await person(browser, 'motcua@ninhbinh.gov.vn', true);
    await desk.getByRole('link', { name: 'Một cửa' }).click();
    await expect(desk.getByRole('heading', { level: 1 })).toHaveText('Một cửa: tiếp nhận hồ sơ');
    await desk.getByLabel('Tìm thủ tục (gõ không dấu cũng được)').fill('ly lich tu phap');
    await desk.getByRole('button', { name: /^Chọn thủ tục: Cấp Phiếu lý lịch tư pháp/ }).first().click();
    await expect(desk).toHaveURL(/\/lam-viec\/mot-cua\?nhap=/);
    // The person's details are required at the desk.
    await desk.getByRole('button', { name: 'Tiếp tục' }).click();
    await expect(desk.getByRole('alert')).toContainText('Chưa nhập «Họ và tên / Tên tổ chức»');
    await desk.getByLabel('Họ và tên / Tên tổ chức').fill('Trần Văn Bình');
    await desk.getByLabel('Số định danh cá nhân / Mã số thuế').fill('037090000009');
    await desk.getByLabel('Số điện thoại').fill('0912345678');
    await desk.getByLabel('Bưu chính').check();
    await desk.getByRole('button', { name: 'Tiếp tục' }).click();
    await desk.getByRole('button', { name: 'Tiếp tục' }).click();
    // Submitting with the form empty: the server names every missing field; each shows next to its input.
    await desk.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await expect(desk.getByRole('alert').first()).toContainText('Hồ sơ chưa đầy đủ');
    await expect(desk.getByRole('heading', { name: 'Thành phần hồ sơ', level: 2 })).toBeVisible();
    const purpose = desk.getByLabel('Mục đích sử dụng');
    await expect(purpose).toHaveAttribute('aria-invalid', 'true');
    await desk.getByLabel('Họ, chữ đệm và tên người yêu cầu').fill('Trần Văn Bình');
    await desk.getByLabel('Số định danh cá nhân', { exact: false }).nth(0).fill('037090000009');
    await desk.getByLabel('Loại phiếu yêu cầu').selectOption('Phiếu số 2');
    await desk.getByLabel('Số lượng phiếu').fill('2');
    await purpose.fill('Xuất khẩu lao động');
    await desk.locator('#file-giay_to_tuy_than').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: PNG });
    await expect(desk.getByRole('button', { name: 'Xóa tệp scan.png' })).toBeVisible();
    await desk.getByRole('button', { name: 'Tiếp tục' }).click();
    await expect(desk.getByText('Bưu chính')).toBeVisible();
    await desk.getByRole('button', { name: 'Nộp hồ sơ', exact: true }).click();
    await expect(desk).toHaveURL(/\/ho-so\/[0-9a-f-]{36}$/);
    await expect(desk.getByTestId('dossier-state')).toHaveText('Đang giải quyết');
    await expect(desk.getByRole('link', { name: 'Giấy tiếp nhận và hẹn trả (PDF)' })).toBeVisible();
    await expect(desk.getByRole('rowheader', { name: 'Ngày hẹn trả' }).locator('xpath=..')).not.toContainText('—');

    // Usable on a phone: nothing wider than the screen.
    await desk.setViewportSize({ width: 390, height: 844 });
    for (const url of [desk.url(), '/lam-viec/ho-so', '/tra-cuu']) {
      await desk.goto(url);
      await expect(desk.getByRole('heading', { level: 1 })).toBeVisible();
      await desk.waitForLoadState('networkidle');
      expect(await desk.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390);
    }
    await desk.context().close();
  });
});
