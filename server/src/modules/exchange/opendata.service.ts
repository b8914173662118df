import { createHash } from 'node:crypto';
import { canonical } from '../../kernel/audit/index.js';
import type { Ctx } from '../../kernel/context.js';
import { transaction } from '../../kernel/db/index.js';

import { authorize } from '../../kernel/http/access.js';
import type { Kernel } from '../../kernel/index.js';
import { type DatasetDef, datasetDefs, FREQUENCIES, personalDataIn, type Row } from './datasets.js';
import { exchangeErrors } from './errors.js';
import * as repo from './opendata.repo.js';

/**
 * Open data: generating snapshots from the registered datasets, the schedule
 * and its progress, and the CSV/JSON downloads.
 */

export const OPENDATA_MANAGE = 'exchange.opendata.manage';
export const RUN_TOPIC = 'exchange.opendata.run';
export const SCHEDULE_TOPIC = 'exchange.opendata.schedule';
const SCHEDULE_MS = 3_600_000;

function metadataOf(def: DatasetDef) {
  return {
    id: def.id, title: def.title.vi, title_en: def.title.en, notes: def.description.vi, notes_en: def.description.en,
    licence_id: def.licence, frequency: def.frequency, publisher: def.publisher, tags: def.tags, fields: def.fields,
  };
}

/** Rows must match the declared columns exactly: a generator bug must never publish a wrong table. */
function checkShape(def: DatasetDef, rows: Row[]): void {
  const ids = new Set(def.fields.map((f) => f.id));
  rows.forEach((r, i) => {
    for (const key of Object.keys(r)) if (!ids.has(key)) throw new Error(`dataset ${def.id}, row ${i + 1}: undeclared column ${key}`);
    for (const f of def.fields) {
      const v = r[f.id];
      if (v === null || v === undefined) continue;
      const ok = f.type === 'text' ? typeof v === 'string'
        : f.type === 'int' ? Number.isInteger(v)
        : f.type === 'numeric' ? typeof v === 'number' && Number.isFinite(v)
        : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);
      if (!ok) throw new Error(`dataset ${def.id}, row ${i + 1}: column ${f.id} is not ${f.type}`);
    }
  });
}

const shape = (fields: { id: string; type: string }[]) => fields.map((f) => `${f.id}:${f.type}`).join(',');

/** Generates one dataset's snapshot; returns whether its content changed. The previous snapshot stays on any failure. */
export async function generateDataset(k: Kernel, def: DatasetDef): Promise<boolean> {
  const raw = await def.rows(k);
  const rows = raw.map((r) => Object.fromEntries(def.fields.map((f) => [f.id, r[f.id] ?? null])) as Row);
  checkShape(def, raw);
  const personal = personalDataIn(def.fields, rows);
  if (personal) throw exchangeErrors.personalData(def.id, personal.field, personal.row);
  const digest = createHash('sha256').update(canonical(rows)).digest('hex');
  const { changed, table } = await transaction(k.db, async (tx) => {
    const before = await repo.dataset(tx, def.id, true);
    await repo.upsertMetadata(tx, metadataOf(def));
    const current = before ?? (await repo.dataset(tx, def.id, true));
    // A changed digest, or columns changed under an unchanged content, means a new table.
    const changed = current?.digest !== digest || !current.store_table || shape(before?.fields ?? []) !== shape(def.fields);
    const table = changed ? await repo.replaceRows(tx, def.id, def.fields, rows) : null;
    await repo.markGenerated(tx, def.id, { rowCount: rows.length, digest, changed });
    return { changed, table };
  });
  // The visibility map of the new table, so counts come from its indexes; a failure here loses no data.
  if (table) await repo.vacuumStore(k.db, table).catch((e) => k.log.warn({ dataset: def.id, err: String(e) }, 'open data: vacuum of the new snapshot failed'));
  return changed;
}

