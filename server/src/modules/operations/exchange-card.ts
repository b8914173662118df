import type { Ctx } from '../../kernel/context.js';
import type { Kernel } from '../../kernel/index.js';
import { exchangePartnerFigures } from '../exchange/index.js';
import { resolveLevel, period } from './live.service.js';
import { opsErrors } from './errors.js';

/**
 * The data-exchange platform's card on the province screen (issue 7 feeding
 * issue 6): per partner system and kind of exchange, the volume, errors and
 * latency (mean, p95) of the period from the exchange module's hash-chained log.
 * Province-wide figures: only a reader who may see the province's screen.
 */
export async function exchangeCard(k: Kernel, ctx: Ctx, q: { from?: string; to?: string }) {
  const level = await resolveLevel(k, ctx, {});
  if (level.kind !== 'province') throw opsErrors.provinceOnly();
  const p = period(q);
  const from = new Date(`${p.from}T00:00:00+07:00`);
  const to = new Date(Date.parse(`${p.to}T00:00:00+07:00`) + 86_400_000);
  const rows = await exchangePartnerFigures(k, from, to);
  const total = rows.reduce((a, r) => a + r.total, 0);
  const errors = rows.reduce((a, r) => a + r.errors, 0);
  return {
    period: p,
    computedAt: new Date(),
    totals: { total, errors, errorRate: total ? Math.round((1000 * errors) / total) / 10 : null, p95Ms: rows.length ? Math.max(...rows.map((r) => r.p95Ms)) : null },
    partners: rows,
  };
}
