import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../../test/harness.js';
import { transaction } from '../../kernel/db/index.js';
import { getAgencyByCode } from '../org/index.js';
import * as repo from './document.repo.js';
import { numberSymbol, sequenceOf, vnYear } from './types.js';

/** Decree 30 numbering on real PostgreSQL: per agency, year and sequence; concurrency-safe. */

let env: TestEnv;
let stp: string;
let skhcn: string;

beforeAll(async () => {
  env = await testEnv({ demo: true });
  stp = (await getAgencyByCode(env.k.db, 'STP'))!.id;
  skhcn = (await getAgencyByCode(env.k.db, 'SKHCN'))!.id;
});
afterAll(() => env.close());

describe('registers and numbering', () => {
  it('numbers from 01 per agency, year and sequence; a new year restarts at 01', async () => {
    const take = (agency: string, year: number, seq: 'regular' | 'normative' | 'secret', dir: 'outgoing' | 'incoming' = 'outgoing') =>
      transaction(env.k.db, (tx) => repo.takeNumber(tx, agency, year, dir, seq));
    expect((await take(stp, 2031, 'regular')).number).toBe(1);
    expect((await take(stp, 2031, 'regular')).number).toBe(2);
    // Normative and secret documents are numbered apart; another agency and the incoming register too.
    expect((await take(stp, 2031, 'normative')).number).toBe(1);
    expect((await take(stp, 2031, 'secret')).number).toBe(1);
    expect((await take(skhcn, 2031, 'regular')).number).toBe(1);
    expect((await take(stp, 2031, 'regular', 'incoming')).number).toBe(1);
    expect((await take(stp, 2031, 'regular')).number).toBe(3);
    // 1 January: the next year's register starts again.
    expect((await take(stp, 2032, 'regular')).number).toBe(1);
    // A rolled-back issue gives its number back (no gap in the register).
    await expect(transaction(env.k.db, async (tx) => {
      await repo.takeNumber(tx, stp, 2031, 'outgoing', 'regular');
      throw new Error('signing failed');
    })).rejects.toThrow('signing failed');
    expect((await take(stp, 2031, 'regular')).number).toBe(4);
  });

  it('gives concurrent issues different numbers', async () => {
    const n = 24;
    const got = await Promise.all(Array.from({ length: n }, () => transaction(env.k.db, async (tx) => {
      const r = await repo.takeNumber(tx, stp, 2033, 'outgoing', 'regular');
      await sql`SELECT pg_sleep(0.01)`.execute(tx);
      return r.number;
    })));
    expect(new Set(got).size).toBe(n);
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('writes number and symbol as Decree 30 does', () => {
    expect(numberSymbol({ number: 12, year: 2026, type: 'quyet_dinh', agencyCode: 'STP', normative: false }).numberSymbol).toBe('12/QĐ-STP');
    expect(numberSymbol({ number: 5, year: 2026, type: 'quyet_dinh', agencyCode: 'UBND', normative: true }).numberSymbol).toBe('05/2026/QĐ-UBND');
    expect(numberSymbol({ number: 7, year: 2026, type: 'cong_van', agencyCode: 'STP', draftingUnit: 'VP', normative: false }).numberSymbol).toBe('07/STP-VP');
    expect(sequenceOf({ normative: true, secrecy: 'mat' })).toBe('secret');
    expect(sequenceOf({ normative: true, secrecy: 'none' })).toBe('normative');
    // The year of a register is Vietnam's: 31 December 23:30 UTC is already 1 January there.
    expect(vnYear(new Date('2026-12-31T17:30:00Z'))).toBe(2027);
    expect(vnYear(new Date('2026-12-31T16:30:00Z'))).toBe(2026);
  });
});
