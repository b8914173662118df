import { type Generated, type Selectable, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the leader's signing screen: signature images and remote signing requests (0063). */

interface SignatureImageTable {
  id: Generated<string>;
  account_id: string;
  label: string;
  file_id: string;
  sha256: string;
  width: number;
  height: number;
  created_at: Generated<Date>;
  deleted_at: Generated<Date | null>;
}
interface SignRequestTable {
  id: Generated<string>;
  document_id: string;
  account_id: string;
  state: Generated<'waiting' | 'signed' | 'failed'>;
  image_id: string | null;
  credential: string;
  error_code: Generated<string | null>;
  error: Generated<string | null>;
  version_id: Generated<string | null>;
  created_at: Generated<Date>;
  expires_at: Date;
  finished_at: Generated<Date | null>;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    doc_signature_image: SignatureImageTable;
    doc_sign_request: SignRequestTable;
  }
}
export type SignatureImageRow = Selectable<SignatureImageTable>;
export type SignRequestRow = Selectable<SignRequestTable>;

export async function images(ex: Executor, accountId: string): Promise<SignatureImageRow[]> {
  return ex.selectFrom('doc_signature_image').selectAll().where('account_id', '=', accountId).where('deleted_at', 'is', null).orderBy('created_at').execute();
}

export async function image(ex: Executor, id: string): Promise<SignatureImageRow | undefined> {
  return ex.selectFrom('doc_signature_image').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function insertImage(ex: Executor, row: { account_id: string; label: string; file_id: string; sha256: string; width: number; height: number }): Promise<SignatureImageRow> {
  return ex.insertInto('doc_signature_image').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function hasImageWithHash(ex: Executor, accountId: string, sha256: string): Promise<SignatureImageRow | undefined> {
  return ex.selectFrom('doc_signature_image').selectAll().where('account_id', '=', accountId).where('sha256', '=', sha256).where('deleted_at', 'is', null).executeTakeFirst();
}

export async function deleteImage(ex: Executor, id: string): Promise<void> {
  await ex.updateTable('doc_signature_image').set({ deleted_at: new Date() }).where('id', '=', id).execute();
}

/** Requests left waiting past their time (the process stopped while the phone was asked) become failed. */
export async function expireRequests(ex: Executor, documentId?: string): Promise<void> {
  let q = ex.updateTable('doc_sign_request').set({ state: 'failed', error_code: 'DOCUMENTS_SIGN_EXPIRED', error: 'Hết thời gian chờ xác nhận', finished_at: sql`now()` as never })
    .where('state', '=', 'waiting').where('expires_at', '<', sql<Date>`now()`);
  if (documentId) q = q.where('document_id', '=', documentId);
  await q.execute();
}

/** A new waiting request; null when the document has one waiting already. */
export async function insertRequest(ex: Executor, row: { document_id: string; account_id: string; image_id: string | null; credential: string; expires_at: Date }): Promise<SignRequestRow | null> {
  const r = await ex.insertInto('doc_sign_request').values(row).onConflict((c) => c.column('document_id').where('state', '=', 'waiting').doNothing()).returningAll().executeTakeFirst();
  return r ?? null;
}

export async function request(ex: Executor, id: string): Promise<SignRequestRow | undefined> {
  return ex.selectFrom('doc_sign_request').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function finishRequest(ex: Executor, id: string, set: { state: 'signed' | 'failed'; version_id?: string | null; error_code?: string | null; error?: string | null }): Promise<void> {
  await ex.updateTable('doc_sign_request').set({ ...set, finished_at: new Date() }).where('id', '=', id).where('state', '=', 'waiting').execute();
}
