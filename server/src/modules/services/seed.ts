import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemCtx } from '../../kernel/context.js';
import type { Kernel } from '../../kernel/index.js';
import { importCatalogue } from './catalogue.service.js';
import { getAgencyByCode } from '../org/index.js';
import { getProcessDefinition, saveProcessDefinition } from './process-definition.js';

/** The demo catalogue: real procedures of a province and its communes (demo/procedures.json). */
export const DEMO_CATALOGUE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo', 'procedures.json');

export function demoCatalogue(): unknown[] {
  return existsSync(DEMO_CATALOGUE) ? (JSON.parse(readFileSync(DEMO_CATALOGUE, 'utf8')) as unknown[]) : [];
}

/** Joint-processing plans of demo procedures (demo/joint-plans.json), by procedure code. */
export const DEMO_JOINT_PLANS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo', 'joint-plans.json');

/**
 * Idempotent: a procedure whose content did not change gets no new version.
 * A demo joint plan is saved (as a new process definition version) once every
 * agency it names exists and the procedure has no saved definition yet: the
 * org demo has no police or social-insurance agency, so an administrator adds
 * them (codes CA, BHXH) and runs the seed again.
 */
export async function seedServicesDemo(k: Kernel): Promise<void> {
  const items = demoCatalogue();
  if (items.length) await importCatalogue(k, systemCtx('seed'), items);
  if (!existsSync(DEMO_JOINT_PLANS)) return;
  const plans = JSON.parse(readFileSync(DEMO_JOINT_PLANS, 'utf8')) as Record<string, { steps: { agencyCode: string }[] }>;
  for (const [code, plan] of Object.entries(plans)) {
    const missing = [];
    for (const s of plan.steps) if (!(await getAgencyByCode(k.db, s.agencyCode))) missing.push(s.agencyCode);
    if (missing.length) {
      k.log.info({ procedure: code, missing }, 'services seed: joint plan skipped until these agencies exist');
      continue;
    }
    const cur = await getProcessDefinition(k, code);
    if (cur.version > 0) continue;
    await saveProcessDefinition(k, systemCtx('seed'), code, { ...cur.definition, joint: { steps: plan.steps } });
  }
}
