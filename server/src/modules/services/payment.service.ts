import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { Banks, QRPay } from 'vietnam-qr-pay';
import type { Ctx } from '../../kernel/context.js';
import { type Executor, transaction, type Tx } from '../../kernel/db/index.js';
import { errors } from '../../kernel/errors.js';
import { can, scopesFor } from '../../kernel/http/access.js';
import { idempotent } from '../../kernel/idempotency.js';
import type { Kernel } from '../../kernel/index.js';
import * as catalogue from './catalogue.repo.js';
import * as dossiers from './dossier.repo.js';
import type { DossierRow } from './dossier.repo.js';
import { countPaidOnlineLate, dossierRow, vnDay } from './dossier.service.js';
import { servicesErrors } from './errors.js';
import { DEV_GATEWAY, gatewayOf, signatureValid, signParams } from './payment.gateway.js';
import * as repo from './payment.repo.js';
import type { PaidFee, PaymentMethod, PaymentRow, PaymentStatus } from './payment.repo.js';

/**
 * Fees and charges of a dossier (phí, lệ phí) and their payment: what is due
 * now, a VietQR code for a bank transfer, online payment through a gateway
 * (signed callback, idempotent on the attempt's reference), cash or card at
 * the one-stop desk with a receipt, and the reconciliation of what was paid.
 */

export const RECORD_PAYMENT = 'services.payment.record';
/** Outbox topic of a payment received, whatever the method (national sync: DuocThanhToanTrucTuyen). */
export const PAYMENT_PAID_TOPIC = 'services.payment.paid';

export interface PaymentPaidEvent {
  paymentId: string;
  dossierId: string;
  dossierCode: string;
  method: PaymentMethod;
  amount: number;
  paidAmount: number;
  paidAt: string;
  paidOnline: boolean;
}

/** States in which the fees of each stage are due (nothing more is due once refused, stopped or withdrawn). */
const SUBMISSION_DUE = new Set(['submitted', 'processing', 'joint', 'supplementing', 'reviewing', 'approved', 'returned']);
const RESULT_DUE = new Set(['approved', 'returned']);
/** Methods that count as paying online (not cash or card at the desk). */
const ONLINE: ReadonlySet<PaymentMethod> = new Set(['gateway', 'vietqr']);

export interface FeeLine extends PaidFee {
  note: string | null;
  /** Due at this stage of the dossier. */
  due: boolean;
}

export interface PaymentView {
  id: string;
  amount: number;
  paidAmount: number | null;
  purpose: string;
  fees: PaidFee[];
  method: PaymentMethod;
  status: PaymentStatus;
  provider: string | null;
  reference: string | null;
  receiptNo: string | null;
  createdAt: Date;
  paidAt: Date | null;
}

export interface TransferView {
  bankBin: string;
  bankName: string | null;
  accountNo: string;
  accountName: string;
  amount: number;
  /** The transfer message: the dossier code, so the statement names the dossier. */
  message: string;
  /** The EMVCo/NAPAS VietQR string a banking app scans. */
  payload: string;
  /** The same as images: data: URLs. */
  qrPng: string;
  qrSvg: string;
}

export interface PaymentStatusView {
  dossierId: string;
  code: string;
  state: string;
  fees: FeeLine[];
  /** Every fee of the procedure version, due now or later. */
  feeTotal: number;
  dueTotal: number;
  paidTotal: number;
  outstanding: number;
  paidOnline: boolean;
  payments: PaymentView[];
  /** How to pay what is outstanding by bank transfer; null when nothing is. */
  transfer: TransferView | null;
  /** The online gateway, when one is on. */
  gateway: string | null;
}

const paymentView = (p: PaymentRow): PaymentView => ({
  id: p.id, amount: p.amount, paidAmount: p.paid_amount, purpose: p.purpose, fees: p.fees, method: p.method, status: p.status,
  provider: p.provider, reference: p.provider_ref, receiptNo: p.receipt_no, createdAt: p.created_at, paidAt: p.paid_at,
});

