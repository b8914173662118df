import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePdf } from '../../kernel/pki/index.js';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { documentsModule } from '../documents/index.js';
import { trustMaterial } from '../documents/pki.js';

/**
 * The electronic result of a dossier carries the deciding agency's organisation
 * signature: the applicant's download validates (congso's validator and poppler's pdfsig).
 */

let env: TestEnv;
let desk: TestSession;
let specialist: TestSession;
let director: TestSession;
let citizen: TestSession;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  env = await testEnv({ demo: true });
  // The demo's signing keys (development CA, organisation keys) under this test's DATA_DIR.
  await documentsModule.seedDemo!(env.k);
  [desk, specialist, director, citizen] = await Promise.all([
    login(env.app, 'motcua@ninhbinh.gov.vn'), login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'), login(env.app, 'congdan@example.vn'),
  ]);
}, 90_000);
afterAll(() => env.close());

const call = async (s: TestSession, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
  const r = await env.app.inject({ method, url, payload: payload as object, headers: { ...s.headers, ...headers } });
  return { status: r.statusCode, json: (() => { try { return r.json(); } catch { return null; } })() as Json, raw: r };
};
const key = () => ({ 'idempotency-key': `k-${randomUUID()}` });

describe('signed results and tracking', () => {
  it('signs the result of a Department of Justice dossier with the department’s organisation signature', async () => {
    const draft = (await call(citizen, 'POST', '/api/dossier-drafts', { procedureCode: '2.000488' })).json;
    await call(citizen, 'PUT', `/api/dossier-drafts/${draft.id}`, {
      version: draft.version, applicant: { name: 'Nguyễn Văn An', idNumber: '037090000001' },
      forms: { to_khai: { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } },
    });
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
    for (const c of ['to_khai_scan', 'cccd']) {
      await env.app.inject({ method: 'POST', url: `/api/dossier-drafts/${draft.id}/files?component=${c}&name=${c}.pdf`, payload: pdf, headers: { ...citizen.headers, 'content-type': 'application/pdf' } });
    }
    const filed = await call(citizen, 'POST', `/api/dossier-drafts/${draft.id}/submit`, {}, key());
    expect(filed.status, JSON.stringify(filed.json)).toBe(201);
    const id = filed.json.id;
    expect((await call(desk, 'POST', `/api/dossiers/${id}/actions/receive`, {}, key())).status).toBe(200);
    expect((await call(specialist, 'POST', `/api/dossiers/${id}/actions/process`, {}, key())).status).toBe(200);
    const approved = await call(director, 'POST', `/api/dossiers/${id}/actions/approve`, {}, key());
    expect(approved.status).toBe(200);
    const resultId = approved.json.resultFileId;
    const file = await env.app.inject({ method: 'GET', url: `/api/dossiers/${id}/files/${resultId}`, headers: citizen.headers });
    expect(file.statusCode).toBe(200);
    const bytes = new Uint8Array(file.rawPayload);

    const report = await validatePdf(bytes, await trustMaterial(env.k));
    expect(report.signatures).toHaveLength(1);
    expect(report.signatures[0]!.indication).toBe('TOTAL_PASSED');
    expect(report.signatures[0]!.signer?.subject ?? JSON.stringify(report.signatures[0])).toMatch(/Sở Tư pháp/);

    // Tracking without JavaScript: a server-rendered page, nothing personal on it.
    const page = await env.app.inject({ method: 'GET', url: `/tra-cuu-ho-so?ma=${encodeURIComponent(filed.json.code)}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Đã có kết quả');
    expect(page.body).toContain('Sở Tư pháp');
    expect(page.body).not.toContain('Nguyễn Văn An');
    expect(page.body).not.toContain('<script');
    const missing = await env.app.inject({ method: 'GET', url: '/tra-cuu-ho-so?ma=KHONG-CO-MA-NAY' });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Không tìm thấy hồ sơ mã «KHONG-CO-MA-NAY»');

    const f = path.join(mkdtempSync(path.join(tmpdir(), 'congso-result-')), 'ket-qua.pdf');
    writeFileSync(f, bytes);
    expect(execFileSync('/usr/bin/pdfsig', [f], { encoding: 'utf8' })).toMatch(/Signature Validation: Signature is Valid/);
  });
});
