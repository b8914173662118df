import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { renderPdf } from '../../kernel/pdf/index.js';
import { documentsModule, INCOMING_TYPE, OUTGOING_TYPE } from '../documents/index.js';
import { documentFact, rebuild } from './live.projection.js';

/**
 * Document figures on real PostgreSQL with the demo province: an outgoing
 * document goes from draft to issue through the documents module's real
 * routes (signed with the development PKI), an incoming one arrives by upload,
 * the outbox is drained once, and the province's and the department's
 * figures move by exactly that; the projection's rules on deadlines.
 */

let env: TestEnv;
let specialist: TestSession;
let head: TestSession;
let director: TestSession;
let clerk: TestSession;
let province: TestSession;
let stp: TestSession;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function call(s: TestSession, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<{ status: number; body: Json }> {
  const r = await env.app.inject({ method, url, payload: (payload ?? (method === 'POST' ? {} : undefined)) as object, headers: { ...s.headers, ...(method === 'POST' ? { 'idempotency-key': `k-${randomUUID()}` } : {}) } });
  return { status: r.statusCode, body: r.json() };
}
const letter = (title: string) =>
  renderPdf({
    meta: { title, createdAt: new Date('2026-11-20T02:00:00Z') },
    header: { agency: ['UBND TỈNH NINH BÌNH', 'SỞ TƯ PHÁP'], number: 'Số:      /QĐ-STP', placeDate: 'Ninh Bình, ngày      tháng      năm 2026' },
    blocks: [{ kind: 'title', text: 'Quyết định', subtitle: title }, { kind: 'text', text: 'Nội dung thử nghiệm.' }, { kind: 'signatures', blocks: [{ title: 'GIÁM ĐỐC', name: 'Lê Quang Huy' }] }],
  });

async function figures(s: TestSession, query = ''): Promise<Record<string, number | null>> {
  const r = await call(s, 'GET', `/api/operations/dashboard${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return Object.fromEntries(r.body.figures.map((f: Json) => [f.key, f.value]));
}

beforeAll(async () => {
  env = await testEnv({ demo: true });
  await documentsModule.seedDemo!(env.k);
  [specialist, head, director, clerk, province, stp] = await Promise.all([
    login(env.app, 'chuyenvien.stp@ninhbinh.gov.vn'), login(env.app, 'truongphong.stp@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
    login(env.app, 'vanthu.stp@ninhbinh.gov.vn'), login(env.app, 'lanhdao@ninhbinh.gov.vn'), login(env.app, 'giamdoc.stp@ninhbinh.gov.vn'),
  ]);
  await env.k.outbox.drain();
}, 120_000);
afterAll(() => env.close());

describe('document figures', () => {
  it('counts a document issued with its signatures and one received, from the case events, after one drain', async () => {
    const p0 = await figures(province);
    const a0 = await figures(stp, '?agency=STP');
    const draft = await call(specialist, 'POST', '/api/documents/outgoing', {
      docType: 'quyet_dinh', summary: 'Quyết định thử nghiệm số liệu văn bản', recipients: [{ name: 'Lưu: VT' }],
      file: { name: 'du-thao.pdf', data: b64(await letter('Thử nghiệm')) },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    const id = draft.body.id;
    expect((await call(specialist, 'POST', `/api/documents/${id}/actions/submit`)).status).toBe(200);
    expect((await call(head, 'POST', `/api/documents/${id}/actions/approve`)).status).toBe(200);
    const p12 = b64(readFileSync(path.join(env.k.config.dataDir, 'pki', 'dev', 'officials', 'giamdoc.stp@ninhbinh.gov.vn.p12')));
    const signed = await call(director, 'POST', `/api/documents/${id}/sign`, { p12, password: 'congso-dev' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    // Signed but not yet issued: nothing counted yet.
    await env.k.outbox.drain();
    expect((await figures(province))['documents.issued']).toBe(p0['documents.issued']);
    const issued = await call(clerk, 'POST', `/api/documents/${id}/issue`);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    const incoming = await call(clerk, 'POST', '/api/documents/incoming', {
      docType: 'cong_van', summary: 'Về việc báo cáo số liệu', numberSymbol: `${Math.floor(Math.random() * 1e6)}/UBND-VP`, issuerName: 'UBND xã thử nghiệm',
      issuedOn: '2026-11-18', file: { name: 'cv.pdf', data: b64(await letter('Công văn')) },
    });
    expect(incoming.status, JSON.stringify(incoming.body)).toBe(201);
    // Not before the outbox runs: the figures come from the projection, not from the documents' rows.
    expect((await figures(province))['documents.issued']).toBe(p0['documents.issued']);
    await env.k.outbox.drain();
    const p1 = await figures(province);
    expect(p1['documents.issued']).toBe(p0['documents.issued']! + 1);
    expect(p1['documents.signed']).toBe(p0['documents.signed']! + 1);
    expect(p1['documents.received']).toBe(p0['documents.received']! + 1);
    expect(p1['documents.open']).toBe(p0['documents.open']! + 1);
    const a1 = await figures(stp, '?agency=STP');
    expect(a1['documents.issued']).toBe(a0['documents.issued']! + 1);
    expect(a1['documents.received']).toBe(a0['documents.received']! + 1);
    expect(a1['documents.signedShare']).toBe(100);
    // The department's row among the province's children says the same.
    const kids = (await call(province, 'GET', '/api/operations/dashboard')).body.children as Json[];
    expect(kids.find((c) => c.kind === 'agency' && c.code === 'STP')!.values['documents.issued']).toBe(a1['documents.issued']);
    // A retried event or a rebuild changes nothing.
    expect((await rebuild(env.k)).changed).toBe(0);
    expect(await figures(province)).toEqual(p1);
  });

  it('trends documents by month and refuses nothing it knows', async () => {
    const r = await call(province, 'GET', '/api/operations/trend?grain=month&keys=documents.issued,documents.signedShare');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.series.map((s: Json) => s.key)).toEqual(['documents.issued', 'documents.signedShare']);
    const overdue = await call(province, 'GET', '/api/operations/trend?grain=month&keys=documents.overdue');
    expect(overdue.status).toBe(400);
  });
});

describe('documentFact', () => {
  const at = (s: string) => new Date(s);
  const base = { id: randomUUID(), unitPath: '37', agencyId: randomUUID(), createdAt: at('2026-11-02T03:00:00Z') };
  it('counts an incoming document past its deadline as open and overdue-able, and handled late once finished after it', () => {
    const open = documentFact({ ...base, type: INCOMING_TYPE, state: 'in_progress', data: { deadline: '2026-11-05T10:00:00.000Z' } }, [], false)!;
    expect(open).toMatchObject({ kind: 'document', channel: 'incoming', received_day: '2026-11-02', open: true, finished_day: null });
    expect(open.due_at!.toISOString()).toBe('2026-11-05T10:00:00.000Z');
    const late = documentFact({ ...base, type: INCOMING_TYPE, state: 'finished', data: { deadline: '2026-11-05T10:00:00.000Z' } },
      [{ action: 'finish', at: at('2026-11-06T02:00:00Z'), payload: {} }], false)!;
    expect(late).toMatchObject({ open: false, finished_day: '2026-11-06', outcome: 'late' });
    const refused = documentFact({ ...base, type: INCOMING_TYPE, state: 'refused', data: {} }, [], false)!;
    expect(refused).toMatchObject({ open: false, finished_day: null, outcome: null });
  });
  it('counts an outgoing document only once issued, signed when a sign action produced a version; a commune committee\'s for the commune', () => {
    const draft = documentFact({ ...base, type: OUTGOING_TYPE, state: 'approved', data: {} }, [], false)!;
    expect(draft).toMatchObject({ received_day: null, signed: null, open: false });
    const issued = documentFact({ ...base, unitPath: '37.13285', type: OUTGOING_TYPE, state: 'issued', data: {} },
      [{ action: 'sign', at: at('2026-11-03T01:00:00Z'), payload: { versionId: 'v1' } }, { action: 'issue', at: at('2026-11-03T18:00:00Z'), payload: { versionId: 'v2' } }], true)!;
    // 18:00 UTC is the next Vietnamese day.
    expect(issued).toMatchObject({ channel: 'outgoing', received_day: '2026-11-04', signed: true, agency_key: '', unit_path: '37.13285' });
    expect(documentFact({ ...base, type: 'services.dossier', state: 'x', data: {} }, [], false)).toBeNull();
  });
});