const scopeOf = (d: Pick<DossierRow, 'unit_path' | 'agency_id'>) => ({ unitPath: d.unit_path, agencyId: d.agency_id });

// ——— What is due ———

interface Due {
  fees: FeeLine[];
  feeTotal: number;
  dueTotal: number;
  paidTotal: number;
  outstanding: number;
  /** The due fee lines no payment has covered in full (what a new payment is for). */
  unpaid: PaidFee[];
}

async function dueOf(ex: Executor, d: DossierRow, payments: PaymentRow[]): Promise<Due> {
  const v = await catalogue.procedureVersion(ex, d.procedure_code, d.procedure_version);
  const fees: FeeLine[] = (v?.data.fees ?? []).filter((f) => f.amount > 0).map((f) => ({
    name: f.name, amount: f.amount, when: f.when, note: f.note ?? null,
    due: (f.when === 'submission' ? SUBMISSION_DUE : RESULT_DUE).has(d.state),
  }));
  const paid = payments.filter((p) => p.status === 'paid');
  const paidTotal = paid.reduce((s, p) => s + (p.paid_amount ?? 0), 0);
  // Fee lines a payment already covered, by name and stage.
  const covered = paid.flatMap((p) => p.fees);
  const unpaid: PaidFee[] = [];
  for (const f of fees.filter((x) => x.due)) {
    const i = covered.findIndex((c) => c.name === f.name && c.when === f.when);
    if (i >= 0) covered.splice(i, 1);
    else unpaid.push({ name: f.name, amount: f.amount, when: f.when });
  }
  const dueTotal = fees.filter((f) => f.due).reduce((s, f) => s + f.amount, 0);
  const feeTotal = fees.reduce((s, f) => s + f.amount, 0);
  // Money counts, not lines: a part payment (or a gateway's short payment) leaves the rest outstanding.
  return { fees, feeTotal, dueTotal, paidTotal, outstanding: Math.max(0, dueTotal - paidTotal), unpaid };
}

const purposeOf = (fees: PaidFee[]) => fees.map((f) => f.name).join('; ').slice(0, 1000);

// ——— VietQR ———

/** The transfer message: EMVCo's purpose field holds 25 characters, the length of a long dossier code. */
function transferMessage(code: string): string {
  return code.length <= 22 ? `HS ${code}` : code.slice(0, 25);
}

async function transferOf(k: Kernel, code: string, amount: number): Promise<TransferView> {
  const c = k.config;
  const message = transferMessage(code);
  const payload = QRPay.initVietQR({ bankBin: c.PAYMENT_BANK_BIN, bankNumber: c.PAYMENT_ACCOUNT_NO, amount: String(amount), purpose: message }).build();
  const svg = await QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return {
    bankBin: c.PAYMENT_BANK_BIN,
    bankName: Banks.find((b) => b.bin === c.PAYMENT_BANK_BIN)?.shortName ?? null,
    accountNo: c.PAYMENT_ACCOUNT_NO,
    accountName: c.PAYMENT_ACCOUNT_NAME,
    amount,
    message,
    payload,
    qrPng: await QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
    qrSvg: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  };
}

// ——— Reading ———

/** What is due on the dossier now, what was paid, and how to pay the rest (its applicant, or officials whose scope covers it). */
export async function paymentStatus(k: Kernel, ctx: Ctx, id: string): Promise<PaymentStatusView> {
  const d = await dossierRow(k, ctx, id);
  const payments = await repo.paymentsOf(k.db, d.id);
  const due = await dueOf(k.db, d, payments);
  return {
    dossierId: d.id,
    code: d.code,
    state: d.state,
    fees: due.fees,
    feeTotal: due.feeTotal,
    dueTotal: due.dueTotal,
    paidTotal: due.paidTotal,
    outstanding: due.outstanding,
    paidOnline: d.paid_online,
    payments: payments.map(paymentView),
    transfer: due.outstanding > 0 ? await transferOf(k, d.code, due.outstanding) : null,
    gateway: gatewayOf(k.config)?.name ?? null,
  };
}

