import { readFile, writeFile } from 'node:fs/promises';
import { systemCtx } from '../../kernel/context.js';
import { withProgress } from '../../kernel/progress.js';
import type { Kernel, Module } from '../../kernel/index.js';
import * as repo from './catalogue.repo.js';
import * as dossierRepo from './dossier.repo.js';
import { index766 as computeIndex766 } from './index766.js';
import './errors.js';
import { catalogueXlsx, exportCatalogue, importCatalogue, parseXlsx } from './catalogue.service.js';
import { catalogueExportRoute } from './routes/catalogue-export.js';
import { catalogueImportRoute } from './routes/catalogue-import.js';
import { procedureGetRoute } from './routes/procedure-get.js';
import { procedureSaveRoute } from './routes/procedure-save.js';
import { proceduresSearchRoute } from './routes/procedures-search.js';
import { publicPagesRoutes } from './routes/public-pages.js';
import { trackingPageRoute } from './routes/tracking-page.js';
import { sectorsListRoute } from './routes/sectors-list.js';
import { codePatternSaveRoute } from './routes/code-pattern-save.js';
import { dossierActRoute } from './routes/dossier-act.js';
import { dossierFileRoute } from './routes/dossier-file.js';
import { dossierGetRoute } from './routes/dossier-get.js';
import { dossierRateRoute } from './routes/dossier-rate.js';
import { dossierTrackRoute } from './routes/dossier-track.js';
import { dossiersListRoute } from './routes/dossiers-list.js';
import { draftCreateRoute } from './routes/draft-create.js';
import { draftDeleteRoute } from './routes/draft-delete.js';
import { draftFileAddRoute } from './routes/draft-file-add.js';
import { draftFileDeleteRoute } from './routes/draft-file-delete.js';
import { draftGetRoute } from './routes/draft-get.js';
import { draftSaveRoute } from './routes/draft-save.js';
import { draftSubmitRoute } from './routes/draft-submit.js';
import { draftsListRoute } from './routes/drafts-list.js';
import { dossierCaseType } from './dossier.workflow.js';
import { dossierAlerts, jointAlerts } from './dossier.alerts.js';
import { JOINT_BREACHED_TOPIC, JOINT_WARNING_TOPIC, type JointAlertRef } from './joint.js';
import { dossierReceiptRoute } from './routes/dossier-receipt.js';
import { index766Route } from './routes/index-766.js';
import { paymentCallbackRoute } from './routes/payment-callback.js';
import { paymentDeskRoute } from './routes/payment-desk.js';
import { paymentGatewayDevRoute } from './routes/payment-gateway-dev.js';
import { paymentGetRoute } from './routes/payment-get.js';
import { paymentStartRoute } from './routes/payment-start.js';
import { paymentsReconciliationRoute } from './routes/payments-reconciliation.js';
import { dossierPaperRoute } from './routes/dossier-paper.js';
import { dossierFileAddRoute } from './routes/dossier-file-add.js';
import { dossierJointResultRoute } from './routes/dossier-joint-result.js';
import { dossierAssigneesRoute } from './routes/dossier-assignees.js';
import { dossiersBulkAssignRoute } from './routes/dossiers-bulk-assign.js';
import { dossierRegisterRoute } from './routes/dossier-register.js';
import { nationalDossierCreateRoute } from './routes/national-dossier-create.js';
import { registerNationalSync } from './national.sync.js';
import { processDefinitionGetRoute } from './routes/process-definition-get.js';
import { nationalFileRoute } from './routes/national-file.js';
import { notificationChannelsRoutes } from './routes/notification-channels.js';
import { registerChannels } from './notify.channels.js';
import { processDefinitionSaveRoute } from './routes/process-definition-save.js';
import { seedServicesDemo } from './seed.js';

