import { type Expression, type ExpressionBuilder, type Generated, type SqlBool, sql } from 'kysely';
import type { Database, Executor } from '../../kernel/db/index.js';
import type { Scope } from '../../kernel/http/access.js';

/** All SQL of fees and payments. Table: server/migrations/0045_services_payments.sql. */

export type PaymentMethod = 'vietqr' | 'gateway' | 'desk';
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'cancelled';

export interface PaidFee {
  name: string;
  amount: number;
  when: 'submission' | 'result';
}

interface PaymentTable {
  id: Generated<string>;
  dossier_id: string;
  unit_path: string;
  agency_id: string | null;
  amount: number;
  purpose: string;
  /** jsonb: written as a JSON string, read as a value. */
  fees: unknown;
  method: PaymentMethod;
  status: Generated<PaymentStatus>;
  provider: string | null;
  provider_ref: string | null;
  provider_txn: string | null;
  paid_amount: number | null;
  receipt_no: string | null;
  recorded_by: string | null;
  note: string | null;
  created_at: Generated<Date>;
  paid_at: Date | null;
}

declare module '../../kernel/db/index.js' {
  interface Database {
    dossier_payment: PaymentTable;
  }
}

export interface PaymentRow {
  id: string;
  dossier_id: string;
  unit_path: string;
  agency_id: string | null;
  amount: number;
  purpose: string;
  fees: PaidFee[];
  method: PaymentMethod;
  status: PaymentStatus;
  provider: string | null;
  provider_ref: string | null;
  provider_txn: string | null;
  paid_amount: number | null;
  receipt_no: string | null;
  recorded_by: string | null;
  note: string | null;
  created_at: Date;
  paid_at: Date | null;
}

// bigint columns come back as strings from pg.
const row = (r: Record<string, unknown>): PaymentRow => ({
  ...(r as unknown as PaymentRow),
  amount: Number(r.amount),
  paid_amount: r.paid_amount === null ? null : Number(r.paid_amount),
});

export type PaymentInsert = Omit<PaymentRow, 'id' | 'created_at' | 'fees'> & { fees: PaidFee[] };

export async function insertPayment(db: Executor, p: PaymentInsert): Promise<PaymentRow> {
  return row(await db.insertInto('dossier_payment').values({ ...p, fees: JSON.stringify(p.fees) }).returningAll().executeTakeFirstOrThrow());
}

export async function paymentsOf(db: Executor, dossierId: string): Promise<PaymentRow[]> {
  return (await db.selectFrom('dossier_payment').selectAll().where('dossier_id', '=', dossierId).orderBy('created_at').execute()).map(row);
}

export async function paymentByRef(db: Executor, provider: string, ref: string, lock = false): Promise<PaymentRow | undefined> {
  let q = db.selectFrom('dossier_payment').selectAll().where('provider', '=', provider).where('provider_ref', '=', ref);
  if (lock) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r && row(r);
}

/** Serialises the payments of one dossier: whoever pays next sees what was paid before. */
export async function lockDossier(db: Executor, dossierId: string): Promise<void> {
  await db.selectFrom('dossier').select('id').where('id', '=', dossierId).forUpdate().execute();
}

/** Marks an attempt paid unless it already is; undefined when it was (a repeated callback). */
export async function markPaid(db: Executor, id: string, p: { paidAt: Date; paidAmount: number; txn: string | null }): Promise<PaymentRow | undefined> {
  const r = await db
    .updateTable('dossier_payment')
    .set({ status: 'paid', paid_at: p.paidAt, paid_amount: p.paidAmount, provider_txn: p.txn })
    // A cancelled or failed attempt the payer completed anyway is still money received.
    .where('id', '=', id)
    .where('status', '<>', 'paid')
    .returningAll()
    .executeTakeFirst();
  return r && row(r);
}