// ——— Online payment through the gateway ———

export interface StartedPayment {
  paymentId: string;
  reference: string;
  amount: number;
  redirectUrl: string;
}

/** Starts paying what is outstanding at the gateway; the payer is sent to `redirectUrl`. */
export async function startPayment(k: Kernel, ctx: Ctx, id: string, key: string): Promise<{ result: StartedPayment; replayed: boolean }> {
  const gateway = gatewayOf(k.config);
  if (!gateway) throw servicesErrors.gatewayOff();
  const { id: dossierId } = await dossierRow(k, ctx, id);
  return transaction(k.db, (tx) =>
    idempotent(tx, { scope: `services.payment.start:${ctx.actor!.id}`, key, request: { dossier: dossierId } }, async () => {
      const d = await locked(tx, dossierId);
      const due = await dueOf(tx, d, await repo.paymentsOf(tx, d.id));
      if (due.outstanding <= 0) throw servicesErrors.nothingDue();
      await repo.cancelPending(tx, d.id);
      // Alphanumeric: gateways accept little else in an order reference.
      const ref = `CS${randomBytes(10).toString('hex').toUpperCase()}`;
      const p = await repo.insertPayment(tx, {
        dossier_id: d.id, unit_path: d.unit_path, agency_id: d.agency_id, amount: due.outstanding, purpose: purposeOf(due.unpaid), fees: due.unpaid,
        method: 'gateway', status: 'pending', provider: gateway.name, provider_ref: ref, provider_txn: null, paid_amount: null,
        receipt_no: null, recorded_by: ctx.actor!.id, note: null, paid_at: null,
      });
      const { redirectUrl } = await gateway.createPayment({
        ref, amount: p.amount, description: `Thanh toan ho so ${d.code}`,
        returnUrl: `${k.config.publicUrl}/ho-so/${d.id}?thanh-toan=${ref}`,
      });
      await k.audit.record(tx, ctx, { action: 'services.payment.start', entity: 'dossier_payment', entityId: p.id, after: { dossier: d.id, amount: p.amount, provider: gateway.name, ref } });
      return { paymentId: p.id, reference: ref, amount: p.amount, redirectUrl };
    }),
  );
}

export interface CallbackResult {
  reference: string;
  status: PaymentStatus;
  /** True when this callback had already been applied: nothing was written. */
  replayed: boolean;
}

/**
 * The gateway's server-to-server notification. Nothing is written unless the
 * signature is right; a notification delivered again changes nothing. Paid:
 * the attempt, the dossier's `paid_online`, the audit entry and the outbox
 * event, in one transaction.
 */
export async function paymentCallback(k: Kernel, ctx: Ctx, params: Record<string, string>): Promise<CallbackResult> {
  const gateway = gatewayOf(k.config);
  const cb = gateway?.verifyCallback(params);
  if (!gateway || !cb) throw servicesErrors.badSignature();
  // Recorded in the audit log as the gateway, not as whoever is signed in.
  ctx = { ...ctx, actor: { kind: 'partner', id: `payment-gateway:${gateway.name}`, name: `Cổng thanh toán (${gateway.name})`, grants: [] } };
  return transaction(k.db, async (tx) => {
    const found = await repo.paymentByRef(tx, gateway.name, cb.ref);
    if (!found) throw servicesErrors.paymentNotFound(cb.ref);
    // Dossier first, then the attempt: the order every payment path takes.
    await repo.lockDossier(tx, found.dossier_id);
    const p = (await repo.paymentByRef(tx, gateway.name, cb.ref, true))!;
    if (p.status === 'paid' || (p.status === 'failed' && cb.status === 'failed')) return { reference: cb.ref, status: p.status, replayed: true };
    if (cb.status === 'failed') {
      if (await repo.markFailed(tx, p.id, cb.txn)) {
        await k.audit.record(tx, ctx, { action: 'services.payment.fail', entity: 'dossier_payment', entityId: p.id, after: { ref: cb.ref, txn: cb.txn } });
      }
      return { reference: cb.ref, status: p.status === 'pending' ? 'failed' : p.status, replayed: p.status !== 'pending' };
    }
    const paid = (await repo.markPaid(tx, p.id, { paidAt: new Date(), paidAmount: cb.amount, txn: cb.txn }))!;
    await afterPaid(k, tx, ctx, paid);
    return { reference: cb.ref, status: 'paid', replayed: false };
  });
}