/**
 * Online public services: the catalogue of administrative procedures
 * (versions, forms as JSON Schema, search, import/export, public pages) and
 * dossiers on the case engine (drafts, submission online or at the desk,
 * processing, tracking, rating). Fees and the 766 index build on them.
 */

export type { Procedure } from './catalogue.schema.js';
export { procedureSchema } from './catalogue.schema.js';
export { DOSSIER_TYPE, dossierCaseType } from './dossier.workflow.js';
export { PAYMENT_PAID_TOPIC, type PaymentPaidEvent } from './payment.service.js';

/** The version of a procedure a dossier pins (current when omitted). */
export async function getProcedure(k: Kernel, code: string, version?: number) {
  const r = await repo.procedureVersion(k.db, code, version);
  return r ? { code: r.code, version: r.version, procedure: r.data } : null;
}

// ——— Read-only facts for open data and partner systems (exchange module); nothing personal ———

/** Every active procedure's public summary (code, name, sector, level, agency, time limit, fees), in name order. */
export async function listProcedureSummaries(k: Kernel) {
  const out: repo.ProcedureSummaryRow[] = [];
  for (let offset = 0; ; offset += 100) {
    const r = await repo.searchProcedures(k.db, { limit: 100, offset });
    out.push(...r.items);
    if (r.items.length < 100) return out;
  }
}

/** Dossier counters of one month (YYYY-MM) per handling unit path and agency id (agency '' for communes). */
export async function monthlyDossierCounts(k: Kernel, month: string) {
  const from = `${month}-01`;
  const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
  return dossierRepo.rollupSums(k.db, from, end, {});
}

/** The Decision 766 index of a period, province-wide or scoped (as on the 766 page). */
export const index766 = (k: Kernel, q: { from: string; to: string; unit?: string; agency?: string }) => computeIndex766(k, q);

/** A dossier's public status by its code (as the public tracking page shows it) with its handler's scope, or null. */
export async function dossierStatus(k: Kernel, code: string) {
  const r = /^[A-Za-z0-9._-]{4,64}$/.test(code) ? await dossierRepo.dossierByCode(k.db, code) : undefined;
  if (!r) return null;
  return {
    code: r.code, procedureCode: r.procedure_code, procedureName: r.procedure_name, handlerName: r.handler_name, agencyId: r.agency_id, unitPath: r.unit_path,
    state: r.state, submittedAt: r.submitted_at, receivedAt: r.received_at, dueAt: r.due_at, finishedAt: r.finished_at, returnedAt: r.returned_at,
  };
}

/** A dossier's code and handler's scope by its id (for events that carry only the id), or null. */
export async function dossierRef(k: Kernel, id: string) {
  const r = await dossierRepo.dossier(k.db, id);
  return r ? { id: r.id, code: r.code, procedureCode: r.procedure_code, agencyId: r.agency_id, unitPath: r.unit_path, state: r.state } : null;
}

/** What the operations centre counts of a dossier (no personal data), from a dossier row. */
function dossierFactsOf(r: dossierRepo.DossierRow) {
  return {
    id: r.id, unitPath: r.unit_path, agencyId: r.agency_id, channel: r.channel, state: r.state,
    receivedAt: r.received_at, dueAt: r.due_at, finishedAt: r.finished_at, rating: r.rating, ratedAt: r.rated_at,
  };
}
export type DossierFacts = ReturnType<typeof dossierFactsOf>;

/** A dossier's counting facts by id (operations centre projections), or null. */
export async function dossierFacts(k: Kernel, id: string): Promise<DossierFacts | null> {
  const r = await dossierRepo.dossier(k.db, id);
  return r ? dossierFactsOf(r) : null;
}

/** Every dossier's counting facts, a page at a time (rebuilding the operations centre's projections). */
export async function dossierFactsPage(k: Kernel, offset: number, limit: number): Promise<DossierFacts[]> {
  const r = await dossierRepo.listDossiers(k.db, { limit, offset, now: new Date() });
  return r.rows.map(dossierFactsOf);
}

