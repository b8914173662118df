import { z } from 'zod';

/**
 * A procedure (thủ tục hành chính) as the catalogue holds it: every component
 * of a procedure record in the National Database on Administrative Procedures
 * (Decree 63/2010, Circular 01/2023/TT-VPCP). This is the import/export format
 * (JSON; the .xlsx export flattens it) and the shape of one version.
 */

const text = (max: number) => z.string().trim().min(1).max(max);

export const procedureLevels = ['province', 'commune'] as const;
export const onlineLevels = ['full', 'partial'] as const;
export const submissionMethods = ['online', 'desk', 'post'] as const;
export const applicantKinds = ['citizen', 'business', 'organisation'] as const;
export const agencyKinds = ['people_committee', 'committee_office', 'department', 'service_centre', 'commune_committee', 'other'] as const;

/** JSON Schema (draft 2020-12 subset) of a component's form; `title`/`description` carry the Vietnamese labels and help. */
export const formSchema = z
  .object({
    type: z.literal('object'),
    title: z.string().max(300).optional(),
    required: z.array(z.string()).optional(),
    properties: z.record(z.string().regex(/^[a-z][a-zA-Z0-9_]*$/), z.record(z.string(), z.unknown())),
  })
  .passthrough();

export const componentSchema = z
  .object({
    /** Stable key within the procedure, e.g. 'to_khai'. */
    key: z.string().regex(/^[a-z][a-z0-9_]{1,40}$/),
    name: text(500),
    required: z.boolean(),
    /** Paper practice: originals and copies asked for at the desk. */
    copies: z.object({ original: z.number().int().min(0).max(20), copy: z.number().int().min(0).max(20) }).strict(),
    /** A form filled online (JSON Schema), for components that are declarations (tờ khai, đơn). */
    form: formSchema.nullable(),
    /** Files attached to this component online. */
    attachment: z
      .object({
        types: z.array(z.enum(['application/pdf', 'image/jpeg', 'image/png'])).min(1),
        min: z.number().int().min(0).max(20),
        max: z.number().int().min(1).max(20),
      })
      .strict()
      .nullable(),
    /** Official template name (mẫu số), if any. */
    template: z.string().max(200).nullable().optional(),
  })
  .strict();

export const feeSchema = z
  .object({
    name: text(200),
    /** VND; 0 when free. */
    amount: z.number().int().min(0).max(1_000_000_000),
    /** Charged at submission or before the result is returned. */
    when: z.enum(['submission', 'result']),
    note: z.string().max(500).optional(),
  })
  .strict();

export const procedureSchema = z
  .object({
    /** National procedure code, e.g. '1.001193'. */
    code: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.\-]{2,29}$/),
    name: text(300),
    sector: z.object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/), name: text(200) }).strict(),
    level: z.enum(procedureLevels),
    /** The agency that decides: a seeded agency code for provincial procedures, null for commune ones (the commune's UBND). */
    agencyCode: z.string().max(30).nullable(),
    agencyKind: z.enum(agencyKinds),
    steps: z.array(text(2000)).min(1).max(30),
    methods: z.array(z.enum(submissionMethods)).min(1),
    components: z.array(componentSchema).min(1).max(40),
    timeLimit: z.union([z.object({ days: z.number().int().min(0).max(365) }).strict(), z.object({ hours: z.number().positive().max(200) }).strict()]),
    timeLimitNote: z.string().max(500).optional(),
    fees: z.array(feeSchema).max(20),
    applicants: z.array(z.enum(applicantKinds)).min(1),
    result: text(500),
    legalBasis: z.array(text(500)).min(1).max(30),
    onlineLevel: z.enum(onlineLevels),
    requirements: z.string().max(3000).optional(),
  })
  .strict();

export type Procedure = z.infer<typeof procedureSchema>;
export const catalogueSchema = z.array(procedureSchema);