/** What every payment received writes besides itself: the dossier's flag, the audit entry, the event. */
async function afterPaid(k: Kernel, tx: Tx, ctx: Ctx, p: PaymentRow): Promise<void> {
  // An underpayment does not make the dossier paid; reconciliation lists it.
  const online = ONLINE.has(p.method) && (p.paid_amount ?? 0) >= p.amount;
  if (online) {
    await countPaidOnlineLate(tx, p.dossier_id);
    await repo.setPaidOnline(tx, p.dossier_id);
  }
  const code = (await dossiers.dossier(tx, p.dossier_id))?.code ?? '';
  await k.audit.record(tx, ctx, {
    action: 'services.payment.paid', entity: 'dossier_payment', entityId: p.id,
    after: { dossier: p.dossier_id, method: p.method, amount: p.amount, paidAmount: p.paid_amount, ref: p.provider_ref, txn: p.provider_txn, receiptNo: p.receipt_no },
  });
  const event: PaymentPaidEvent = {
    paymentId: p.id, dossierId: p.dossier_id, dossierCode: code, method: p.method, amount: p.amount, paidAmount: p.paid_amount ?? 0,
    paidAt: p.paid_at!.toISOString(), paidOnline: online,
  };
  await k.outbox.enqueue(tx, PAYMENT_PAID_TOPIC, event, { dedupeKey: `${PAYMENT_PAID_TOPIC}:${p.id}`, requestId: ctx.requestId });
}

/** The dossier as it is once locked: its state may have moved since it was read for the access check. */
async function locked(tx: Tx, id: string): Promise<DossierRow> {
  await repo.lockDossier(tx, id);
  return (await dossiers.dossier(tx, id))!;
}

/**
 * The development gateway's page: checks the address it was given was signed
 * by us, "takes the money", calls back as a real gateway would, and sends the
 * payer back. Returns where to redirect.
 */
export async function devGatewayPay(k: Kernel, ctx: Ctx, query: Record<string, string>, outcome: 'paid' | 'failed'): Promise<string> {
  if (k.config.paymentGateway !== DEV_GATEWAY) throw servicesErrors.gatewayOff();
  const { ref, amount, description, returnUrl, signature } = query;
  if (!ref || !amount || description === undefined || !returnUrl || !signatureValid({ ref, amount, description, returnUrl, signature: signature ?? '' }, k.config.paymentGatewaySecret)) {
    throw servicesErrors.badSignature();
  }
  const cb: Record<string, string> = { ref, txn: `DEV${randomBytes(8).toString('hex').toUpperCase()}`, amount, status: outcome };
  await paymentCallback(k, ctx, { ...cb, signature: signParams(cb, k.config.paymentGatewaySecret) });
  return returnUrl.startsWith(`${k.config.publicUrl}/`) ? returnUrl : k.config.publicUrl;
}

// ——— At the desk ———

export interface DeskPaymentInput {
  receiptNo: string;
  /** 'desk': cash or card at the desk; 'vietqr': a bank transfer seen on the statement. */
  method: 'desk' | 'vietqr';
  /** VND; what is outstanding when omitted. */
  amount?: number;
  note?: string;
}

