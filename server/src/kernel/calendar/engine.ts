/**
 * Working-time arithmetic over one loaded calendar (pure: no I/O, no clock).
 *
 * Conventions (the ones Vietnamese one-stop systems use, written down so every
 * module computes the same appointment):
 * - A working day is Monday–Friday, unless the day table marks it 'off'; a
 *   Saturday or Sunday marked 'work' (a make-up day, ngày làm bù) is a full
 *   working day. Working time is office hours minus lunch (default 07:30–11:30
 *   and 13:00–17:00 = 8 hours).
 * - Counting start (thời điểm bắt đầu tính thời hạn): a dossier received on a
 *   working day up to the cut-off hour (default 15:00, inclusive) counts as
 *   received at that moment (before office hours: at the opening); after the
 *   cut-off, or on a day off, it counts as received at the opening of the next
 *   working day. With Saturday receiving on, a receipt on an ordinary Saturday
 *   morning counts as received that Saturday.
 * - A limit in working days: the day of the counting start is not counted
 *   (Bộ luật Dân sự 2015, Điều 147 k.1: a period in days starts on the next
 *   day); the dossier is due at the end of office hours (17:00) of the n-th
 *   working day after it. Received Monday 10:00, 3 days: due Thursday 17:00;
 *   received Monday 16:00: counts from Tuesday, due Friday 17:00.
 * - A limit in working hours runs from the counting start through office hours
 *   only: 4 hours from 10:00 is 15:30 (lunch skipped); from 15:00 it is 09:00
 *   the next working day.
 * - Time in a pause (waiting for the citizen) is not counted: the due time of a
 *   resumed clock moves later by the working time the pause lasted.
 * - Dates outside the table follow the weekday rule only.
 */

export interface CalendarSettings {
  /** 'HH:MM', local time of `timeZone`. */
  workStart: string;
  lunchStart: string;
  lunchEnd: string;
  workEnd: string;
  cutoff: string;
  saturdayReceiving: boolean;
  timeZone: string;
}

export interface CalendarDay {
  /** 'YYYY-MM-DD' */
  date: string;
  kind: 'off' | 'work';
  name: string;
}

export type Duration = { days: number; hours?: undefined } | { hours: number; days?: undefined };

export interface Appointment {
  receivedAt: Date;
  countingStartsAt: Date;
  dueAt: Date;
}

export const DEFAULT_SETTINGS: CalendarSettings = {
  workStart: '07:30',
  lunchStart: '11:30',
  lunchEnd: '13:00',
  workEnd: '17:00',
  cutoff: '15:00',
  saturdayReceiving: false,
  timeZone: 'Asia/Ho_Chi_Minh',
};

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** No stretch of ten years without a working day: a table that says so is broken. */
const MAX_SCAN_DAYS = 3660;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written 'YYYY-MM-DD'. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

export function minutesOf(hhmm: string): number {
  const m = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(hhmm);
  if (!m) throw new Error(`not a time of day: ${hhmm}`);
  return +m[1]! * 60 + +m[2]!;
}

export function addDays(date: string, n: number): string {
  const m = DATE_RE.exec(date)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]! + n)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const m = DATE_RE.exec(date)!;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)).getUTCDay();
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** Local time minus UTC, in ms, at an instant. */
export function offsetMs(tz: string, instant: number): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return local - Math.floor(instant / 1000) * 1000;
}

/** The local date and the ms since local midnight of an instant. */
export function toLocal(tz: string, instant: Date): { date: string; ms: number } {
  const local = instant.getTime() + offsetMs(tz, instant.getTime());
  const d = new Date(local);
  const date = d.toISOString().slice(0, 10);
  return { date, ms: local - Date.parse(`${date}T00:00:00Z`) };
}

/** The instant of a local date and time (ms since local midnight). */
export function fromLocal(tz: string, date: string, ms: number): Date {
  const guess = Date.parse(`${date}T00:00:00Z`) + ms;
  const first = guess - offsetMs(tz, guess);
  return new Date(guess - offsetMs(tz, first));
}

