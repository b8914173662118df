import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, type TestSession } from '../../../test/auth.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';

let env: TestEnv;
let citizen: TestSession;
let citizen2: TestSession;

beforeAll(async () => {
  env = await testEnv({ demo: true, env: { FEEDBACK_REPORTS_PER_HOUR: '2' } });
  [citizen, citizen2] = await Promise.all([login(env.app, 'congdan@example.vn'), login(env.app, 'congdan2@example.vn')]);
}, 60_000);
afterAll(() => env.close());

const send = (s: TestSession, n: number) =>
  env.app.inject({
    method: 'POST', url: '/api/feedback/reports', headers: { ...s.headers, 'idempotency-key': `k-${randomUUID()}` },
    payload: { categoryCode: 'moi_truong', title: `Phản ánh số ${n}`, body: 'Rác thải chưa được thu gom đúng lịch.', unitCode: '13285' },
  });

describe('floods', () => {
  it('stops an account after FEEDBACK_REPORTS_PER_HOUR reports in an hour, with a Vietnamese problem and nothing stored; others go on', async () => {
    expect((await send(citizen, 1)).statusCode).toBe(201);
    expect((await send(citizen, 2)).statusCode).toBe(201);
    const third = await send(citizen, 3);
    expect(third.statusCode).toBe(429);
    expect(third.headers['content-type']).toContain('application/problem+json');
    expect(third.json().detail).toMatch(/[Qq]uá nhiều|thử lại/);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM feedback_report`.execute(env.k.db)).rows[0]!.n).toBe(2);
    // The limit is per account, not for everyone.
    expect((await send(citizen2, 1)).statusCode).toBe(201);
  });
});
