import { z } from 'zod';

/** Schemas shared by the payment routes. */

const method = z.enum(['vietqr', 'gateway', 'desk']);
const paidFee = z.object({ name: z.string(), amount: z.number(), when: z.enum(['submission', 'result']) });

export const paymentViewSchema = z.object({
  id: z.string(),
  amount: z.number(),
  paidAmount: z.number().nullable(),
  purpose: z.string(),
  fees: z.array(paidFee),
  method,
  status: z.enum(['pending', 'paid', 'failed', 'cancelled']),
  provider: z.string().nullable(),
  reference: z.string().nullable(),
  receiptNo: z.string().nullable(),
  createdAt: z.date(),
  paidAt: z.date().nullable(),
});

export const paymentStatusSchema = z.object({
  dossierId: z.string(),
  code: z.string(),
  state: z.string(),
  fees: z.array(paidFee.extend({ note: z.string().nullable(), due: z.boolean() })),
  feeTotal: z.number(),
  dueTotal: z.number(),
  paidTotal: z.number(),
  outstanding: z.number(),
  paidOnline: z.boolean(),
  payments: z.array(paymentViewSchema),
  transfer: z.object({
    bankBin: z.string(),
    bankName: z.string().nullable(),
    accountNo: z.string(),
    accountName: z.string(),
    amount: z.number(),
    message: z.string(),
    payload: z.string(),
    qrPng: z.string(),
    qrSvg: z.string(),
  }).nullable(),
  gateway: z.string().nullable(),
});

export const reconciliationSchema = z.object({
  from: z.string(),
  to: z.string(),
  days: z.array(z.object({ day: z.string(), method, count: z.number(), amount: z.number() })),
  totals: z.array(z.object({ method, count: z.number(), amount: z.number() })),
  mismatches: z.array(z.object({
    paymentId: z.string(), dossierId: z.string(), dossierCode: z.string(), reference: z.string().nullable(), transaction: z.string().nullable(),
    amount: z.number(), paidAmount: z.number(), dossierFees: z.number(), dossierPaid: z.number(), paidAt: z.date(), reason: z.enum(['amount', 'overpaid']),
  })),
});
