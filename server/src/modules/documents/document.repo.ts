import { type Generated, type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';
import { documentsErrors } from './errors.js';
import type { Secrecy, Sequence, Urgency } from './types.js';

/** All SQL of the documents module. Tables: server/migrations/0060_documents.sql, 0061_documents_search.sql. */

export type Direction = 'outgoing' | 'incoming';

interface RegisterTable {
  id: Generated<string>;
  agency_id: string;
  year: number;
  direction: Direction;
  sequence: Sequence;
  last_number: number;
  created_at: Generated<Date>;
  /** 0063: a closed register gives no more numbers; an operator may open a register before its year. */
  closed_at: Generated<Date | null>;
  closed_by: Generated<string | null>;
  opened_by: Generated<string | null>;
}
interface DocumentTable {
  id: string;
  direction: Direction;
  agency_id: string;
  unit_path: string | null;
  doc_type: string;
  normative: boolean;
  summary: string;
  number: number | null;
  symbol: string | null;
  number_symbol: string | null;
  issued_on: string | null;
  issuer_name: string;
  issuer_agency_id: string | null;
  signer_name: string | null;
  signer_title: string | null;
  authority: string;
  secrecy: Secrecy;
  urgency: Urgency;
  pages: number | null;
  copies: number | null;
  due_date: string | null;
  drafting_unit: string | null;
  recipients_text: string | null;
  register_id: string | null;
  register_number: number | null;
  registered_at: Date | null;
  arrived_at: Date | null;
  source_document_id: string | null;
  reply_to_id: string | null;
  lead_handler_id: string | null;
  deadline: Date | null;
  progress: string | null;
  finished_at: Date | null;
  recalled_at: Date | null;
  sent_at: Date | null;
  state: string;
  current_version_id: string | null;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface VersionTable {
  id: Generated<string>;
  document_id: string;
  seq: number;
  kind: 'draft' | 'signed' | 'issued' | 'received';
  file_id: string;
  sha256: string;
  pages: number | null;
  note: string | null;
  validation: unknown;
  indication: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Generated<Date>;
}
interface RecipientTable {
  id: Generated<string>;
  document_id: string;
  agency_id: string | null;
  name: string;
  incoming_id: string | null;
  status: string;
  sent_at: Date | null;
  status_at: Date | null;
  /** Reached over the edXML exchange (0062): the recipient's organisation code, and why it refused. */
  organ_id: Generated<string | null>;
  status_note: Generated<string | null>;
}
interface HandlerTable {
  document_id: string;
  account_id: string;
  name: string;
  role: 'lead' | 'co';
  assigned_at: Generated<Date>;
}
interface ViewTable {
  id: Generated<string>;
  document_id: string;
  account_id: string;
  name: string;
  at: Generated<Date>;
}
interface FolderTable {
  id: Generated<string>;
  agency_id: string;
  year: number;
  code: string;
  title: string;
  keeper_id: string | null;
  keeper_name: string | null;
  retention: string | null;
  created_at: Generated<Date>;
}
interface FolderItemTable {
  folder_id: string;
  document_id: string;
  added_by: string | null;
  added_at: Generated<Date>;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    doc_register: RegisterTable;
    document: DocumentTable;
    document_version: VersionTable;
    document_recipient: RecipientTable;
    document_handler: HandlerTable;
    document_view: ViewTable;
    doc_folder: FolderTable;
    doc_folder_item: FolderItemTable;
  }
}

export type RegisterRow = Selectable<RegisterTable>;
export type DocumentRow = Selectable<DocumentTable>;
export type VersionRow = Selectable<VersionTable>;
export type RecipientRow = Selectable<RecipientTable>;
export type HandlerRow = Selectable<HandlerTable>;
export type FolderRow = Selectable<FolderTable>;

// ——— Registers ———

/**
 * Takes the next number of a register, creating the register on its first
 * use. One statement: concurrent callers queue on the register's row, so no
 * two ever get the same number, and a rolled-back transaction gives its number back.
 */
export async function takeNumber(ex: Executor, agencyId: string, year: number, direction: Direction, sequence: Sequence): Promise<{ registerId: string; number: number }> {
  const r = await sql<{ id: string; last_number: number }>`
    INSERT INTO doc_register (agency_id, year, direction, sequence, last_number) VALUES (${agencyId}, ${year}, ${direction}, ${sequence}, 1)
    ON CONFLICT (agency_id, year, direction, sequence) DO UPDATE SET last_number = doc_register.last_number + 1 WHERE doc_register.closed_at IS NULL
    RETURNING id, last_number`.execute(ex);
  // No row: the register exists and is closed (0063).
  if (!r.rows[0]) throw documentsErrors.registerClosed(year);
  return { registerId: r.rows[0].id, number: r.rows[0].last_number };
}

/** Opens a register (before its first number): null when it exists already. */
export async function openRegister(ex: Executor, r: { agency_id: string; year: number; direction: Direction; sequence: Sequence; opened_by: string | null }): Promise<RegisterRow | null> {
  const row = await ex.insertInto('doc_register').values({ ...r, last_number: 0 }).onConflict((c) => c.columns(['agency_id', 'year', 'direction', 'sequence']).doNothing()).returningAll().executeTakeFirst();
  return row ?? null;
}

/** Closes or reopens a register (locked row); returns the row after. */
export async function setRegisterClosed(ex: Executor, id: string, closed: boolean, by: string | null): Promise<RegisterRow | undefined> {
  return ex.updateTable('doc_register').set(closed ? { closed_at: new Date(), closed_by: by } : { closed_at: null, closed_by: null }).where('id', '=', id).returningAll().executeTakeFirst();
}

export async function registers(ex: Executor, agencyIds: string[] | null, year?: number): Promise<(RegisterRow & { agency_name: string })[]> {
  let q = ex.selectFrom('doc_register as r').innerJoin('agency as a', 'a.id', 'r.agency_id').selectAll('r').select('a.name as agency_name');
  if (agencyIds) q = q.where('r.agency_id', 'in', agencyIds.length ? agencyIds : ['00000000-0000-0000-0000-000000000000']);
  if (year) q = q.where('r.year', '=', year);
  return q.orderBy('r.year', 'desc').orderBy('a.name').orderBy('r.direction').orderBy('r.sequence').execute();
}

export async function register(ex: Executor, id: string, lock = false): Promise<RegisterRow | undefined> {
  let q = ex.selectFrom('doc_register').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The entries of registers (in number order) for printing and export. */
export async function registerEntries(ex: Executor, agencyId: string, year: number, direction: Direction): Promise<(DocumentRow & { sequence: Sequence; lead_name: string | null; reply_number: string | null })[]> {
  return ex
    .selectFrom('document as d')
    .innerJoin('doc_register as r', 'r.id', 'd.register_id')
    .leftJoin('document_handler as h', (j) => j.onRef('h.document_id', '=', 'd.id').on('h.role', '=', 'lead'))
    .leftJoin('document as rep', 'rep.id', 'd.reply_to_id')
    .selectAll('d')
    .select(['r.sequence', 'h.name as lead_name', 'rep.number_symbol as reply_number'])
    .where('r.agency_id', '=', agencyId)
    .where('r.year', '=', year)
    .where('r.direction', '=', direction)
    .orderBy('r.sequence')
    .orderBy('d.register_number')
    .execute() as never;
}

// ——— Documents ———

export async function insertDocument(ex: Executor, row: Insertable<DocumentTable>): Promise<DocumentRow> {
  return ex.insertInto('document').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function document(ex: Executor, id: string, lock = false): Promise<DocumentRow | undefined> {
  let q = ex.selectFrom('document').selectAll().where('id', '=', id);
  if (lock) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateDocument(ex: Executor, id: string, set: Updateable<DocumentTable>): Promise<DocumentRow> {
  return ex.updateTable('document').set({ ...set, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function insertVersion(ex: Executor, v: Omit<Insertable<VersionTable>, 'seq'>): Promise<VersionRow> {
  const seq = await ex.selectFrom('document_version').select((eb) => eb.fn.coalesce(eb.fn.max('seq'), sql<number>`0`).as('m')).where('document_id', '=', v.document_id).executeTakeFirst();
  return ex
    .insertInto('document_version')
    .values({ ...v, seq: Number(seq?.m ?? 0) + 1, validation: v.validation === undefined || v.validation === null ? null : JSON.stringify(v.validation) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function versions(ex: Executor, documentId: string): Promise<VersionRow[]> {
  return ex.selectFrom('document_version').selectAll().where('document_id', '=', documentId).orderBy('seq').execute();
}

export async function version(ex: Executor, id: string): Promise<VersionRow | undefined> {
  return ex.selectFrom('document_version').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Incoming documents of the agency with the same number/symbol from the same issuing body (Decree 30's duplicate alert). */
export async function duplicates(ex: Executor, agencyId: string, numberSymbol: string, issuerName: string, exceptId?: string): Promise<DocumentRow[]> {
  let q = ex
    .selectFrom('document')
    .selectAll()
    .where('direction', '=', 'incoming')
    .where('agency_id', '=', agencyId)
    .where(sql<boolean>`lower(number_symbol) = lower(${numberSymbol.trim()})`)
    .where(sql<boolean>`lower(issuer_name) = lower(${issuerName.trim()})`)
    .where('state', 'not in', ['refused', 'recalled']);
  if (exceptId) q = q.where('id', '!=', exceptId);
  return q.orderBy('created_at').execute();
}

export async function insertRecipients(ex: Executor, rows: Insertable<RecipientTable>[]): Promise<void> {
  if (rows.length) await ex.insertInto('document_recipient').values(rows).execute();
}

export async function recipients(ex: Executor, documentId: string): Promise<(RecipientRow & { incoming_state: string | null })[]> {
  return ex
    .selectFrom('document_recipient as r')
    .leftJoin('document as i', 'i.id', 'r.incoming_id')
    .selectAll('r')
    .select('i.state as incoming_state')
    .where('r.document_id', '=', documentId)
    .orderBy('r.name')
    .execute();
}

export async function updateRecipient(ex: Executor, id: string, set: Updateable<RecipientTable>): Promise<void> {
  await ex.updateTable('document_recipient').set(set).where('id', '=', id).execute();
}

export async function recipientOfIncoming(ex: Executor, incomingId: string): Promise<RecipientRow | undefined> {
  return ex.selectFrom('document_recipient').selectAll().where('incoming_id', '=', incomingId).executeTakeFirst();
}

export async function setHandlers(ex: Executor, documentId: string, rows: { account_id: string; name: string; role: 'lead' | 'co' }[]): Promise<void> {
  await ex.deleteFrom('document_handler').where('document_id', '=', documentId).execute();
  if (rows.length) await ex.insertInto('document_handler').values(rows.map((r) => ({ ...r, document_id: documentId }))).execute();
}

export async function handlers(ex: Executor, documentId: string): Promise<HandlerRow[]> {
  return ex.selectFrom('document_handler').selectAll().where('document_id', '=', documentId).orderBy('role', 'desc').orderBy('name').execute();
}

export async function recordView(ex: Executor, documentId: string, accountId: string, name: string): Promise<void> {
  await ex.insertInto('document_view').values({ document_id: documentId, account_id: accountId, name }).execute();
}

export async function views(ex: Executor, documentId: string): Promise<{ name: string; at: Date }[]> {
  return ex.selectFrom('document_view').select(['name', 'at']).where('document_id', '=', documentId).orderBy('at', 'desc').limit(200).execute();
}

// Listing and search: search.repo.ts.

/** The text of the document's current PDF, for full-text search (the trigger of 0061 rebuilds the vector). */
export async function setText(ex: Executor, id: string, text: string): Promise<void> {
  await sql`INSERT INTO document_search (document_id, content) VALUES (${id}, ${text})
            ON CONFLICT (document_id) DO UPDATE SET content = excluded.content`.execute(ex);
}

// ——— Folders (hồ sơ công việc) ———

export async function insertFolder(ex: Executor, row: Insertable<FolderTable>): Promise<FolderRow | undefined> {
  return ex.insertInto('doc_folder').values(row).onConflict((oc) => oc.columns(['agency_id', 'year', 'code']).doNothing()).returningAll().executeTakeFirst();
}

export async function folder(ex: Executor, id: string): Promise<FolderRow | undefined> {
  return ex.selectFrom('doc_folder').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function folders(ex: Executor, agencyIds: string[] | null): Promise<(FolderRow & { items: number })[]> {
  let q = ex
    .selectFrom('doc_folder as f')
    .selectAll('f')
    .select((eb) => eb.selectFrom('doc_folder_item as i').select((e) => e.fn.countAll<number>().as('n')).whereRef('i.folder_id', '=', 'f.id').as('items'));
  if (agencyIds) q = q.where('f.agency_id', 'in', agencyIds.length ? agencyIds : ['00000000-0000-0000-0000-000000000000']);
  return q.orderBy('f.year', 'desc').orderBy('f.code').execute() as never;
}

export async function addToFolder(ex: Executor, folderId: string, documentId: string, by: string | null): Promise<boolean> {
  const r = await ex.insertInto('doc_folder_item').values({ folder_id: folderId, document_id: documentId, added_by: by }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function folderDocuments(ex: Executor, folderId: string): Promise<DocumentRow[]> {
  return ex.selectFrom('doc_folder_item as i').innerJoin('document as d', 'd.id', 'i.document_id').selectAll('d').where('i.folder_id', '=', folderId).orderBy('i.added_at').execute();
}

export async function foldersOf(ex: Executor, documentId: string): Promise<{ id: string; code: string; title: string }[]> {
  return ex.selectFrom('doc_folder_item as i').innerJoin('doc_folder as f', 'f.id', 'i.folder_id').select(['f.id', 'f.code', 'f.title']).where('i.document_id', '=', documentId).execute();
}

// ——— Overdue (0063) ———

/**
 * Open documents past their deadline, the readers' scopes (or handled by
 * `handlerId`), most overdue first: the list behind the operations centre's
 * "overdue documents" figure. Partial index document_overdue (0063). `q`
 * narrows by the search vector (0061), accent-insensitive.
 */
export async function listOverdue(
  ex: Executor,
  f: { scopes: { unitPath?: string | null; agencyId?: string | null }[] | null; handlerId?: string; onlyHandled?: boolean; direction?: Direction; states?: string[]; q?: string; limit: number; offset: number },
): Promise<{ rows: (DocumentRow & { lead_name: string | null })[]; total: number }> {
  const conds = [sql<boolean>`d.deadline IS NOT NULL AND d.state NOT IN ('finished', 'refused', 'recalled') AND d.deadline < now()`];
  const handled = f.handlerId ? sql<boolean>`EXISTS (SELECT 1 FROM document_handler h WHERE h.document_id = d.id AND h.account_id = ${f.handlerId})` : null;
  if (f.onlyHandled) conds.push(handled ?? sql<boolean>`false`);
  else if (f.scopes !== null) {
    const parts = f.scopes.map((x) => sql<boolean>`((${x.unitPath ?? null}::text IS NULL OR d.unit_path = ${x.unitPath ?? null} OR d.unit_path LIKE ${(x.unitPath ?? '') + '.%'})
                 AND (${x.agencyId ?? null}::uuid IS NULL OR d.agency_id = ${x.agencyId ?? null}))`);
    if (handled) parts.push(handled);
    conds.push(parts.length ? sql<boolean>`(${sql.join(parts, sql` OR `)})` : sql<boolean>`false`);
  }
  if (f.direction) conds.push(sql<boolean>`d.direction = ${f.direction}`);
  if (f.states?.length) conds.push(sql<boolean>`d.state IN (${sql.join(f.states)})`);
  if (f.q) conds.push(sql<boolean>`EXISTS (SELECT 1 FROM document_search s WHERE s.document_id = d.id AND s.search @@ plainto_tsquery('simple', f_unaccent(${f.q})))`);
  const where = sql.join(conds, sql` AND `);
  const [page, count] = await Promise.all([
    sql<DocumentRow & { lead_name: string | null }>`SELECT d.*, (SELECT name FROM document_handler h WHERE h.document_id = d.id AND h.role = 'lead') AS lead_name
      FROM document d WHERE ${where} ORDER BY d.deadline, d.id LIMIT ${f.limit} OFFSET ${f.offset}`.execute(ex),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM document d WHERE ${where}`.execute(ex),
  ]);
  return { rows: page.rows, total: count.rows[0]!.n };
}
