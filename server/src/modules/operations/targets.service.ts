import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';
import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import * as dtiRepo from './dti.repo.js';
import { opsErrors } from './errors.js';
import { DASHBOARD_READ, DTI_MANAGE, TARGETS_MANAGE } from './http.js';
import * as repo from './live.repo.js';
import { FIGURE_KEYS, type FigureKey, forgetCached, NOW_KEYS, UNITS } from './live.service.js';

/**
 * The live figures' targets per level (red/amber/green thresholds), and which
 * live figure evidences each DTI indicator: read by leaders, changed by the
 * steering committee and administrators, each change audited with its before.
 */

export const LEVELS: repo.TargetLevel[] = ['province', 'agency', 'commune'];

const unitOf = (key: FigureKey) => UNITS[key] ?? 'count';

export async function listTargets(k: Kernel, ctx: Ctx) {
  authorize(ctx.actor, DASHBOARD_READ);
  const rows = await repo.liveTargets(k.db);
  return {
    figures: FIGURE_KEYS.map((key) => ({ key, unit: unitOf(key) })),
    targets: rows.map((r) => ({ key: r.key, level: r.level, unit: unitOf(r.key as FigureKey), target: r.target, amber: r.amber, direction: r.direction, basis: r.basis, updatedBy: r.updated_by ?? null, updatedAt: r.updated_at ?? null })),
  };
}

/**
 * A figure's values are a count (a whole number, not negative), a percent or
 * points out of 100 (0–100): a target or amber threshold outside its figure's
 * unit, or an amber on the wrong side of the target, is refused naming the field.
 */
export function checkTarget(key: string, input: { unit?: string; target: number; amber: number; direction: 'up' | 'down' }): void {
  if (!FIGURE_KEYS.includes(key as FigureKey)) throw opsErrors.metric(key);
  const unit = unitOf(key as FigureKey);
  if (input.unit !== undefined && input.unit !== unit) throw opsErrors.value('unit', unit, `số liệu ${key} tính bằng «${unit}», không phải «${input.unit}»`);
  for (const field of ['target', 'amber'] as const) {
    const v = input[field];
    if (!Number.isFinite(v) || v < 0) throw opsErrors.value(field, unit, 'không được âm');
    if (unit === 'count' && !Number.isInteger(v)) throw opsErrors.value(field, unit, 'số đếm phải là số nguyên');
    if (unit !== 'count' && v > 100) throw opsErrors.value(field, unit, unit === 'percent' ? 'tỷ lệ không quá 100%' : 'điểm không quá 100');
  }
  if (input.direction === 'up' && input.amber > input.target) throw opsErrors.value('amber', unit, 'với chiều «càng cao càng tốt», ngưỡng vàng không lớn hơn chỉ tiêu');
  if (input.direction === 'down' && input.amber < input.target) throw opsErrors.value('amber', unit, 'với chiều «càng thấp càng tốt», ngưỡng vàng không nhỏ hơn chỉ tiêu');
}

export async function saveTarget(k: Kernel, ctx: Ctx, key: string, level: repo.TargetLevel, input: { unit?: string; target: number; amber: number; direction: 'up' | 'down'; basis: string }) {
  authorize(ctx.actor, TARGETS_MANAGE);
  checkTarget(key, input);
  await transaction(k.db, async (tx) => {
    const before = await repo.targetForUpdate(tx, key, level);
    const row = { key, level, target: input.target, amber: input.amber, direction: input.direction, basis: input.basis, updated_by: ctx.actor!.name };
    await repo.upsertTarget(tx, row);
    await k.audit.record(tx, ctx, { action: 'operations.target.save', entity: 'ops_live_target', entityId: `${key}:${level}`, before: before ?? null, after: row });
  });
  // The screens read targets from a short cache: forget it so the next read shows the new colour.
  forgetCached(k);
  return listTargets(k, ctx);
}

export async function removeTarget(k: Kernel, ctx: Ctx, key: string, level: repo.TargetLevel) {
  authorize(ctx.actor, TARGETS_MANAGE);
  if (!FIGURE_KEYS.includes(key as FigureKey)) throw opsErrors.metric(key);
  await transaction(k.db, async (tx) => {
    const before = await repo.targetForUpdate(tx, key, level);
    if (!before) return;
    await repo.deleteTarget(tx, key, level);
    await k.audit.record(tx, ctx, { action: 'operations.target.delete', entity: 'ops_live_target', entityId: `${key}:${level}`, before, after: null });
  });
  forgetCached(k);
  return listTargets(k, ctx);
}

/** Figures a DTI indicator can be evidenced with: sums over a year, or the 766 score (not "open now"). */
export const EVIDENCE_KEYS = FIGURE_KEYS.filter((key) => !NOW_KEYS.includes(key) || key === 'dossiers.index766');

export async function saveEvidence(k: Kernel, ctx: Ctx, version: string, code: string, input: { evidenceKey: string | null; evidenceNote: string | null }) {
  authorize(ctx.actor, DTI_MANAGE);
  if (input.evidenceKey !== null && !EVIDENCE_KEYS.includes(input.evidenceKey as FigureKey)) throw opsErrors.metric(input.evidenceKey);
  const frameworks = await dtiRepo.frameworks(k.db);
  if (!frameworks.some((f) => f.version === version)) throw opsErrors.dtiFramework(version);
  await transaction(k.db, async (tx) => {
    const before = await dtiRepo.indicatorForUpdate(tx, version, code);
    if (!before) throw opsErrors.dtiIndicator(code, version);
    await dtiRepo.setEvidence(tx, version, code, input.evidenceKey, input.evidenceNote);
    await k.audit.record(tx, ctx, { action: 'operations.dti.evidence', entity: 'ops_dti_indicator', entityId: `${version}:${code}`,
      before: { evidenceKey: before.evidence_key, evidenceNote: before.evidence_note }, after: input });
  });
  return { version, code, ...input };
}
