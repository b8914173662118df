import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transaction } from '../../kernel/db/index.js';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { nextCode } from './dossier.service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await testEnv();
});
afterAll(() => env.close());

describe('dossier codes', () => {
  it('a transaction holding a code does not hold back the next submission to the same office', async () => {
    const at = new Date('2026-11-23T03:00:00Z');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let first = '';
    const open = transaction(env.k.db, async (tx) => {
      first = await nextCode(env.k, tx, 'STP', at);
      await gate; // still open, as a submission is until it commits
    });
    while (!first) await new Promise((r) => setTimeout(r, 10));
    // Before the change the day's counter row stayed locked until the first transaction
    // committed, and this waited for it: here it completes while the first is still open.
    const second = await transaction(env.k.db, (tx) => nextCode(env.k, tx, 'STP', at));
    release();
    await open;
    expect(first).toMatch(/-261123-0001$/);
    expect(second).toMatch(/-261123-0002$/);
    // A rolled-back transaction keeps its number used: codes never repeat, gaps are allowed.
    await transaction(env.k.db, async (tx) => {
      await nextCode(env.k, tx, 'STP', at);
      throw new Error('rolled back');
    }).catch(() => undefined);
    expect(await transaction(env.k.db, (tx) => nextCode(env.k, tx, 'STP', at))).toMatch(/-261123-0004$/);
  });
});
