import type { AuditLog } from '../audit/index.js';
import type { Ctx } from '../context.js';
import { type Db, type Executor, type Tx } from '../db/index.js';
import { errors } from '../errors.js';
import * as repo from './calendar.repo.js';
import { type Appointment, type CalendarDay, type CalendarSettings, type Duration, settingsProblems, WorkCalendar } from './engine.js';

export {
  type Appointment, type CalendarDay, type CalendarSettings, type Duration, WorkCalendar,
  DEFAULT_SETTINGS, isIsoDate, isoLocal, addDays, weekday,
} from './engine.js';
export { calendarRoutes } from './routes.js';

export type SettingsInput = Partial<Omit<CalendarSettings, 'timeZone'>>;

/**
 * The working-day calendar of the installation. `load()` returns a pure
 * `WorkCalendar` over the day table and settings; it is cached per process and
 * checked against the table's version (one indexed single-row read) on every
 * call, so an administrator's edit on any instance is seen by all instances at
 * their next call, with nothing shared in memory.
 */
export class Calendar {
  private cached: { version: number; cal: WorkCalendar } | null = null;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  /** The calendar a transaction already loaded: one version check per transaction, not per use. */
  private readonly inTx = new WeakMap<object, WorkCalendar>();

  async load(ex: Executor = this.db): Promise<WorkCalendar> {
    const seen = ex.isTransaction ? this.inTx.get(ex) : undefined;
    if (seen) return seen;
    const cal = await this.loadChecked(ex);
    if (ex.isTransaction) this.inTx.set(ex, cal);
    return cal;
  }

  private async loadChecked(ex: Executor): Promise<WorkCalendar> {
    const v = await repo.version(ex);
    if (this.cached && this.cached.version === v) return this.cached.cal;
    // Reading the version first is what makes this safe: data newer than `v`
    // may be cached under `v`, and the next call then sees a newer version and reloads.
    const settings = await repo.loadSettings(ex);
    const days = await repo.loadAllDays(ex);
    const cal = new WorkCalendar(settings, days);
    this.cached = { version: v, cal };
    return cal;
  }

  async appointment(receivedAt: Date, duration: Duration, ex: Executor = this.db): Promise<Appointment> {
    return (await this.load(ex)).appointment(receivedAt, duration);
  }

  async isWorkingDay(date: string, ex: Executor = this.db): Promise<boolean> {
    return (await this.load(ex)).isWorkingDay(date);
  }

  async days(year: number, ex: Executor = this.db): Promise<CalendarDay[]> {
    return repo.daysOfYear(ex, year);
  }

  async settings(ex: Executor = this.db): Promise<CalendarSettings> {
    const { version: _v, ...s } = await repo.loadSettings(ex);
    return s;
  }

  /** Marks a date as a day off or a (make-up) working day; audited in `tx`. */
  async setDay(tx: Tx, ctx: Ctx, day: CalendarDay): Promise<CalendarDay> {
    const before = await repo.findDay(tx, day.date, true);
    await repo.upsertDay(tx, day);
    this.inTx.delete(tx);
    await this.audit.record(tx, ctx, { action: 'system.calendar.day.set', entity: 'calendar_day', entityId: day.date, before: before ?? null, after: day });
    return day;
  }

  /** Removes a date from the table (it follows the weekday rule again). */
  async deleteDay(tx: Tx, ctx: Ctx, date: string): Promise<void> {
    const before = await repo.findDay(tx, date, true);
    if (!before) throw errors.notFound(ctx.lang === 'en' ? `calendar day ${date}` : `ngày ${date} trong lịch làm việc`);
    await repo.deleteDay(tx, date);
    this.inTx.delete(tx);
    await this.audit.record(tx, ctx, { action: 'system.calendar.day.delete', entity: 'calendar_day', entityId: date, before, after: null });
  }

  async updateSettings(tx: Tx, ctx: Ctx, input: SettingsInput): Promise<CalendarSettings> {
    const { version: _v, ...before } = await repo.loadSettings(tx, true);
    const after: CalendarSettings = { ...before, ...input };
    const problems = settingsProblems(after);
    if (problems.length) {
      throw errors.validation(problems.map((p) => ({ field: `body.${p.field}`, rule: 'order', message: p.message })));
    }
    await repo.saveSettings(tx, after);
    this.inTx.delete(tx);
    await this.audit.record(tx, ctx, { action: 'system.calendar.settings.update', entity: 'calendar_settings', entityId: 'settings', before, after });
    return after;
  }
}