/** ISO 8601 with the zone's offset, e.g. 2026-11-25T07:30:00+07:00: what a citizen reads on the slip. */
export function isoLocal(tz: string, instant: Date): string {
  const off = offsetMs(tz, instant.getTime());
  const local = new Date(instant.getTime() + off).toISOString().slice(0, 19);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off) / MINUTE;
  return `${local}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export class WorkCalendar {
  readonly settings: CalendarSettings;
  private readonly days: Map<string, CalendarDay>;
  private readonly tz: string;
  private readonly workStart: number;
  private readonly lunchStart: number;
  private readonly lunchEnd: number;
  private readonly workEnd: number;
  private readonly cutoff: number;

  constructor(settings: CalendarSettings, days: Iterable<CalendarDay>) {
    this.settings = settings;
    this.days = new Map([...days].map((d) => [d.date, d]));
    this.tz = settings.timeZone;
    this.workStart = minutesOf(settings.workStart) * MINUTE;
    this.lunchStart = minutesOf(settings.lunchStart) * MINUTE;
    this.lunchEnd = minutesOf(settings.lunchEnd) * MINUTE;
    this.workEnd = minutesOf(settings.workEnd) * MINUTE;
    this.cutoff = minutesOf(settings.cutoff) * MINUTE;
  }

  /** Working hours in an ordinary day (8 by default). */
  get hoursPerDay(): number {
    return (this.lunchStart - this.workStart + this.workEnd - this.lunchEnd) / HOUR;
  }

  dayEntry(date: string): CalendarDay | undefined {
    return this.days.get(date);
  }

  isWorkingDay(date: string): boolean {
    const row = this.days.get(date);
    if (row) return row.kind === 'work';
    const w = weekday(date);
    return w >= 1 && w <= 5;
  }

  /** The first working day strictly after `date`. */
  nextWorkingDay(date: string): string {
    let d = date;
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      d = addDays(d, 1);
      if (this.isWorkingDay(d)) return d;
    }
    throw new Error(`no working day within ${MAX_SCAN_DAYS} days after ${date}`);
  }

  /** Local date of an instant in the calendar's zone. */
  localDate(at: Date): string {
    return toLocal(this.tz, at).date;
  }

  /** When the time limit of something received at `receivedAt` starts to run (see the conventions above). */
  countingStart(receivedAt: Date): Date {
    const { date, ms } = toLocal(this.tz, receivedAt);
    const opening = (d: string) => fromLocal(this.tz, d, this.workStart);
    if (this.isWorkingDay(date)) {
      if (ms < this.workStart) return opening(date);
      if (ms <= this.cutoff) return receivedAt;
      return opening(this.nextWorkingDay(date));
    }
    if (this.settings.saturdayReceiving && weekday(date) === 6 && !this.days.has(date) && ms < this.lunchStart) {
      return ms < this.workStart ? opening(date) : receivedAt;
    }
    return opening(this.nextWorkingDay(date));
  }

  /** End of office hours of the n-th working day after the local day of `start` (n = 0: that day, or the next working day). */
  addWorkingDays(start: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new Error(`working days must be a whole number ≥ 0: ${n}`);
    let d = this.localDate(start);
    if (n === 0 && !this.isWorkingDay(d)) d = this.nextWorkingDay(d);
    for (let i = 0; i < n; i++) d = this.nextWorkingDay(d);
    return fromLocal(this.tz, d, this.workEnd);
  }

  addWorkingHours(start: Date, hours: number): Date {
    return this.addWorkingMs(start, Math.round(hours * HOUR));
  }

  /** The office-hour intervals of a local date, as instants (none on a day off). */
  private intervals(date: string): [number, number][] {
    if (!this.isWorkingDay(date)) return [];
    const at = (ms: number) => fromLocal(this.tz, date, ms).getTime();
    const out: [number, number][] = [];
    if (this.lunchStart > this.workStart) out.push([at(this.workStart), at(this.lunchStart)]);
    if (this.workEnd > this.lunchEnd) out.push([at(this.lunchEnd), at(this.workEnd)]);
    return out;
  }

  /** The instant after `ms` of working time counted from `start`; it ends at an interval's end rather than the next opening. */
  addWorkingMs(start: Date, ms: number): Date {
    if (ms < 0) throw new Error('working time to add must be ≥ 0');
    let left = ms;
    const from = start.getTime();
    if (left === 0) return new Date(from);
    let d = this.localDate(start);
    for (let i = 0; i < MAX_SCAN_DAYS; i++, d = addDays(d, 1)) {
      for (const [s, e] of this.intervals(d)) {
        const cur = Math.max(s, from);
        if (cur >= e) continue;
        if (left <= e - cur) return new Date(cur + left);
        left -= e - cur;
      }
    }
    throw new Error(`no working time within ${MAX_SCAN_DAYS} days after ${start.toISOString()}`);
  }

  /** Working time (ms of office hours) between two instants; 0 when b ≤ a. */
  workingMsBetween(a: Date, b: Date): number {
    const from = a.getTime();
    const to = b.getTime();
    if (to <= from) return 0;
    const last = this.localDate(b);
    let total = 0;
    for (let d = this.localDate(a); d <= last; d = addDays(d, 1)) {
      for (const [s, e] of this.intervals(d)) {
        const lo = Math.max(s, from);
        const hi = Math.min(e, to);
        if (hi > lo) total += hi - lo;
      }
    }
    return total;
  }

  /** The due time of a limit counted from a receipt. */
  appointment(receivedAt: Date, duration: Duration): Appointment {
    const countingStartsAt = this.countingStart(receivedAt);
    const dueAt =
      duration.days !== undefined ? this.addWorkingDays(countingStartsAt, duration.days) : this.addWorkingHours(countingStartsAt, duration.hours!);
    return { receivedAt, countingStartsAt, dueAt };
  }

  /** Working time used since `start`, minus working time spent paused. */
  elapsedMs(start: Date, now: Date, pausedMs = 0): number {
    return Math.max(0, this.workingMsBetween(start, now) - pausedMs);
  }

  /** Working time left until `due`; negative once overdue. */
  remainingMs(now: Date, due: Date): number {
    return due >= now ? this.workingMsBetween(now, due) : -this.workingMsBetween(due, now);
  }

  /** Local 'HH:MM' of an instant. */
  localTime(at: Date): string {
    const { ms } = toLocal(this.tz, at);
    const m = Math.floor(ms / MINUTE);
    return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }

  isoLocal(at: Date): string {
    return isoLocal(this.tz, at);
  }
}

/** Problems with a settings value, by field name ([] when valid). */
export function settingsProblems(s: CalendarSettings): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const t = (k: 'workStart' | 'lunchStart' | 'lunchEnd' | 'workEnd' | 'cutoff') => minutesOf(s[k]);
  if (!(t('workStart') < t('lunchStart'))) out.push({ field: 'lunchStart', message: 'Giờ nghỉ trưa phải sau giờ bắt đầu làm việc' });
  if (!(t('lunchStart') <= t('lunchEnd'))) out.push({ field: 'lunchEnd', message: 'Giờ làm việc buổi chiều phải sau giờ nghỉ trưa' });
  if (!(t('lunchEnd') < t('workEnd'))) out.push({ field: 'workEnd', message: 'Giờ kết thúc làm việc phải sau giờ làm việc buổi chiều' });
  if (!(t('cutoff') >= t('workStart') && t('cutoff') <= t('workEnd'))) {
    out.push({ field: 'cutoff', message: 'Giờ chốt tiếp nhận phải nằm trong giờ làm việc' });
  }
  return out;
}
