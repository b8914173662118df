import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { systemCtx } from '../../kernel/context.js';
import { AppError } from '../../kernel/errors.js';
import { importUnits } from './import.service.js';

const SHARED = path.resolve(__dirname, '../../../../../shared/data/admin-units/vn-units-2026-07-25.json');
const ROOT = path.resolve(__dirname, '../../../..');
const run = promisify(execFile);

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

async function count(where = sql`true`): Promise<number> {
  return (await sql<{ n: number }>`SELECT count(*)::int AS n FROM org_unit WHERE ${where}`.execute(env.k.db)).rows[0]!.n;
}

describe('units import', () => {
  it.runIf(existsSync(SHARED))('imports all 34 provinces and 3,321 communes of the official list, then changes nothing on a second run', async () => {
    const text = readFileSync(SHARED, 'utf8');
    const progress: number[] = [];
    const first = await importUnits(env.k, systemCtx(), text, { onProgress: (d) => progress.push(d) });
    expect(first).toEqual({ created: 3355, updated: 0, unchanged: 0, total: 3355 });
    expect(progress.at(-1)).toBe(3355);
    expect(progress.length).toBeGreaterThan(5);
    expect(await count(sql`type IN ('province', 'city')`)).toBe(34);
    expect(await count(sql`length(code) = 5`)).toBe(3321);
    const phuly = await sql<{ path: string; type: string; full_name: string }>`SELECT path, type, full_name FROM org_unit WHERE code = '13285'`.execute(env.k.db);
    expect(phuly.rows[0]).toEqual({ path: '37.13285', type: 'ward', full_name: 'Phường Phủ Lý' });
    expect(await count(sql`type = 'special_zone'`)).toBeGreaterThan(0);
    const second = await importUnits(env.k, systemCtx(), text);
    expect(second).toEqual({ created: 0, updated: 0, unchanged: 3355, total: 3355 });
  });

  it('reads CSV, updates renamed units, and is all-or-nothing on a bad file', async () => {
    const csv = ['code,name,full_name,name_en,type,parent_code', '98,Thử,Tỉnh Thử,Thu,province,', '98001,"Hòa, Bình",Xã Hòa Bình,Hoa Binh,commune,98', '98002,An Lạc,Phường An Lạc,,ward,98'].join('\r\n');
    expect(await importUnits(env.k, systemCtx(), csv)).toMatchObject({ created: 3, updated: 0 });
    const name = await sql<{ name: string }>`SELECT name FROM org_unit WHERE code = '98001'`.execute(env.k.db);
    expect(name.rows[0]!.name).toBe('Hòa, Bình');
    const renamed = csv.replace('An Lạc,Phường An Lạc', 'An Lạc Mới,Phường An Lạc Mới');
    expect(await importUnits(env.k, systemCtx(), renamed)).toMatchObject({ created: 0, updated: 1, unchanged: 2 });

    const before = await count();
    const bad = `${csv}\n98003,Lỗi,Xã Lỗi,,village,98\n98004,Mới,Xã Mới,,commune,98`;
    const err = await importUnits(env.k, systemCtx(), bad).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('ORG_IMPORT_INVALID');
    expect(String(err.params.reason)).toContain('dòng 5');
    expect(await count()).toBe(before);
    const orphan = await importUnits(env.k, systemCtx(), 'code,name,full_name,name_en,type,parent_code\n97001,A,Xã A,,commune,97').catch((e) => e);
    expect(orphan.code).toBe('ORG_IMPORT_INVALID');
    expect(await count()).toBe(before);
    for (const broken of ['[{"Code":"1"}]', '{"not":"a list"}', '[', 'a,b\n1,2']) {
      expect((await importUnits(env.k, systemCtx(), broken).catch((e) => e)).code).toBe('ORG_IMPORT_INVALID');
    }
  });

  it('`congso units import FILE` shows progress and a summary, and refuses a malformed file with a clear message', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'congso-import-'));
    const file = path.join(dir, 'units.csv');
    writeFileSync(file, 'code,name,full_name,name_en,type,parent_code\n95,Mẫu,Tỉnh Mẫu,,province,\n95001,Một,Xã Một,,commune,95\n');
    const ok = await run(path.join(ROOT, 'bin/congso'), ['units', 'import', file], { env: { ...process.env, DATABASE_URL: env.dbUrl, LOG_LEVEL: 'silent' } });
    expect(ok.stdout).toContain('2 units: 2 created, 0 updated, 0 unchanged');
    expect(ok.stderr).toContain('2/2');
    writeFileSync(file, 'code;name\n1;2\n');
    const bad = await run(path.join(ROOT, 'bin/congso'), ['units', 'import', file], { env: { ...process.env, DATABASE_URL: env.dbUrl, LOG_LEVEL: 'silent' } }).catch((e) => e);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Tệp danh mục đơn vị hành chính không hợp lệ');
  });
});
