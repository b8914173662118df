import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { systemCtx } from '../../kernel/context.js';
import { withProgress } from '../../kernel/progress.js';
import type { Kernel, Module } from '../../kernel/index.js';
import './errors.js';
import { AUTOCLOSE_TOPIC, autoClose, digest, DIGEST_TOPIC, ESCALATE_TOPIC, escalate, reportAlerts } from './report.alerts.js';
import * as repo from './report.repo.js';
import { act, encodeVideo, importBoundaries, VIDEO_TOPIC } from './report.service.js';
import { REPORT_TYPE, reportCaseType } from './report.workflow.js';
import { boundariesRoutes } from './routes/boundaries.js';
import { categoriesListRoute } from './routes/categories-list.js';
import { nearbyRoute } from './routes/nearby.js';
import { publicReportRoutes } from './routes/public-reports.js';
import { reportActRoute } from './routes/report-act.js';
import { reportGetRoutes } from './routes/report-get.js';
import { reportSubmitRoute } from './routes/report-submit.js';
import { reportsListRoutes } from './routes/reports-list.js';
import { open311Routes } from './routes/open311.js';
import { moderationRoutes } from './routes/moderation.js';
import { consultationRoutes } from './routes/consultations.js';
import { categorySaveRoute } from './routes/category-save.js';
import { inboundEmailRoute } from './routes/inbound-email.js';
import { contactRoutes } from './routes/contacts.js';
import { answerFileRoutes } from './routes/answer-files.js';
import { issueKey } from './open311.js';
import { seedFeedbackDemo } from './seed.js';

/**
 * Feedback and petitions at one address (PAKN), complaints and denunciations:
 * reports from every channel on the case engine, routed by category and by the
 * commune boundary holding the point, with deadlines, escalation, published
 * answers, ratings and Open311 GeoReport v2.
 */

export { REPORT_TYPE, reportCaseType } from './report.workflow.js';

/** For the 766 index (5.2 and 5.3): PAKN of a period and scope — handled, handled on time, open and late, rated, satisfied. */
export async function feedbackIndexCounts(k: Kernel, from: Date, to: Date, scope: { unitPath?: string; agencyId?: string } = {}) {
  const c = await repo.indexCounts(k.db, from, to, scope);
  return { handled: c.handled, onTime: c.on_time, openLate: c.open_late, rated: c.rated, satisfied: c.satisfied };
}

/** What the operations centre counts of a report (no personal data), from a report row. */
function reportFactsOf(r: repo.ReportRow) {
  return {
    id: r.id, code: r.code, kind: r.kind, unitPath: r.unit_path, agencyId: r.agency_id, channel: r.channel, state: r.state, createdAt: r.created_at,
    dueAt: r.due_at, answeredAt: r.answered_at, breached: r.breached, rating: r.rating, ratedAt: r.rated_at,
    /** When it was closed, refused or merged (the day a report handled without an answer counts as handled). */
    closedAt: r.closed_at,
  };
}
export type ReportFacts = ReturnType<typeof reportFactsOf>;

/** A report's counting facts by id (operations centre projections), or null. */
export async function reportFacts(k: Kernel, id: string): Promise<ReportFacts | null> {
  const r = await repo.report(k.db, id);
  return r ? reportFactsOf(r) : null;
}

/** Every report's counting facts, a page at a time (rebuilding the operations centre's projections). */
export async function reportFactsPage(k: Kernel, offset: number, limit: number): Promise<ReportFacts[]> {
  const r = await repo.listReports(k.db, { scopes: null, limit, offset, now: new Date() });
  return r.rows.map(reportFactsOf);
}

/**
 * Published answers to feedback and petitions, newest first, a page at a time, for the open-data
 * catalogue: what their public pages show, without the reporter (never complaints or
 * denunciations, nothing hidden). The free text is the public page's; the caller masks anything
 * in it that looks like personal data before publishing it as data.
 */
