import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { startSmtp } from '../../../test/smtp.js';
import { sweepMonthly, sweepReminders } from './report.service.js';

/** Reminders before task deadlines and the monthly report, through the real outbox, a real SMTP server, pdftoppm and exceljs. */

let env: TestEnv;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let leader: TestSession;
let stp: TestSession;
let citizen: TestSession;

beforeAll(async () => {
  smtp = await startSmtp();
  env = await testEnv({ demo: true, env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://congso.ninhbinh.gov.vn' } });
  [leader, stp, citizen] = await Promise.all([login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn')]);
  await env.k.outbox.drain();
});
afterAll(async () => {
  await env.close();
  await smtp.close();
});

describe('reminders and the monthly report', () => {
  it('reminds the assigned agency once per threshold: a week before, a day before, and once overdue', async () => {
    const before = smtp.received.length;
    // Seeded: NV-2026-01 (VPUB) five days overdue, NV-2026-02 (SKHCN) due in six days, NV-2026-04 in twelve (not yet).
    expect(await sweepReminders(env.k)).toBeGreaterThanOrEqual(2);
    await env.k.outbox.drain();
    const mails = smtp.received.slice(before);
    const overdue = mails.find((m) => m.parsed.subject?.includes('NV-2026-01'));
    expect(overdue?.parsed.subject).toContain('đã quá hạn');
    expect(overdue?.to).toContain('vpub@ninhbinh.gov.vn');
    expect(overdue?.parsed.text).toContain('/lam-viec/dieu-hanh/chuong-trinh');
    expect(mails.some((m) => m.parsed.subject?.includes('NV-2026-04'))).toBe(false);
    // The same day again, another instance: nothing twice.
    await sweepReminders(env.k);
    await env.k.outbox.drain();
    expect(smtp.received.length).toBe(before + mails.length);
  });

  it('mails last month\'s report to the steering committee once', async () => {
    const before = smtp.received.length;
    const month = await sweepMonthly(env.k);
    await sweepMonthly(env.k);
    await env.k.outbox.drain();
    const mails = smtp.received.slice(before);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(expect.arrayContaining(['ubnd@ninhbinh.gov.vn', 'skhcn@ninhbinh.gov.vn']));
    expect(mails[0]!.parsed.text).toContain(`/api/operations/reports/monthly?month=${month}&format=pdf`);
  });

  it('renders the report as a PDF that opens and as a workbook with the same figures', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const pdf = await env.app.inject({ method: 'GET', url: `/api/operations/reports/monthly?month=${month}&format=pdf`, headers: leader.headers });
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-report-'));
    try {
      writeFileSync(path.join(dir, 'r.pdf'), pdf.rawPayload);
      execFileSync('pdftoppm', ['-png', '-r', '40', path.join(dir, 'r.pdf'), path.join(dir, 'p')]);
      expect(readdirSync(dir).filter((f) => f.endsWith('.png')).length).toBeGreaterThanOrEqual(1);
      const text = execFileSync('pdftotext', [path.join(dir, 'r.pdf'), '-']).toString('utf8');
      expect(text).toContain('Hồ sơ tiếp nhận');
      expect(text).toContain('BÁO CÁO');
      // The overdue task's row (cells wrap, so its title's first words).
      expect(text).toContain('Hoàn thành kết nối Cổng');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const xlsx = await env.app.inject({ method: 'GET', url: `/api/operations/reports/monthly?month=${month}&format=xlsx`, headers: leader.headers });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['So lieu', 'Chi tieu', 'Nhiem vu', 'Du an']);
    const tasks = wb.getWorksheet('Nhiem vu')!;
    const codes: string[] = [];
    tasks.eachRow((r, i) => i > 1 && codes.push(String(r.getCell(1).value)));
    expect(codes).toContain('NV-2026-01');
    const projects = wb.getWorksheet('Du an')!;
    let lgsp = '';
    projects.eachRow((r) => String(r.getCell(1).value) === 'DA-LGSP' && (lgsp = String(r.getCell(6).value)));
    expect(lgsp).toContain('dưới 10%');
  });

  it('gives the report to province leaders only, and names a bad month', async () => {
    const month = new Date().toISOString().slice(0, 7);
    expect((await env.app.inject({ method: 'GET', url: `/api/operations/reports/monthly?month=${month}`, headers: citizen.headers })).statusCode).toBe(403);
    expect((await env.app.inject({ method: 'GET', url: `/api/operations/reports/monthly?month=${month}`, headers: stp.headers })).statusCode).toBe(403);
    const bad = await env.app.inject({ method: 'GET', url: '/api/operations/reports/monthly?month=2026-13', headers: leader.headers });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('YYYY-MM');
  });

  it('prints the screen being looked at as a PDF with the time its figures were computed, for those who may see that level only', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/api/operations/dashboard.pdf?from=2026-01-01&to=2026-12-31', headers: leader.headers });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toMatch(/dieu-hanh-toan-tinh-\d{4}-\d{2}-\d{2}\.pdf/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-dash-'));
    try {
      writeFileSync(path.join(dir, 'd.pdf'), r.rawPayload);
      execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', path.join(dir, 'd.pdf'), path.join(dir, 'p')]);
      expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(1);
      const text = execFileSync('pdftotext', [path.join(dir, 'd.pdf'), '-']).toString('utf8').replace(/\s+/g, ' ');
      expect(text).toContain('Toàn tỉnh');
      expect(text).toContain('Kỳ số liệu từ 2026-01-01 đến 2026-12-31');
      expect(text).toMatch(/Tính lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
      expect(text).toContain('Văn bản đi đã phát hành');
      expect(text).toContain('Phường Phủ Lý');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A department's director prints their own agency, not the province; a citizen nothing.
    expect((await env.app.inject({ method: 'GET', url: '/api/operations/dashboard.pdf?agency=STP', headers: stp.headers })).statusCode).toBe(200);
    const other = await env.app.inject({ method: 'GET', url: '/api/operations/dashboard.pdf?unit=37', headers: stp.headers });
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toMatch(/problem\+json/);
    expect((await env.app.inject({ method: 'GET', url: '/api/operations/dashboard.pdf', headers: citizen.headers })).statusCode).toBe(403);
  });
});
