import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XLSX_MIME } from '../../kernel/http/app.js';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { Procedure } from './catalogue.schema.js';
import { demoCatalogue } from './seed.js';

let env: TestEnv;
let admin: TestSession;
let citizen: TestSession;
beforeAll(async () => {
  env = await testEnv({ demo: true });
  admin = await login(env.app, 'admin@ninhbinh.gov.vn');
  citizen = await login(env.app, 'congdan@example.vn');
});
afterAll(() => env.close());

/** A procedure of our own, so these tests do not hang on the demo catalogue's wording. */
function fixture(code: string, over: Partial<Procedure> = {}): Procedure {
  return {
    code,
    name: 'Cấp bản sao trích lục kết hôn thử nghiệm',
    sector: { code: 'thu-nghiem', name: 'Thử nghiệm' },
    level: 'commune',
    agencyCode: null,
    agencyKind: 'commune_committee',
    steps: ['Nộp hồ sơ', 'Tiếp nhận và kiểm tra', 'Trả kết quả'],
    methods: ['online', 'desk'],
    components: [
      {
        key: 'to_khai',
        name: 'Tờ khai cấp bản sao trích lục hộ tịch',
        required: true,
        copies: { original: 1, copy: 0 },
        form: { type: 'object', required: ['hoTen'], properties: { hoTen: { type: 'string', title: 'Họ và tên' } } },
        attachment: null,
        template: null,
      },
      { key: 'cccd', name: 'Căn cước', required: false, copies: { original: 0, copy: 1 }, form: null, attachment: { types: ['application/pdf', 'image/jpeg'], min: 0, max: 2 } },
    ],
    timeLimit: { days: 1 },
    fees: [{ name: 'Phí cấp bản sao trích lục', amount: 8000, when: 'submission' }],
    applicants: ['citizen'],
    result: 'Bản sao trích lục kết hôn',
    legalBasis: ['Luật Hộ tịch 2014'],
    onlineLevel: 'full',
    ...over,
  };
}

const put = (s: TestSession | null, code: string, body: unknown) =>
  env.app.inject({ method: 'PUT', url: `/api/admin/procedures/${code}`, payload: body as object, headers: s?.headers ?? {} });
const search = async (q: string, extra = '') => (await env.app.inject({ method: 'GET', url: `/api/procedures?q=${encodeURIComponent(q)}${extra}` })).json();

