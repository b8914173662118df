import { createHash } from 'node:crypto';
import { canonical } from '../../kernel/audit/index.js';
import { transaction } from '../../kernel/db/index.js';
import type { Kernel } from '../../kernel/index.js';
import * as repo from './exchange-log.repo.js';

/**
 * The exchange log: every partner call, token request and webhook delivery
 * attempt, chained like the audit log (X-Road's message log): each entry's
 * hash covers its content and the previous hash, so an edited or removed
 * entry breaks the chain from there on and `verify` names it. Entries are
 * written in their own short transaction, after the call, so a read-only
 * call still leaves a trace and a failed one too.
 */

const GENESIS = '0'.repeat(64);

function hashOf(prev: string, e: repo.LogContent): string {
  return createHash('sha256')
    .update(prev)
    .update('\n')
    .update(canonical({ ...e, at: e.at.toISOString(), detail: e.detail ?? null }))
    .digest('hex');
}

export interface LogInput {
  partnerId: string | null;
  kind: 'token' | 'call' | 'delivery';
  operation: string;
  status: number;
  durationMs: number;
  requestId?: string | null;
  detail?: Record<string, unknown> | null;
}

export async function appendLog(k: Kernel, e: LogInput): Promise<void> {
  const content: repo.LogContent = {
    at: new Date(Math.floor(Date.now())),
    partner_id: e.partnerId,
    kind: e.kind,
    operation: e.operation,
    status: e.status,
    duration_ms: Math.max(0, Math.round(e.durationMs)),
    request_id: e.requestId ?? null,
    detail: e.detail ? JSON.parse(JSON.stringify(e.detail)) : null,
  };
  await transaction(k.db, async (tx) => {
    await repo.lockChain(tx);
    const prev = (await repo.lastHash(tx)) ?? GENESIS;
    await repo.insertEntry(tx, { ...content, prev_hash: prev, hash: hashOf(prev, content) });
  });
}

export async function verifyLog(k: Kernel): Promise<{ ok: boolean; checked: number; brokenAt?: number; reason?: string }> {
  let prev = GENESIS;
  let after = 0;
  let checked = 0;
  for (;;) {
    const rows = await repo.entriesAfter(k.db, after, 5000);
    if (!rows.length) return { ok: true, checked };
    for (const r of rows) {
      if (r.prev_hash !== prev) return { ok: false, checked, brokenAt: r.seq, reason: 'link to the previous entry does not match (an entry was removed or changed)' };
      const { seq: _s, prev_hash: _p, hash, ...content } = r;
      if (hashOf(prev, { ...content, at: new Date(content.at) }) !== hash) return { ok: false, checked, brokenAt: r.seq, reason: 'content does not match its hash (the entry was edited)' };
      prev = hash;
      after = r.seq;
      checked++;
    }
  }
}

export async function partnerFigures(k: Kernel, from: Date, to: Date, partnerId?: string) {
  return repo.partnerFigures(k.db, from, to, partnerId);
}
