import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

/** Exports of any table to .xlsx and CSV, and the public indicators as an open dataset (through the exchange module's CKAN API). */

let env: TestEnv;
let admin: TestSession;
let leader: TestSession;
let phuly: TestSession;
let citizen: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  [admin, leader, phuly, citizen] = await Promise.all([login(env.app, 'admin@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'phuly@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn')]);
  await env.k.outbox.drain();
});
afterAll(() => env.close());

const get = (s: TestSession | null, url: string) => env.app.inject({ method: 'GET', url, headers: s?.headers ?? {} });

/** A small RFC 4180 reader: enough to check what we write. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r') continue;
    else if (c === '\n') row.push(cell), rows.push(row), (row = []), (cell = '');
    else cell += c;
  }
  return rows;
}

describe('exports', () => {
  it('writes the task table as CSV that a spreadsheet opens as UTF-8 and cannot run as formulas', async () => {
    const evil = await env.app.inject({ method: 'POST', url: '/api/operations/tasks', payload: { code: 'NV-CSV-01', programme: 'NQ-01-2021', title: '=HYPERLINK("http://x","bấm vào đây")', agency: 'STP', dueOn: '2030-01-01' }, headers: admin.headers });
    expect(evil.statusCode, evil.body).toBe(201);
    const r = await get(leader, '/api/operations/export/tasks?format=csv');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(r.body.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(r.body.slice(1));
    expect(rows[0]).toEqual(['Mã', 'Nhiệm vụ', 'Nhóm', 'Cơ quan', 'Hạn', 'Tiến độ (%)', 'Tình trạng', 'Báo cáo gần nhất']);
    const tasks = (await get(leader, '/api/operations/tasks')).json().items;
    expect(rows.length - 1).toBe(tasks.length);
    expect(rows.find((x) => x[0] === 'NV-CSV-01')![1]).toBe('\'=HYPERLINK("http://x","bấm vào đây")');
    expect(rows.find((x) => x[0] === 'NV-2026-01')![6]).toBe('overdue');
  });

  it('writes the province\'s communes and agencies as a workbook, one row each', async () => {
    const r = await get(leader, '/api/operations/export/children?format=xlsx');
    expect(r.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const d = (await get(leader, '/api/operations/dashboard')).json();
    expect(ws.rowCount - 1).toBe(d.children.length);
    expect(String(ws.getRow(1).getCell(3).value)).toBe('Tên');
    const codes: string[] = [];
    ws.eachRow((row, i) => i > 1 && codes.push(String(row.getCell(2).value)));
    expect(codes).toContain('13285');
  });

  it('exports only what the reader may see, and names a wrong table', async () => {
    expect((await get(phuly, '/api/operations/export/figures?unit=37')).statusCode).toBe(403);
    expect((await get(phuly, '/api/operations/export/figures?unit=13285&format=csv')).statusCode).toBe(200);
    expect((await get(citizen, '/api/operations/export/tasks')).statusCode).toBe(403);
    const bad = await get(leader, '/api/operations/export/luong?format=csv');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toContain('Bảng (table)');
  });

  it('publishes the public indicators, and only those, as an open dataset', async () => {
    const run = await env.app.inject({ method: 'POST', url: '/api/admin/open-data/runs', payload: {}, headers: admin.headers });
    expect(run.statusCode, run.body).toBe(202);
    await env.k.outbox.drain();
    const show = await get(null, '/api/3/action/package_show?id=chi-tieu-chuyen-doi-so');
    expect(show.statusCode, show.body).toBe(200);
    const search = await get(null, `/api/3/action/datastore_search?resource_id=chi-tieu-chuyen-doi-so-csv&limit=1000`);
    expect(search.statusCode, search.body).toBe(200);
    const records = search.json().result.records as Json[];
    const codes = new Set(records.map((x) => x.ma_chi_tieu));
    expect(codes.has('QG-749-01')).toBe(true);
    expect(codes.has('NB-03')).toBe(true);
    // NB-02 (SIM-PKI users) and NB-08 are not public.
    expect(codes.has('NB-02')).toBe(false);
    expect(codes.has('NB-08')).toBe(false);
    expect(records.find((x) => x.ma_chi_tieu === 'NB-03' && x.nam === 2021)).toMatchObject({ ket_qua: 86.9 });
    expect(records.find((x) => x.ma_chi_tieu === 'QG-749-02' && x.nam === 2030)).toMatchObject({ muc_tieu: 30 });
  });
});