async function importCommand(k: Kernel, args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: congso procedures import FILE (.json or .xlsx)');
    return 2;
  }
  const buf = await readFile(file);
  let items: unknown;
  if (file.endsWith('.xlsx')) items = await parseXlsx(buf);
  else {
    try {
      items = JSON.parse(buf.toString('utf8'));
    } catch {
      console.error(`${file}: không phải JSON hợp lệ`);
      return 1;
    }
  }
  return withProgress('procedures', async (progress) => {
    const r = await importCatalogue(k, systemCtx('procedures import'), items, progress);
    return `${r.total} procedures: ${r.created} created, ${r.updated} new versions, ${r.unchanged} unchanged`;
  });
}

async function exportCommand(k: Kernel, args: string[]): Promise<number> {
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error('usage: congso procedures export FILE (.json or .xlsx)');
    return 2;
  }
  const items = await exportCatalogue(k);
  await writeFile(file, file.endsWith('.xlsx') ? await catalogueXlsx(items) : `${JSON.stringify(items, null, 2)}\n`);
  console.log(`${items.length} procedures written to ${file}`);
  return 0;
}

export const servicesModule: Module = {
  name: 'services',
  routes(app, k) {
    proceduresSearchRoute(app, k);
    catalogueExportRoute(app, k);
    procedureGetRoute(app, k);
    sectorsListRoute(app, k);
    procedureSaveRoute(app, k);
    catalogueImportRoute(app, k);
    publicPagesRoutes(app, k);
    trackingPageRoute(app, k);
    draftCreateRoute(app, k);
    draftsListRoute(app, k);
    draftGetRoute(app, k);
    draftSaveRoute(app, k);
    draftDeleteRoute(app, k);
    draftFileAddRoute(app, k);
    draftFileDeleteRoute(app, k);
    draftSubmitRoute(app, k);
    dossiersListRoute(app, k);
    dossierGetRoute(app, k);
    dossierActRoute(app, k);
    dossierRateRoute(app, k);
    dossierFileRoute(app, k);
    dossierTrackRoute(app, k);
    codePatternSaveRoute(app, k);
    dossierReceiptRoute(app, k);
    index766Route(app, k);
    nationalDossierCreateRoute(app, k);
    paymentGetRoute(app, k);
    paymentStartRoute(app, k);
    paymentCallbackRoute(app, k);
    paymentDeskRoute(app, k);
    paymentsReconciliationRoute(app, k);
    paymentGatewayDevRoute(app, k);
    dossierPaperRoute(app, k);
    dossierFileAddRoute(app, k);
    dossierJointResultRoute(app, k);
    dossierAssigneesRoute(app, k);
    dossiersBulkAssignRoute(app, k);
    dossierRegisterRoute(app, k);
    processDefinitionGetRoute(app, k);
    processDefinitionSaveRoute(app, k);
    notificationChannelsRoutes(app, k);
    nationalFileRoute(app, k);
  },
  handlers(k) {
    k.workflow.register(dossierCaseType);
    k.workflow.onSla(dossierCaseType.type, dossierAlerts(k));
    // Each joint step's own clock (liên thông): the warning and the escalation queued when the step starts.
    const joint = jointAlerts(k);
    k.outbox.on<JointAlertRef>(JOINT_WARNING_TOPIC, (m) => joint.warning(m.payload));
    k.outbox.on<JointAlertRef>(JOINT_BREACHED_TOPIC, (m) => joint.breached(m.payload));
    registerNationalSync(k);
    registerChannels(k);
  },
  seedDemo: seedServicesDemo,
  commands: {
    'procedures import': { usage: 'procedures import FILE', describe: 'import a procedure catalogue (.json or .xlsx), all or nothing, idempotent', run: importCommand },
    'procedures export': { usage: 'procedures export FILE', describe: 'export the current catalogue (.json or .xlsx)', run: exportCommand },
  },
};