/** Runs a regeneration: every dataset, or only those due by their frequency; progress is written after each one. */
export async function runGeneration(k: Kernel, runId: number, onlyDue: boolean): Promise<void> {
  const defs = datasetDefs(k);
  const existing = new Map((await repo.datasets(k.db)).map((d) => [d.id, d]));
  const now = Date.now();
  const due = defs.filter((d) => {
    if (!onlyDue) return true;
    const g = existing.get(d.id)?.generated_at;
    // A little slack so an hourly schedule does not slide a daily dataset by an hour each day.
    return !g || now - g.getTime() >= FREQUENCIES[d.frequency].ms - 5 * 60_000;
  });
  await repo.updateRun(k.db, runId, { status: 'running', total: due.length, done: 0, started_at: new Date() });
  const changed: string[] = [];
  const failures: { dataset: string; message: string }[] = [];
  let done = 0;
  for (const def of due) {
    await repo.updateRun(k.db, runId, { current: def.id });
    try {
      if (await generateDataset(k, def)) changed.push(def.id);
    } catch (e) {
      const message = e instanceof Error ? (e.message === e.constructor.name ? e.name : e.message) : String(e);
      const app = e as { code?: string; params?: Record<string, string | number> };
      failures.push({ dataset: def.id, message: app.code ? `${app.code} ${JSON.stringify(app.params ?? {})}` : message });
      k.log.warn({ dataset: def.id, err: message }, 'open data generation failed');
    }
    done++;
    await repo.updateRun(k.db, runId, { done, changed, errors: failures });
  }
  await repo.updateRun(k.db, runId, {
    status: due.length && failures.length === due.length ? 'failed' : 'done', current: null, finished_at: new Date(),
  });
}

/** An administrator asks for a full regeneration now; it runs as a job and reports progress on the run. */
export async function requestRun(k: Kernel, ctx: Ctx) {
  authorize(ctx.actor, OPENDATA_MANAGE);
  const id = await transaction(k.db, async (tx) => {
    const id = await repo.insertRun(tx, 'manual', ctx.actor?.id ?? null);
    await k.outbox.enqueue(tx, RUN_TOPIC, { runId: id }, { requestId: ctx.requestId, maxAttempts: 1 });
    await k.audit.record(tx, ctx, { action: 'exchange.opendata.regenerate', entity: 'open_dataset_run', entityId: String(id) });
    return id;
  });
  return (await repo.run(k.db, id))!;
}

export async function getRun(k: Kernel, ctx: Ctx, id: number) {
  authorize(ctx.actor, OPENDATA_MANAGE);
  const r = await repo.run(k.db, id);
  if (!r) throw exchangeErrors.runNotFound(id);
  return r;
}

export function registerOpenDataJobs(k: Kernel): void {
  k.outbox.on<{ runId: number }>(RUN_TOPIC, async (m) => runGeneration(k, m.payload.runId, false));
  k.outbox.every(SCHEDULE_TOPIC, SCHEDULE_MS, async () => {
    const id = await repo.insertRun(k.db, 'schedule', null);
    await runGeneration(k, id, true);
  });
}

// ——— Downloads ———

export async function datasetOrThrow(k: Kernel, id: string) {
  const d = await repo.dataset(k.db, id);
  if (!d) throw exchangeErrors.datasetNotFound(id);
  return d;
}

/** A text cell Excel would run as a formula is prefixed with an apostrophe (CSV injection). */
function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The snapshot as CSV: UTF-8 with a byte-order mark (so Excel reads Vietnamese correctly), CRLF, RFC 4180 quoting. */
export async function* csvOf(k: Kernel, id: string): AsyncGenerator<string> {
  const d = await datasetOrThrow(k, id);
  yield `\uFEFF${d.fields.map((f) => csvCell(f.id)).join(',')}\r\n`;
  for await (const page of repo.allRows(k.db, d.store_table)) {
    yield page.map((r) => `${d.fields.map((f) => csvCell(r[f.id])).join(',')}\r\n`).join('');
  }
}

export async function* jsonOf(k: Kernel, id: string): AsyncGenerator<string> {
  const d = await datasetOrThrow(k, id);
  yield `{"dataset":${JSON.stringify(d.id)},"generated":${JSON.stringify(d.generated_at)},"fields":${JSON.stringify(d.fields.map((f) => ({ id: f.id, type: f.type, label: f.label })))},"records":[`;
  let first = true;
  for await (const page of repo.allRows(k.db, d.store_table)) {
    yield (first ? '' : ',') + page.map((r) => JSON.stringify(r)).join(',');
    first = false;
  }
  yield ']}\n';
}

