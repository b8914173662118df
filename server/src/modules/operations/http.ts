import { z } from 'zod';
import { isoDate } from '../../kernel/http/schemas.js';

/** Schemas and actions shared by the operations routes. */
export const TAG = 'operations';
export const DASHBOARD_READ = 'operations.dashboard.read';
export const REPORT_READ = 'operations.report.read';
export const PROGRAMME_READ = 'operations.programme.read';
export const PROGRAMME_MANAGE = 'operations.programme.manage';
/** Owners enter their indicators' actuals and their tasks' progress (scoped to their agency). */
export const PROGRAMME_REPORT = 'operations.programme.report';
export const DTI_MANAGE = 'operations.dti.manage';
/** Live figures' targets (red/amber/green thresholds per level): the steering committee (operations.*) and administrators. */
export const TARGETS_MANAGE = 'operations.targets.manage';

export const levelQuery = z.object({
  unit: z.string().regex(/^[0-9]{2,5}$/, 'Mã đơn vị hành chính (unit) gồm 2–5 chữ số').optional(),
  agency: z.string().regex(/^[A-Za-z0-9._-]{1,30}$/, 'Mã cơ quan (agency) gồm chữ, số, dấu chấm, gạch').optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const rag = z.enum(['green', 'amber', 'red']).nullable();
export const uuidParam = z.string().uuid('Mã không hợp lệ');