describe('procedure catalogue', () => {
  it('seeds a real demo catalogue of at least 30 procedures, all valid, found without diacritics', async () => {
    const demo = demoCatalogue();
    expect(demo.length).toBeGreaterThanOrEqual(30);
    const r = await env.app.inject({ method: 'GET', url: '/api/procedures?limit=100' });
    expect(r.statusCode).toBe(200);
    expect(r.json().total).toBeGreaterThanOrEqual(30);
    // Versions are kept as written: a form's fields come back in the catalogue's order.
    const birth = (demo as Procedure[]).find((p) => p.code === '1.001193')!;
    const got = (await env.app.inject({ method: 'GET', url: '/api/procedures/1.001193' })).json();
    expect(Object.keys(got.procedure.components[0].form.properties)).toEqual(Object.keys(birth.components[0]!.form!.properties));
    const found = await search('dang ky khai sinh');
    expect(found.items[0].name).toMatch(/^Đăng ký khai sinh/);
    // A typo still finds it.
    const typo = await search('dang ki khai sin');
    expect(typo.items.map((i: { name: string }) => i.name)).toContain(found.items[0].name);
  });

  it('adds versions only when the content changes; the old version stays readable', async () => {
    const code = '9.000001';
    const v1 = await put(admin, code, fixture(code));
    expect(v1.statusCode).toBe(200);
    expect(v1.json()).toEqual({ code, version: 1, status: 'created' });
    expect((await put(admin, code, fixture(code))).json()).toEqual({ code, version: 1, status: 'unchanged' });
    const v2 = await put(admin, code, fixture(code, { timeLimit: { hours: 4 }, fees: [] }));
    expect(v2.json()).toEqual({ code, version: 2, status: 'updated' });

    const current = (await env.app.inject({ method: 'GET', url: `/api/procedures/${code}` })).json();
    expect(current).toMatchObject({ version: 2, currentVersion: 2, procedure: { timeLimit: { hours: 4 } } });
    const old = (await env.app.inject({ method: 'GET', url: `/api/procedures/${code}?version=1` })).json();
    expect(old).toMatchObject({ version: 1, currentVersion: 2, procedure: { timeLimit: { days: 1 } } });
    const versions = (await env.app.inject({ method: 'GET', url: `/api/procedures/${code}/versions` })).json();
    expect(versions.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect((await env.app.inject({ method: 'GET', url: `/api/procedures/${code}?version=9` })).statusCode).toBe(404);
    // Every version is audited.
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity = 'procedure' AND entity_id = ${code} ORDER BY seq`.execute(env.k.db);
    expect(audit.rows.map((a) => a.action)).toEqual(['services.procedure.create', 'services.procedure.version']);
  });

  it('filters by sector, level and online level; searches words in any order', async () => {
    await put(admin, '9.000002', fixture('9.000002', { name: 'Đăng ký hoạt động thử nghiệm cấp tỉnh', level: 'province', agencyCode: 'STP', agencyKind: 'department', onlineLevel: 'partial' }));
    const sector = await search('', '&sector=thu-nghiem');
    expect(sector.items.map((i: { code: string }) => i.code).sort()).toEqual(['9.000001', '9.000002']);
    const province = await search('', '&sector=thu-nghiem&level=province');
    expect(province.items.map((i: { code: string }) => i.code)).toEqual(['9.000002']);
    expect(province.items[0]).toMatchObject({ agencyCode: 'STP', onlineLevel: 'partial', sector: { name: 'Thử nghiệm' } });
    const partial = await search('', '&sector=thu-nghiem&online=full');
    expect(partial.items.map((i: { code: string }) => i.code)).toEqual(['9.000001']);
    const words = await search('THU NGHIEM cap tinh hoat dong');
    expect(words.items[0].code).toBe('9.000002');
    expect((await search('', '&sector=khong-co')).total).toBe(0);
  });

  it('names every wrong field in Vietnamese and writes nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM procedure_version`.execute(env.k.db);
    const bad = fixture('9.000003', { timeLimit: { days: -1 } as never, level: 'province', agencyCode: 'KHONGCO', agencyKind: 'department' });
    bad.components[0]!.form!.required = ['khongCoTruongNay'];
    const r = await put(admin, '9.000003', bad);
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const fields = r.json().errors.map((e: { field: string }) => e.field);
    expect(fields.some((f: string) => f.startsWith('body.timeLimit'))).toBe(true);
    const r2 = await put(admin, '9.000003', { ...fixture('9.000003', { level: 'province', agencyCode: 'KHONGCO', agencyKind: 'department' }), components: [{ ...fixture('x').components[0]!, form: { type: 'object', required: ['x'], properties: {} } }] });
    const e2 = r2.json().errors;
    expect(e2.map((e: { field: string }) => e.field)).toEqual(['body.agencyCode', 'body.components.0.form.required']);
    expect(e2[0].message).toBe('Không có cơ quan mã KHONGCO');
    const mismatch = await put(admin, '9.000004', fixture('9.000003'));
    expect(mismatch.json().errors[0]).toMatchObject({ field: 'body.code' });
    const extra = await put(admin, '9.000003', { ...fixture('9.000003'), hack: true });
    expect(extra.statusCode).toBe(400);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM procedure_version`.execute(env.k.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('lets only catalogue managers write', async () => {
    expect((await put(null, '9.000005', fixture('9.000005'))).statusCode).toBe(401);
    expect((await put(citizen, '9.000005', fixture('9.000005'))).statusCode).toBe(403);
    const director = await login(env.app, 'giamdoc.stp@ninhbinh.gov.vn');
    expect((await put(director, '9.000005', fixture('9.000005'))).statusCode).toBe(403);
    const imp = await env.app.inject({ method: 'POST', url: '/api/admin/procedures/import', payload: [], headers: citizen.headers });
    expect(imp.statusCode).toBe(403);
    expect((await env.app.inject({ method: 'GET', url: '/api/procedures/9.000005' })).statusCode).toBe(404);
  });

  it('exports JSON and .xlsx and imports them back unchanged; a bad import writes nothing', async () => {
    const json = await env.app.inject({ method: 'GET', url: '/api/procedures/export?format=json' });
    expect(json.statusCode).toBe(200);
    const items = json.json() as Procedure[];
    expect(items.length).toBeGreaterThanOrEqual(32);
    const xlsx = await env.app.inject({ method: 'GET', url: '/api/procedures/export?format=xlsx' });
    expect(xlsx.headers['content-type']).toBe(XLSX_MIME);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    const again = await env.app.inject({ method: 'POST', url: '/api/admin/procedures/import', payload: xlsx.rawPayload, headers: { ...admin.headers, 'content-type': XLSX_MIME } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ created: 0, updated: 0, unchanged: items.length, total: items.length });

    const changed = items.map((p) => (p.code === '9.000001' ? { ...p, result: 'Kết quả mới' } : p));
    changed.push(fixture('9.000006'));
    const imp = await env.app.inject({ method: 'POST', url: '/api/admin/procedures/import', payload: changed, headers: admin.headers });
    expect(imp.json()).toEqual({ created: 1, updated: 1, unchanged: items.length - 1, total: items.length + 1 });

    const broken = [fixture('9.000007'), { ...fixture('9.000008'), steps: [] }, fixture('9.000007')];
    const bad = await env.app.inject({ method: 'POST', url: '/api/admin/procedures/import', payload: broken, headers: admin.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { field: string }) => e.field)).toEqual(['[1].steps', '[2].code']);
    expect((await env.app.inject({ method: 'GET', url: '/api/procedures/9.000007' })).statusCode).toBe(404);
    const notXlsx = await env.app.inject({ method: 'POST', url: '/api/admin/procedures/import', payload: Buffer.from('not a workbook'), headers: { ...admin.headers, 'content-type': XLSX_MIME } });
    expect(notXlsx.statusCode).toBe(400);
    expect(notXlsx.json().code).toBe('SERVICES_CATALOGUE_INVALID');
  });

  it('serves stable public pages that need no JavaScript and escape what they show', async () => {
    await put(admin, '9.000009', fixture('9.000009', { name: 'Thủ tục <script>alert(1)</script> thử' }));
    const list = await env.app.inject({ method: 'GET', url: '/thu-tuc?q=dang+ky+khai+sinh' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-type']).toContain('text/html');
    expect(list.body).toContain('Đăng ký khai sinh');
    expect(list.body).not.toContain('<script');
    const page = await env.app.inject({ method: 'GET', url: '/thu-tuc/9.000009' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Thủ tục &lt;script&gt;alert(1)&lt;/script&gt; thử</h1>');
    expect(page.body).toContain('1 ngày làm việc');
    expect(page.body).toContain('8.000 đồng');
    expect(page.body).toContain('<link rel="canonical"');
    expect(page.body).not.toMatch(/<script[\s>]/);
    const missing = await env.app.inject({ method: 'GET', url: '/thu-tuc/9.999999' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Không tìm thấy thủ tục');
  });
});
