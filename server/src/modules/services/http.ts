import { z } from 'zod';
import { procedureSchema } from './catalogue.schema.js';
import type { ProcedureSummaryRow, ProcedureVersionRow } from './catalogue.repo.js';

/** Schemas and views shared by the services routes. */
export const TAG = 'services';
export const MANAGE_CATALOGUE = 'services.catalogue.manage';

export const procedureCode = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.\-]{2,29}$/, 'Mã thủ tục không hợp lệ');
const timeLimit = z.union([z.object({ days: z.number() }), z.object({ hours: z.number() })]);

export const procedureSummary = z.object({
  code: z.string(),
  name: z.string(),
  sector: z.object({ code: z.string(), name: z.string() }),
  level: z.enum(['province', 'commune']),
  agencyCode: z.string().nullable(),
  onlineLevel: z.enum(['full', 'partial']),
  version: z.number(),
  timeLimit,
  feeTotal: z.number(),
});

export function summaryView(r: ProcedureSummaryRow): z.infer<typeof procedureSummary> {
  return {
    code: r.code,
    name: r.name,
    sector: { code: r.sector_code, name: r.sector_name },
    level: r.level,
    agencyCode: r.agency_code,
    onlineLevel: r.online_level,
    version: r.current_version,
    timeLimit: r.time_limit,
    feeTotal: r.fee_total,
  };
}

export const procedureDetail = z.object({
  version: z.number(),
  currentVersion: z.number(),
  effectiveFrom: z.string(),
  procedure: procedureSchema,
});

export function detailView(r: ProcedureVersionRow): z.infer<typeof procedureDetail> {
  return { version: r.version, currentVersion: r.current_version, effectiveFrom: r.effective_from, procedure: r.data };
}

// ——— Dossiers ———

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().regex(/^[A-Za-z0-9._:-]{8,128}$/, 'Khóa chống lặp (Idempotency-Key) gồm 8–128 ký tự chữ, số, dấu chấm, gạch'),
});
export const uuidParam = z.string().uuid('Mã không hợp lệ');

const applicantSchema = z.object({
  name: z.string().max(200).optional(),
  idNumber: z.string().max(20).nullable().optional(),
  phone: z.string().max(20).nullable().optional(),
  email: z.string().max(200).nullable().optional(),
  address: z.string().max(500).nullable().optional(),
});
export const applicantInput = applicantSchema.strict();
/** Each component's filled form: a flat object of values (checked against the form's JSON Schema on submission). */
export const formsInput = z.record(
  z.string().regex(/^[a-z][a-z0-9_]{1,40}$/, 'Khóa thành phần hồ sơ không hợp lệ'),
  z.record(z.string().max(60), z.union([z.string().max(5000), z.number(), z.boolean(), z.null()])),
);

export const fileViewSchema = z.object({
  id: z.string(), component: z.string(), name: z.string(), mime: z.string(), size: z.number(), kind: z.string().optional(), addedAt: z.date(),
});
export const draftViewSchema = z.object({
  id: z.string(),
  procedure: z.object({ code: z.string(), version: z.number(), name: z.string() }),
  unitCode: z.string().nullable(),
  applicant: applicantSchema,
  forms: z.record(z.string(), z.record(z.string(), z.unknown())),
  files: z.array(fileViewSchema),
  version: z.number(),
  dossierId: z.string().nullable(),
  updatedAt: z.date(),
});

export const dossierSummarySchema = z.object({
  id: z.string(),
  code: z.string(),
  procedure: z.object({ code: z.string(), version: z.number(), name: z.string() }),
  handlerName: z.string(),
  applicantName: z.string(),
  channel: z.enum(['online', 'desk', 'post']),
  state: z.string(),
  stateLabel: z.string(),
  submittedAt: z.date(),
  receivedAt: z.date().nullable(),
  dueAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  overdue: z.boolean(),
  supplementCount: z.number(),
  assigneeId: z.string().nullable(),
  currentAgency: z.object({ code: z.string(), name: z.string(), dueAt: z.date() }).nullable(),
});
export const dossierViewSchema = dossierSummarySchema.extend({
  applicant: applicantSchema.extend({ name: z.string() }),
  forms: z.record(z.string(), z.record(z.string(), z.unknown())),
  files: z.array(fileViewSchema),
  feeTotal: z.number(),
  returnedAt: z.date().nullable(),
  extendedTo: z.date().nullable(),
  resultFileId: z.string().nullable(),
  paperResult: z.boolean(),
  rating: z.object({ value: z.enum(['satisfied', 'unsatisfied']), reason: z.string().nullable(), at: z.date() }).nullable(),
  version: z.number(),
  allowedActions: z.array(z.object({ action: z.string(), label: z.string() })),
  history: z.array(z.object({
    seq: z.number(), action: z.string(), label: z.string(), from: z.string().nullable(), to: z.string(), toLabel: z.string(),
    actor: z.string().nullable(), at: z.date(), payload: z.record(z.string(), z.unknown()),
  })),
  clocks: z.array(z.object({ step: z.string(), dueAt: z.date(), pausedAt: z.date().nullable(), stoppedAt: z.date().nullable(), breachedAt: z.date().nullable() })),
  joint: z.object({
    plan: z.array(z.object({
      stepNo: z.number(), agencyCode: z.string(), kind: z.enum(['process', 'consult']), label: z.string(), days: z.number().optional(), hours: z.number().optional(),
    })),
    steps: z.array(z.object({
      stepNo: z.number(), agencyCode: z.string(), agencyName: z.string(), kind: z.enum(['process', 'consult']), label: z.string(), startedAt: z.date(),
      dueAt: z.date(), finishedAt: z.date().nullable(), outcome: z.enum(['passed', 'completed', 'returned', 'withdrawn']).nullable(), note: z.string().nullable(),
      overdue: z.boolean(), warnedAt: z.date().nullable(), escalatedAt: z.date().nullable(),
      results: z.array(z.object({ fileId: z.string(), name: z.string(), mime: z.string(), size: z.number(), signed: z.boolean(), addedAt: z.date() })),
    })),
    current: z.object({ agencyCode: z.string(), agencyName: z.string(), label: z.string(), dueAt: z.date() }).nullable(),
  }),
});
