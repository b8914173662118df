import { type Generated, type Insertable, type Selectable, sql } from 'kysely';
import type { Executor } from '../../kernel/db/index.js';

/** SQL of the edXML exchange (tables: server/migrations/0062_documents_exchange.sql). */

interface ExchangeAgencyTable {
  organ_id: string;
  name: string;
  endpoint: string;
  cert_sha256: string;
  ca_pem: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
interface PacketTable {
  id: string;
  direction: 'in' | 'out';
  kind: 'document' | 'status';
  from_organ: string;
  to_organ: string;
  document_ref: string;
  status_code: string | null;
  description: string | null;
  document_id: string | null;
  recipient_id: string | null;
  sha256: string | null;
  created_at: Generated<Date>;
}
interface OriginTable {
  document_id: string;
  from_organ: string;
  document_ref: string;
  packet_id: string;
}
declare module '../../kernel/db/index.js' {
  interface Database {
    doc_exchange_agency: ExchangeAgencyTable;
    doc_edxml_packet: PacketTable;
    doc_edxml_origin: OriginTable;
  }
}

export type ExchangeAgencyRow = Selectable<ExchangeAgencyTable>;
export type PacketRow = Selectable<PacketTable>;
export type OriginRow = Selectable<OriginTable>;

export async function exchangeAgency(ex: Executor, organId: string): Promise<ExchangeAgencyRow | undefined> {
  return ex.selectFrom('doc_exchange_agency').selectAll().where('organ_id', '=', organId).executeTakeFirst();
}

export async function exchangeAgencies(ex: Executor): Promise<ExchangeAgencyRow[]> {
  return ex.selectFrom('doc_exchange_agency').selectAll().orderBy('organ_id').execute();
}

export async function upsertExchangeAgency(ex: Executor, row: Insertable<ExchangeAgencyTable>): Promise<void> {
  await ex
    .insertInto('doc_exchange_agency')
    .values(row)
    .onConflict((oc) => oc.column('organ_id').doUpdateSet({ name: row.name, endpoint: row.endpoint, cert_sha256: row.cert_sha256, ca_pem: row.ca_pem, updated_at: new Date() }))
    .execute();
}

export async function deleteExchangeAgency(ex: Executor, organId: string): Promise<boolean> {
  const r = await ex.deleteFrom('doc_exchange_agency').where('organ_id', '=', organId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Records a packet; false when one with the same id and direction exists (an inbound replay). */
export async function insertPacket(ex: Executor, row: Insertable<PacketTable>): Promise<boolean> {
  const r = await ex.insertInto('doc_edxml_packet').values(row).onConflict((oc) => oc.columns(['direction', 'id']).doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function packet(ex: Executor, direction: 'in' | 'out', id: string): Promise<PacketRow | undefined> {
  return ex.selectFrom('doc_edxml_packet').selectAll().where('direction', '=', direction).where('id', '=', id).executeTakeFirst();
}

export async function packetsOf(ex: Executor, documentId: string): Promise<PacketRow[]> {
  return ex.selectFrom('doc_edxml_packet').selectAll().where('document_id', '=', documentId).orderBy('created_at').orderBy('id').execute();
}

export async function insertOrigin(ex: Executor, row: OriginRow): Promise<void> {
  await ex.insertInto('doc_edxml_origin').values(row).execute();
}

export async function origin(ex: Executor, documentId: string): Promise<OriginRow | undefined> {
  return ex.selectFrom('doc_edxml_origin').selectAll().where('document_id', '=', documentId).executeTakeFirst();
}

/** The incoming document created from `documentRef` sent by `fromOrgan` to the agency `agencyId`. */
export async function incomingByRef(ex: Executor, fromOrgan: string, documentRef: string, agencyId: string): Promise<{ id: string; state: string } | undefined> {
  return ex
    .selectFrom('doc_edxml_origin as o')
    .innerJoin('document as d', 'd.id', 'o.document_id')
    .select(['d.id', 'd.state'])
    .where('o.from_organ', '=', fromOrgan)
    .where('o.document_ref', '=', documentRef)
    .where('d.agency_id', '=', agencyId)
    .executeTakeFirst();
}

/** The outgoing document of agency `agencyId` with this number/symbol issued on `date`, and its recipient `organId`, locked. */
export async function recipientByRef(ex: Executor, agencyId: string, date: string, numberSymbol: string, organId: string) {
  return ex
    .selectFrom('document_recipient as r')
    .innerJoin('document as d', 'd.id', 'r.document_id')
    .select(['r.id as recipient_id', 'r.status', 'd.id as document_id', 'd.state'])
    .where('d.direction', '=', 'outgoing')
    .where('d.agency_id', '=', agencyId)
    .where('d.issued_on', '=', date)
    .where(sql<boolean>`d.number_symbol = ${numberSymbol}`)
    .where('r.organ_id', '=', organId)
    .forUpdate()
    .executeTakeFirst();
}

export async function exchangeRecipient(ex: Executor, id: string) {
  return ex.selectFrom('document_recipient').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setRecipientStatus(ex: Executor, id: string, status: string, note: string | null): Promise<void> {
  await ex.updateTable('document_recipient').set({ status, status_note: note, status_at: new Date() }).where('id', '=', id).execute();
}
