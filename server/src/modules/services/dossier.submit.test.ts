import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxFor } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import type { Ctx } from '../../kernel/context.js';
import { createDraft, saveDraft, submitDraft, view, vnDay } from './dossier.service.js';

/**
 * The desk submission written in few statements (docs/performance.md, dossier-submit): what
 * it writes in one statement (dossier, files, draft; rollups and open-by-due counts; outbox and
 * audit entries at the end) is all there and consistent with what a later read shows.
 */

let env: TestEnv;
let desk: Ctx;
const form = { ho_ten: 'Nguyễn Văn An', so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Bổ sung hồ sơ xin việc' };

beforeAll(async () => {
  env = await testEnv({ demo: true });
  desk = await ctxFor(env.k, 'motcua@ninhbinh.gov.vn');
});
afterAll(() => env.close());

async function draft(i: number): Promise<string> {
  const d = await createDraft(env.k, desk, { procedureCode: '2.000488' });
  await saveDraft(env.k, desk, d.id, { version: d.version, applicant: { name: `Người nộp ${i}`, phone: '0912345678' }, forms: { to_khai: form } });
  return d.id;
}

describe('desk submission', () => {
  it('returns the dossier as a later read shows it: received, appointment from the processing clock, code of the day', async () => {
    const k = `t-${randomUUID()}`;
    const draftId = await draft(1);
    const out = await submitDraft(env.k, desk, draftId, { channel: 'desk' }, k);
    const again = await view(env.k, desk, out.dossier.id);
    expect(out.replayed).toBe(false);
    expect(JSON.parse(JSON.stringify(out.dossier))).toEqual(JSON.parse(JSON.stringify(again)));
    expect(out.dossier.state).toBe('processing');
    expect(out.dossier.history.map((h) => h.action)).toEqual(['start', 'receive']);
    expect(out.dossier.history[1]!.at).toBeInstanceOf(Date);
    const processing = out.dossier.clocks.find((c) => c.step === 'processing' && !c.stoppedAt)!;
    expect(processing.dueAt).toBeInstanceOf(Date);
    expect(out.dossier.dueAt?.getTime()).toBe(processing.dueAt.getTime());
    expect(out.dossier.code).toMatch(new RegExp(`-${vnDay(out.dossier.submittedAt).slice(2).replaceAll('-', '')}-\\d{4}$`));
    const draftRow = await sql<{ dossier_id: string }>`SELECT dossier_id FROM dossier_draft WHERE dossier_id = ${out.dossier.id}`.execute(env.k.db);
    expect(draftRow.rows).toHaveLength(1);

    // The same key: the same dossier, nothing written twice.
    const replay = await submitDraft(env.k, desk, draftId, { channel: 'desk' }, k);
    expect(replay.replayed).toBe(true);
    expect(replay.dossier.id).toBe(out.dossier.id);
    const events = await sql<{ topic: string }>`SELECT topic FROM outbox WHERE payload->>'caseId' = ${out.dossier.id}
      UNION ALL SELECT topic FROM outbox_done WHERE payload->>'caseId' = ${out.dossier.id}`.execute(env.k.db);
    expect(events.rows.map((r) => r.topic)).toEqual(expect.arrayContaining(['workflow.case.services.dossier.start', 'workflow.case.services.dossier.receive']));
    const audit = await sql<{ action: string }>`SELECT action FROM audit_log WHERE entity_id = ${out.dossier.id} ORDER BY seq`.execute(env.k.db);
    expect(audit.rows.map((r) => r.action).sort()).toEqual(['services.dossier.submit', 'workflow.services.dossier.receive', 'workflow.services.dossier.start'].sort());
  });

  it('counts concurrent submissions exactly once in the daily and monthly rollups and the open-by-appointment counts', async () => {
    const before = await counts();
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => draft(10 + i)));
    const done = await Promise.all(ids.map((id) => submitDraft(env.k, desk, id, { channel: 'desk' }, `t-${randomUUID()}`)));
    const after = await counts();
    expect(after.received - before.received).toBe(6);
    expect(after.month - before.month).toBe(6);
    expect(after.open - before.open).toBe(6);
    expect(new Set(done.map((d) => d.dossier.code)).size).toBe(6);
    expect((await env.k.audit.verify(env.k.db)).ok).toBe(true);
  });
});

async function counts(): Promise<{ received: number; month: number; open: number }> {
  const r = await sql<{ received: number; month: number; open: number }>`
    SELECT (SELECT coalesce(sum(received), 0) FROM dossier_rollup)::int AS received,
           (SELECT coalesce(sum(received), 0) FROM dossier_rollup_month)::int AS month,
           (SELECT coalesce(sum(n), 0) FROM dossier_open_by_due)::int AS open`.execute(env.k.db);
  return r.rows[0]!;
}
