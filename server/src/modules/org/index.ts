import { readFile } from 'node:fs/promises';
import cliProgress from 'cli-progress';
import { systemCtx } from '../../kernel/context.js';
import type { Executor } from '../../kernel/db/index.js';
import { AppError, messageOf } from '../../kernel/errors.js';
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

async function importCommand(k: Kernel, args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: congso units import FILE (.json or .csv)');
    return 2;
  }
  const text = await readFile(file, 'utf8');
  const bar = new cliProgress.SingleBar({ format: 'units [{bar}] {value}/{total}', stream: process.stderr, noTTYOutput: true, notTTYSchedule: 500 }, cliProgress.Presets.shades_classic);
  let started = false;
  try {
    const r = await importUnits(k, systemCtx('units import'), text, {
      format: file.endsWith('.csv') ? 'csv' : file.endsWith('.json') ? 'json' : undefined,
      onProgress: (done, total) => {
        if (!started) bar.start(total, 0), (started = true);
        bar.update(done);
      },
    });
    if (started) bar.stop();
    console.log(`${r.total} units: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`);
    return 0;
  } catch (e) {
    if (started) bar.stop();
    if (e instanceof AppError) {
      console.error(messageOf(e.code, e.params, 'vi'));
      return 1;
    }
    throw e;
  }
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