/** A desk officer records a payment with its receipt (biên lai) number. */
export async function recordDeskPayment(k: Kernel, ctx: Ctx, id: string, input: DeskPaymentInput): Promise<PaymentView> {
  const read = await dossierRow(k, ctx, id);
  if (!can(ctx.actor, RECORD_PAYMENT, scopeOf(read))) throw errors.forbidden(RECORD_PAYMENT);
  return transaction(k.db, async (tx) => {
    const d = await locked(tx, read.id);
    const due = await dueOf(tx, d, await repo.paymentsOf(tx, d.id));
    if (due.outstanding <= 0) throw servicesErrors.nothingDue();
    const amount = input.amount ?? due.outstanding;
    if (amount > due.outstanding) throw errors.field('body.amount', 'max', `Số tiền vượt quá số phải nộp (${due.outstanding.toLocaleString('vi-VN')} đồng)`);
    if (await repo.receiptUsed(tx, d.unit_path, d.agency_id, input.receiptNo)) throw errors.alreadyExists(`Biên lai số ${input.receiptNo}`);
    // The fee lines the amount covers, in order; a part payment covers none in full.
    const fees: PaidFee[] = [];
    let left = amount;
    for (const f of due.unpaid) {
      if (f.amount > left) break;
      fees.push(f);
      left -= f.amount;
    }
    const p = await repo.insertPayment(tx, {
      dossier_id: d.id, unit_path: d.unit_path, agency_id: d.agency_id, amount, purpose: purposeOf(fees) || 'Nộp một phần phí, lệ phí', fees,
      method: input.method, status: 'paid', provider: null, provider_ref: null, provider_txn: null, paid_amount: amount,
      receipt_no: input.receiptNo, recorded_by: ctx.actor!.id, note: input.note ?? null, paid_at: new Date(),
    });
    await afterPaid(k, tx, ctx, p);
    return paymentView(p);
  });
}

// ——— Reconciliation ———

export interface ReconciliationView {
  from: string;
  to: string;
  days: repo.DayMethodSum[];
  totals: { method: PaymentMethod; count: number; amount: number }[];
  mismatches: {
    paymentId: string; dossierId: string; dossierCode: string; reference: string | null; transaction: string | null;
    amount: number; paidAmount: number; dossierFees: number; dossierPaid: number; paidAt: Date; reason: 'amount' | 'overpaid';
  }[];
}

/** Payments received between two days (Vietnamese calendar, both included) within the official's scope, and what does not add up. */
export async function reconciliation(k: Kernel, ctx: Ctx, q: { from?: string; to?: string }): Promise<ReconciliationView> {
  if (!ctx.actor) throw errors.unauthenticated();
  const to = q.to ?? vnDay(new Date());
  const from = q.from ?? `${to.slice(0, 8)}01`;
  if (from > to) throw errors.field('query.from', 'range', 'Ngày bắt đầu phải trước ngày kết thúc');
  if (Date.parse(to) - Date.parse(from) > 366 * 86_400_000) throw errors.field('query.to', 'range', 'Đối soát tối đa một năm mỗi lần');
  const scopes = scopesFor(ctx.actor, RECORD_PAYMENT);
  const days = await repo.paidByDayAndMethod(k.db, from, to, scopes);
  const totals = new Map<PaymentMethod, { method: PaymentMethod; count: number; amount: number }>();
  for (const r of days) {
    const t = totals.get(r.method) ?? { method: r.method, count: 0, amount: 0 };
    t.count += r.count;
    t.amount += r.amount;
    totals.set(r.method, t);
  }
  const mismatches = (await repo.gatewayMismatches(k.db, from, to, scopes)).map((r) => ({
    paymentId: r.id, dossierId: r.dossier_id, dossierCode: r.code, reference: r.provider_ref, transaction: r.provider_txn,
    amount: r.amount, paidAmount: r.paid_amount, dossierFees: r.fee_total, dossierPaid: r.dossier_paid, paidAt: r.paid_at,
    reason: r.paid_amount !== r.amount ? ('amount' as const) : ('overpaid' as const),
  }));
  return { from, to, days, totals: [...totals.values()], mismatches };
}
