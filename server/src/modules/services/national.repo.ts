import { type Generated, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** All SQL of the national portal adapter. Tables: server/migrations/0046_services_national_sync.sql. */

interface NationalSyncTable {
  dossier_id: string;
  version: number;
  status_code: string;
  http_status: number;
  response_id: string | null;
  acknowledged_at: Generated<Date>;
}
interface NationalDossierTable {
  national_code: string;
  dossier_id: string;
  received_at: Generated<Date>;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    national_sync: NationalSyncTable;
    national_dossier: NationalDossierTable;
  }
}

export interface SyncAck {
  dossierId: string;
  version: number;
  statusCode: string;
  httpStatus: number;
  responseId: string | null;
}

/** The highest version of a dossier the national portal acknowledged (0: none). */
export async function lastAckedVersion(db: Executor, dossierId: string): Promise<number> {
  const r = await db
    .selectFrom('national_sync')
    .select(sql<number | null>`max(version)`.as('v'))
    .where('dossier_id', '=', dossierId)
    .executeTakeFirst();
  return r?.v ?? 0;
}

/** Records an acknowledgement; a second one for the same version (two workers raced) is ignored. */
export async function recordAck(db: Executor, a: SyncAck): Promise<void> {
  await db
    .insertInto('national_sync')
    .values({ dossier_id: a.dossierId, version: a.version, status_code: a.statusCode, http_status: a.httpStatus, response_id: a.responseId })
    .onConflict((oc) => oc.columns(['dossier_id', 'version']).doNothing())
    .execute();
}

export async function acks(db: Executor, dossierId: string) {
  return db.selectFrom('national_sync').selectAll().where('dossier_id', '=', dossierId).orderBy('version').execute();
}

/**
 * Serialises deliveries of one national code until the transaction ends, so
 * two concurrent retries cannot both create a dossier (the primary key would
 * refuse the second anyway, but with an error instead of the first's answer).
 */
export async function lockNationalCode(tx: Executor, code: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`national_dossier:${code}`}, 0))`.execute(tx);
}

export async function dossierOfNationalCode(db: Executor, code: string): Promise<string | undefined> {
  const r = await db.selectFrom('national_dossier').select('dossier_id').where('national_code', '=', code).executeTakeFirst();
  return r?.dossier_id;
}

export async function nationalCodeOf(db: Executor, dossierId: string): Promise<string | undefined> {
  const r = await db.selectFrom('national_dossier').select('national_code').where('dossier_id', '=', dossierId).executeTakeFirst();
  return r?.national_code;
}

export async function insertNationalDossier(tx: Executor, code: string, dossierId: string): Promise<void> {
  await tx.insertInto('national_dossier').values({ national_code: code, dossier_id: dossierId }).execute();
}
