import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemCtx } from '../../kernel/context.js';
import type { Kernel } from '../../kernel/index.js';
import { importCatalogue } from './catalogue.service.js';

/** The demo catalogue: real procedures of a province and its communes (demo/procedures.json). */
export const DEMO_CATALOGUE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo', 'procedures.json');

export function demoCatalogue(): unknown[] {
  return existsSync(DEMO_CATALOGUE) ? (JSON.parse(readFileSync(DEMO_CATALOGUE, 'utf8')) as unknown[]) : [];
}

/** Idempotent: a procedure whose content did not change gets no new version. */
export async function seedServicesDemo(k: Kernel): Promise<void> {
  const items = demoCatalogue();
  if (items.length) await importCatalogue(k, systemCtx('seed'), items);
}