export async function markFailed(db: Executor, id: string, txn: string | null): Promise<boolean> {
  const r = await db.updateTable('dossier_payment').set({ status: 'failed', provider_txn: txn }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** A new gateway attempt replaces the ones left open. */
export async function cancelPending(db: Executor, dossierId: string): Promise<void> {
  await db.updateTable('dossier_payment').set({ status: 'cancelled' }).where('dossier_id', '=', dossierId).where('status', '=', 'pending').where('method', '=', 'gateway').execute();
}

export async function receiptUsed(db: Executor, unitPath: string, agencyId: string | null, receiptNo: string): Promise<boolean> {
  const r = await db
    .selectFrom('dossier_payment')
    .select('id')
    .where('unit_path', '=', unitPath)
    .where(sql<string>`coalesce(agency_id::text, '')`, '=', agencyId ?? '')
    .where('receipt_no', '=', receiptNo)
    .executeTakeFirst();
  return !!r;
}

/** The dossier counts as paid online (766 indicator TT.2, DuocThanhToanTrucTuyen). */
export async function setPaidOnline(db: Executor, dossierId: string): Promise<void> {
  await db.updateTable('dossier').set({ paid_online: true }).where('id', '=', dossierId).execute();
}

// ——— Reconciliation ———

function scopeWhere(eb: ExpressionBuilder<Database, 'dossier_payment'>, scopes: Scope[]): Expression<SqlBool> {
  if (!scopes.length) return sql<SqlBool>`false`;
  return eb.or(
    scopes.map((s) => {
      const parts: Expression<SqlBool>[] = [];
      if (s.unitPath) parts.push(eb.or([eb('dossier_payment.unit_path', '=', s.unitPath), eb('dossier_payment.unit_path', 'like', `${s.unitPath}.%`)]));
      if (s.agencyId) parts.push(eb('dossier_payment.agency_id', '=', s.agencyId));
      return parts.length ? eb.and(parts) : sql<SqlBool>`true`;
    }),
  );
}

/** Paid between Vietnamese calendar days `from` and `to`, both included, within the scopes (null: everywhere). */
function paidIn(db: Executor, from: string, to: string, scopes: Scope[] | null) {
  let q = db
    .selectFrom('dossier_payment')
    .where('dossier_payment.status', '=', 'paid')
    .where('dossier_payment.paid_at', '>=', sql<Date>`(${from}::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`)
    .where('dossier_payment.paid_at', '<', sql<Date>`(${to}::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`);
  if (scopes) q = q.where((eb) => scopeWhere(eb, scopes));
  return q;
}

export interface DayMethodSum {
  day: string;
  method: PaymentMethod;
  count: number;
  amount: number;
}

export async function paidByDayAndMethod(db: Executor, from: string, to: string, scopes: Scope[] | null): Promise<DayMethodSum[]> {
  const day = sql<string>`to_char(dossier_payment.paid_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')`;
  const rows = await paidIn(db, from, to, scopes)
    .select([day.as('day'), 'dossier_payment.method', sql<string>`count(*)`.as('count'), sql<string>`sum(dossier_payment.paid_amount)`.as('amount')])
    .groupBy([day, 'dossier_payment.method'])
    .orderBy(day)
    .orderBy('dossier_payment.method')
    .execute();
  return rows.map((r) => ({ day: r.day, method: r.method, count: Number(r.count), amount: Number(r.amount) }));
}

export interface MismatchRow {
  id: string;
  dossier_id: string;
  code: string;
  amount: number;
  paid_amount: number;
  provider_ref: string | null;
  provider_txn: string | null;
  paid_at: Date;
  fee_total: number;
  dossier_paid: number;
}

/**
 * Gateway payments of the period whose paid amount is not what was asked, or
 * whose dossier has been paid more, in all, than its fees.
 */
export async function gatewayMismatches(db: Executor, from: string, to: string, scopes: Scope[] | null): Promise<MismatchRow[]> {
  const dossierPaid = sql<number>`(SELECT coalesce(sum(o.paid_amount), 0) FROM dossier_payment o WHERE o.dossier_id = dossier_payment.dossier_id AND o.status = 'paid')`;
  const rows = await paidIn(db, from, to, scopes)
    .innerJoin('dossier as d', 'd.id', 'dossier_payment.dossier_id')
    .select([
      'dossier_payment.id', 'dossier_payment.dossier_id', 'd.code', 'dossier_payment.amount', 'dossier_payment.paid_amount',
      'dossier_payment.provider_ref', 'dossier_payment.provider_txn', 'dossier_payment.paid_at', 'd.fee_total', sql<string>`${dossierPaid}`.as('dossier_paid'),
    ])
    .where('dossier_payment.method', '=', 'gateway')
    .where((eb) => eb.or([eb('dossier_payment.paid_amount', '<>', eb.ref('dossier_payment.amount')), eb(dossierPaid, '>', eb.ref('d.fee_total'))]))
    .orderBy('dossier_payment.paid_at')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    ...r, amount: Number(r.amount), paid_amount: Number(r.paid_amount), fee_total: Number(r.fee_total), dossier_paid: Number(r.dossier_paid), paid_at: r.paid_at!,
  }));
}
