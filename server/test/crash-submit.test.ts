import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { generate } from 'otplib';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../src/kernel/db/index.js';
import { freePort } from '../src/kernel/db/embedded.js';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/modules/identity/index.js';
import { createTestDatabase, dropTestDatabase } from './harness.js';
import { exited, healthy } from './processes.js';

/**
 * SIGKILL congso while desk officers submit dossiers, start it again, retry
 * every submission with its idempotency key: every dossier the API had
 * acknowledged is there exactly once, with the same id, and nothing is half-written.
 */

const ROOT = path.resolve(__dirname, '../..');
const N = 60;

function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'start'], {
    cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', JOBS: 'false', SEED_DEMO: 'false', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function signIn(base: string, identifier: string): Promise<Record<string, string>> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password: DEMO_PASSWORD, totp: await generate({ secret: DEMO_TOTP_SECRET }) }),
  });
  if (r.status !== 200) throw new Error(`login ${r.status} ${await r.text()}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return { cookie, 'x-csrf-token': ((await r.json()) as { csrfToken: string }).csrfToken, 'content-type': 'application/json' };
}

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

describe('SIGKILL during a submission load', () => {
  it('keeps every acknowledged dossier exactly once; retries with the same keys complete the rest', async () => {
    const url = await createTestDatabase({ demo: true });
    cleanup.push(() => dropTestDatabase(url));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { DATABASE_URL: url, PORT: String(port), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'congso-crash-submit-')) };
    const first = start(env);
    cleanup.push(async () => void first.kill('SIGKILL'));
    await healthy(base, first);

    let headers = await signIn(base, 'motcua@ninhbinh.gov.vn');
    const drafts: string[] = [];
    for (let i = 0; i < N; i++) {
      const d = (await (await fetch(`${base}/api/dossier-drafts`, { method: 'POST', headers, body: JSON.stringify({ procedureCode: '2.000488' }) })).json()) as { id: string; version: number };
      const saved = await fetch(`${base}/api/dossier-drafts/${d.id}`, {
        method: 'PUT', headers,
        body: JSON.stringify({ version: d.version, applicant: { name: `Người nộp ${i}` }, forms: { to_khai: { ho_ten: `Người nộp ${i}`, so_dinh_danh: '037090000001', loai_phieu: 'Phiếu số 1', so_ban: 1, muc_dich: 'Xin việc' } } }),
      });
      expect(saved.status).toBe(200);
      drafts.push(d.id);
    }
    const key = (i: number) => `crash-submit-${i.toString().padStart(4, '0')}`;
    const submit = (i: number) =>
      fetch(`${base}/api/dossier-drafts/${drafts[i]}/submit`, { method: 'POST', headers: { ...headers, 'idempotency-key': key(i) }, body: JSON.stringify({ channel: 'desk' }) });

    const acknowledged = new Map<number, string>();
    const inflight = drafts.map((_, i) =>
      submit(i)
        .then(async (r) => {
          if (r.status === 201) acknowledged.set(i, ((await r.json()) as { id: string }).id);
        })
        .catch(() => undefined),
    );
    for (const t0 = Date.now(); acknowledged.size < 3 && Date.now() - t0 < 60_000; ) await new Promise((r) => setTimeout(r, 5));
    first.kill('SIGKILL');
    await Promise.all(inflight);
    await exited(first);
    expect(acknowledged.size).toBeGreaterThanOrEqual(3);
    expect(acknowledged.size).toBeLessThan(N);

    const h = connect(url, 2);
    cleanup.push(() => h.close());
    for (let i = 0; i < 50; i++) {
      const open = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(h.db);
      if (open.rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Every acknowledged dossier is there, received, with its case; nothing half-written.
    const rows = await sql<{ id: string; code: string; received: boolean; has_case: boolean; actions: number }>`
      SELECT d.id, d.code, d.received_at IS NOT NULL AS received, c.id IS NOT NULL AS has_case,
             (SELECT count(*)::int FROM case_action a WHERE a.case_id = d.id) AS actions
        FROM dossier d LEFT JOIN case_file c ON c.id = d.id`.execute(h.db);
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    for (const id of acknowledged.values()) expect(byId.get(id)).toMatchObject({ received: true, has_case: true, actions: 2 });
    for (const r of rows.rows) expect(r).toMatchObject({ received: true, has_case: true, actions: 2 });
    const orphans = await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_file c WHERE NOT EXISTS (SELECT 1 FROM dossier d WHERE d.id = c.id)`.execute(h.db);
    expect(orphans.rows[0]!.n).toBe(0);

    // Start again and retry everything with the same keys.
    const second = start(env);
    cleanup.push(async () => void second.kill('SIGKILL'));
    await healthy(base, second);
    headers = await signIn(base, 'motcua@ninhbinh.gov.vn');
    for (let i = 0; i < N; i++) {
      const r = await submit(i);
      expect([200, 201]).toContain(r.status);
      const id = ((await r.json()) as { id: string }).id;
      if (acknowledged.has(i)) {
        expect(r.status).toBe(200);
        expect(id).toBe(acknowledged.get(i));
      }
    }
    const after = await sql<{ n: number; codes: number; drafts: number }>`
      SELECT count(*)::int AS n, count(DISTINCT code)::int AS codes,
             (SELECT count(DISTINCT dossier_id)::int FROM dossier_draft WHERE dossier_id IS NOT NULL) AS drafts FROM dossier`.execute(h.db);
    expect(after.rows[0]).toEqual({ n: N, codes: N, drafts: N });
    second.kill('SIGTERM');
    await exited(second);
  }, 240_000);
});
