import { type Generated, sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { CalendarDay, CalendarSettings } from './engine.js';

/** All SQL of the working-day calendar. */

interface CalendarSettingsTable {
  id: Generated<boolean>;
  work_start: string;
  lunch_start: string;
  lunch_end: string;
  work_end: string;
  cutoff: string;
  saturday_receiving: boolean;
  time_zone: string;
  version: Generated<number>;
  updated_at: Generated<Date>;
}
interface CalendarDayTable {
  date: string;
  kind: 'off' | 'work';
  name: string;
  updated_at: Generated<Date>;
}
declare module '../db/index.js' {
  interface Database {
    calendar_settings: CalendarSettingsTable;
    calendar_day: CalendarDayTable;
  }
}

const hhmm = (t: string) => t.slice(0, 5);

export async function version(ex: Executor): Promise<number> {
  const r = await ex.selectFrom('calendar_settings').select('version').executeTakeFirstOrThrow();
  return r.version;
}

export async function loadSettings(ex: Executor, forUpdate = false): Promise<CalendarSettings & { version: number }> {
  let q = ex.selectFrom('calendar_settings').selectAll();
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirstOrThrow();
  return {
    workStart: hhmm(r.work_start),
    lunchStart: hhmm(r.lunch_start),
    lunchEnd: hhmm(r.lunch_end),
    workEnd: hhmm(r.work_end),
    cutoff: hhmm(r.cutoff),
    saturdayReceiving: r.saturday_receiving,
    timeZone: r.time_zone,
    version: r.version,
  };
}

export async function loadAllDays(ex: Executor): Promise<CalendarDay[]> {
  return ex.selectFrom('calendar_day').select(['date', 'kind', 'name']).orderBy('date').execute();
}

export async function daysOfYear(ex: Executor, year: number): Promise<CalendarDay[]> {
  return ex
    .selectFrom('calendar_day')
    .select(['date', 'kind', 'name'])
    .where('date', '>=', `${year}-01-01`)
    .where('date', '<=', `${year}-12-31`)
    .orderBy('date')
    .execute();
}

export async function findDay(ex: Executor, date: string, forUpdate = false): Promise<CalendarDay | undefined> {
  let q = ex.selectFrom('calendar_day').select(['date', 'kind', 'name']).where('date', '=', date);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function upsertDay(ex: Executor, day: CalendarDay): Promise<void> {
  await ex
    .insertInto('calendar_day')
    .values(day)
    .onConflict((oc) => oc.column('date').doUpdateSet({ kind: day.kind, name: day.name, updated_at: sql`now()` }))
    .execute();
}

export async function deleteDay(ex: Executor, date: string): Promise<boolean> {
  const r = await ex.deleteFrom('calendar_day').where('date', '=', date).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export async function saveSettings(ex: Executor, s: Omit<CalendarSettings, 'timeZone'>): Promise<void> {
  await ex
    .updateTable('calendar_settings')
    .set({
      work_start: s.workStart,
      lunch_start: s.lunchStart,
      lunch_end: s.lunchEnd,
      work_end: s.workEnd,
      cutoff: s.cutoff,
      saturday_receiving: s.saturdayReceiving,
    })
    .execute();
}
