import { type Generated, type Selectable, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the OCR jobs (server/migrations/0067_documents_ocr.sql). */

interface OcrTable {
  version_id: string;
  document_id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  pages: number[];
  pages_done: Generated<number>;
  layer_text: Generated<string>;
  texts: Generated<string[]>;
  error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: Date | null;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    document_ocr: OcrTable;
  }
}
export type OcrRow = Selectable<OcrTable>;

export async function insert(ex: Executor, row: { version_id: string; document_id: string; pages: number[]; layer_text: string; status?: OcrRow['status']; error?: string | null }): Promise<boolean> {
  const r = await ex
    .insertInto('document_ocr')
    .values({ ...row, status: row.status ?? 'queued', error: row.error ?? null, finished_at: row.status === 'failed' ? new Date() : null })
    .onConflict((oc) => oc.column('version_id').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function get(ex: Executor, versionId: string): Promise<OcrRow | undefined> {
  return ex.selectFrom('document_ocr').selectAll().where('version_id', '=', versionId).executeTakeFirst();
}

export async function markRunning(ex: Executor, versionId: string): Promise<void> {
  await ex.updateTable('document_ocr').set({ status: 'running', updated_at: new Date() }).where('version_id', '=', versionId).where('status', '=', 'queued').execute();
}

/**
 * Appends the text of the pages just recognised, if nobody else did meanwhile
 * (`from` is the pages_done the run started from): a run that lost its lease
 * and finishes late changes nothing. True when this run's pages were kept.
 */
export async function advance(ex: Executor, versionId: string, from: number, texts: string[], done: boolean): Promise<boolean> {
  const r = await sql`
    UPDATE document_ocr SET texts = texts || ${texts}::text[], pages_done = pages_done + ${texts.length},
           status = ${done ? 'done' : 'running'}, updated_at = now(), finished_at = ${done ? sql`now()` : sql`NULL`}
     WHERE version_id = ${versionId} AND pages_done = ${from} AND status IN ('queued', 'running')`.execute(ex);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function fail(ex: Executor, versionId: string, error: string): Promise<void> {
  await ex.updateTable('document_ocr').set({ status: 'failed', error: error.slice(0, 1000), updated_at: new Date(), finished_at: new Date() }).where('version_id', '=', versionId).execute();
}

/** The OCR state of a document's version, for the document's view. */
export async function ofVersion(ex: Executor, versionId: string): Promise<Pick<OcrRow, 'status' | 'pages' | 'pages_done' | 'error' | 'updated_at' | 'finished_at'> | undefined> {
  return ex.selectFrom('document_ocr').select(['status', 'pages', 'pages_done', 'error', 'updated_at', 'finished_at']).where('version_id', '=', versionId).executeTakeFirst();
}
