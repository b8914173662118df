import type { Executor } from '../../kernel/db/index.js';
import { findOfficialByEmail, findProvinceUnit, findUnitByCode, getAgency, getAgencyByCode, getOfficial } from '../org/index.js';

/**
 * What identity needs of the org module, through the org module's index.ts
 * (modules never read each other's tables).
 */
export const unitByCode = (db: Executor, code: string) => findUnitByCode(db, code);
export const provinceUnit = (db: Executor) => findProvinceUnit(db);
export const agencyById = (db: Executor, id: string) => getAgency(db, id);
export const agencyByCode = (db: Executor, code: string) => getAgencyByCode(db, code);
export const officialById = (db: Executor, id: string) => getOfficial(db, id);
export const officialByEmail = (db: Executor, email: string) => findOfficialByEmail(db, email);
