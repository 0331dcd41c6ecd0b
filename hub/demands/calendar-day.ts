import { todayInIndia } from '../bills/indian-day.js';

// Demand dates are Indian calendar days ('YYYY-MM-DD', IST), compared as strings and counted in
// whole days: a due date is the same day for the provider, the payer and the server in any zone.

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Midnight UTC of a 'YYYY-MM-DD' day, or NaN when the text is not a real calendar day (2026-02-30). */
function utcMidnight(day: string): number {
  const match = DAY_PATTERN.exec(day);
  if (!match) return Number.NaN;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const time = Date.UTC(y, m - 1, d);
  const back = new Date(time);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? time : Number.NaN;
}

/** True for a real calendar day written 'YYYY-MM-DD'. */
export function isCalendarDay(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(utcMidnight(value));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). Both must be calendar days. */
export function daysBetween(from: string, to: string): number {
  const a = utcMidnight(from);
  const b = utcMidnight(to);
  if (Number.isNaN(a) || Number.isNaN(b)) throw new RangeError('daysBetween needs two YYYY-MM-DD calendar days');
  return Math.round((b - a) / DAY_MS);
}

/** The Indian calendar day (IST) of an instant: when a payment was made, in the payer's terms. */
export const indianDayOf = (at: Date): string => todayInIndia(at);