export async function publishedAnswersPage(k: Kernel, offset: number, limit: number) {
  const [r, cats] = await Promise.all([repo.publishedList(k.db, { limit, offset }), repo.categories(k.db, false)]);
  const names = new Map(cats.map((c) => [c.code, c.name]));
  return r.rows.map((x) => ({
    code: x.code, category: names.get(x.category_code) ?? x.category_code, title: x.title, unitCode: x.unit_code,
    createdAt: x.created_at, publishedAt: x.published_at!, answer: x.answer ?? '', rating: x.rating,
  }));
}

async function geojsonFiles(p: string): Promise<string[]> {
  const s = await stat(p);
  if (!s.isDirectory()) return [p];
  const out: string[] = [];
  for (const e of await readdir(p, { withFileTypes: true })) {
    const full = path.join(p, e.name);
    if (e.isDirectory()) out.push(...(await geojsonFiles(full)));
    else if (/\.(geo)?json$/i.test(e.name)) out.push(full);
  }
  return out.sort();
}

async function importBoundariesCommand(k: Kernel, args: string[]): Promise<number> {
  const paths = args.filter((a) => !a.startsWith('--'));
  if (!paths.length) {
    console.error('usage: congso feedback boundaries PATH... (GeoJSON files or folders of them)');
    return 2;
  }
  const files = (await Promise.all(paths.map(geojsonFiles))).flat();
  const docs: unknown[] = [];
  for (const f of files) {
    try {
      docs.push(JSON.parse(await readFile(f, 'utf8')));
    } catch {
      console.error(`${f}: không phải JSON hợp lệ`);
      return 1;
    }
  }
  return withProgress('boundaries', async (progress) => {
    const r = await importBoundaries(k, systemCtx('feedback boundaries'), docs, progress);
    return `${r.imported} boundaries imported from ${files.length} files (${r.communes} communes)`;
  });
}

export const feedbackModule: Module = {
  name: 'feedback',
  routes(app, k) {
    categoriesListRoute(app, k);
    boundariesRoutes(app, k);
    nearbyRoute(app, k);
    reportSubmitRoute(app, k);
    reportsListRoutes(app, k);
    reportGetRoutes(app, k);
    reportActRoute(app, k);
    publicReportRoutes(app, k);
    open311Routes(app, k);
    moderationRoutes(app, k);
    consultationRoutes(app, k);
    categorySaveRoute(app, k);
    inboundEmailRoute(app, k);
    contactRoutes(app, k);
    answerFileRoutes(app, k);
  },
  handlers(k) {
    k.workflow.register(reportCaseType);
    k.workflow.onSla(REPORT_TYPE, reportAlerts(k));
    k.outbox.on<{ reportId: string; position: number; keepLocation: boolean }>(VIDEO_TOPIC, (m) => encodeVideo(k, m.payload));
    k.outbox.on<{ id: string; level: number }>(ESCALATE_TOPIC, (m) => escalate(k, m.payload.id, m.payload.level));
    const system = systemCtx('feedback.autoclose');
    k.outbox.every(AUTOCLOSE_TOPIC, 3_600_000, async () => {
      await autoClose(k, (id) => act(k, system, id, 'close', { note: 'Hết thời hạn đánh giá, mở lại' }, `autoclose:${id}`).then(() => undefined));
    });
    k.outbox.every(DIGEST_TOPIC, 86_400_000, async () => {
      await digest(k);
    });
  },
  seedDemo: seedFeedbackDemo,
  commands: {
    'feedback open311-key': {
      usage: 'feedback open311-key CLIENT',
      describe: 'issue an Open311 API key for a partner app (printed once; only its hash is kept)',
      run: async (k, args) => {
        const client = args.find((a) => !a.startsWith('--'));
        if (!client) return console.error('usage: congso feedback open311-key CLIENT'), 2;
        console.log(await issueKey(k, client));
        return 0;
      },
    },
    'feedback boundaries': { usage: 'feedback boundaries PATH...', describe: 'import province and commune boundaries (GeoJSON files or folders), all or nothing', run: importBoundariesCommand },
  },
};
