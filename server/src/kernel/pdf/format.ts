/**
 * Vietnamese date and money wording for documents. Dates are always shown in
 * Vietnam's time zone, whatever the server's TZ: a receipt printed at 00:30 local
 * time must carry that day's date, not the previous UTC day's.
 */

const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function local(d: Date): LocalTime {
  if (Number.isNaN(d.getTime())) throw new RangeError('invalid date');
  const out: LocalTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0 };
  for (const p of parts.formatToParts(d)) {
    if (p.type in out) out[p.type as keyof LocalTime] = Number(p.value);
  }
  return out;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * "ngày 05 tháng 3 năm 2026". Decree 30/2020, Appendix I: days below 10
 * and the months 1 and 2 take a leading zero (so "tháng 02" cannot be altered to
 * "tháng 12" by hand); other months do not.
 */
export function vnDate(d: Date): string {
  const t = local(d);
  const month = t.month <= 2 ? pad2(t.month) : String(t.month);
  return `ngày ${pad2(t.day)} tháng ${month} năm ${t.year}`;
}

/** "Ninh Bình, ngày 23 tháng 11 năm 2026" */
export function vnPlaceDate(place: string, d: Date): string {
  return `${place}, ${vnDate(d)}`;
}

/** "23/11/2026 14:05" */
export function vnDateTime(d: Date): string {
  const t = local(d);
  return `${pad2(t.day)}/${pad2(t.month)}/${t.year} ${pad2(t.hour)}:${pad2(t.minute)}`;
}

/**
 * 1234567 -> "1.234.567 đồng". Grouped by hand rather than with toLocaleString
 * so the output does not depend on the ICU data Node was built with. The đồng
 * has no subunit in use, so a computed fraction (a percentage fee) is rounded
 * half away from zero.
 */
export function vnMoney(amount: number): string {
  if (!Number.isFinite(amount)) throw new RangeError(`not an amount: ${amount}`);
  const rounded = Math.sign(amount) * Math.round(Math.abs(amount));
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${rounded < 0 ? '-' : ''}${digits} đồng`;
}
