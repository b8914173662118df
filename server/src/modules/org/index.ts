import { readFile } from 'node:fs/promises';
import { systemCtx } from '../../kernel/context.js';
import { withProgress } from '../../kernel/progress.js';
import type { Executor } from '../../kernel/db/index.js';
import type { Kernel, Module } from '../../kernel/index.js';
import './errors.js';
import { importUnits } from './import.service.js';
import * as repo from './org.repo.js';
import { agenciesListRoute } from './routes/agencies-list.js';
import { agencyCreateRoute } from './routes/agency-create.js';
import { agencyUpdateRoute } from './routes/agency-update.js';
import { divisionCreateRoute } from './routes/division-create.js';
import { divisionsListRoute } from './routes/divisions-list.js';
import { officialCreateRoute } from './routes/official-create.js';
import { officialUpdateRoute } from './routes/official-update.js';
import { officialsListRoute } from './routes/officials-list.js';
import { positionsListRoute } from './routes/positions-list.js';
import { unitCreateRoute } from './routes/unit-create.js';
import { unitGetRoute } from './routes/unit-get.js';
import { unitUpdateRoute } from './routes/unit-update.js';
import { unitsListRoute } from './routes/units-list.js';
import { seedOrgDemo } from './seed.js';

/**
 * Organisation: administrative units (with their validity and lineage),
 * agencies and their divisions, positions and officials. Other modules use the
 * functions below, never the tables.
 */

export type { AgencyRow, OfficialRow, UnitRow } from './org.repo.js';
export { importUnits, parseUnitList } from './import.service.js';

export const findUnitByCode = (db: Executor, code: string) => repo.unitByCode(db, code);
export const getUnit = (db: Executor, id: string) => repo.unitById(db, id);
export const findProvinceUnit = (db: Executor) => repo.provinceUnit(db);
export const getAgency = (db: Executor, id: string) => repo.agencyById(db, id);
export const getAgencyByCode = (db: Executor, code: string) => repo.agencyByCode(db, code);
export const getOfficial = (db: Executor, id: string) => repo.officialById(db, id);
export const findOfficialByEmail = (db: Executor, email: string) => repo.officialByEmail(db, email);
/** The current units under a unit (by its code), in path order (operations centre drill-down). */
export const listChildUnits = async (db: Executor, parentCode: string) => (await repo.listUnits(db, { parent: parentCode, limit: 5000, offset: 0 })).items;
/** Active and inactive agencies (up to 1,000), in unit path order (operations centre rankings). */
export const listAllAgencies = (db: Executor) => repo.listAgencies(db, {});
/** The officials of an agency (reminders and reports from the operations centre go to them). */
export const listAgencyOfficials = (db: Executor, agencyId: string) => repo.listOfficials(db, { agencyId });

async function importCommand(k: Kernel, args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: congso units import FILE (.json or .csv)');
    return 2;
  }
  const text = await readFile(file, 'utf8');
  return withProgress('units', async (progress) => {
    const r = await importUnits(k, systemCtx('units import'), text, {
      format: file.endsWith('.csv') ? 'csv' : file.endsWith('.json') ? 'json' : undefined,
      onProgress: progress,
    });
    return `${r.total} units: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`;
  });
}

export const orgModule: Module = {
  name: 'org',
  routes(app, k) {
    unitsListRoute(app, k);
    unitGetRoute(app, k);
    unitCreateRoute(app, k);
    unitUpdateRoute(app, k);
    agenciesListRoute(app, k);
    agencyCreateRoute(app, k);
    agencyUpdateRoute(app, k);
    divisionsListRoute(app, k);
    divisionCreateRoute(app, k);
    positionsListRoute(app, k);
    officialsListRoute(app, k);
    officialCreateRoute(app, k);
    officialUpdateRoute(app, k);
  },
  seedDemo: seedOrgDemo,
  commands: {
    'units import': {
      usage: 'units import FILE',
      describe: 'import an official list of administrative units (JSON or CSV), idempotent',
      run: importCommand,
    },
  },
};
