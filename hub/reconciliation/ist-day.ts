/** Reconciliation days are Indian Standard Time calendar days: UTC+05:30 all year, no daylight saving. */
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 24 * 3600_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isReportDate(text: string): boolean {
  return DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

/** The IST calendar date of an instant, YYYY-MM-DD. */
export const istDateOf = (at: Date): string => new Date(at.getTime() + IST_OFFSET_MS).toISOString().slice(0, 10);

/** [from, to): the instants of one IST day. */
export function istDayBounds(date: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${date}T00:00:00Z`) - IST_OFFSET_MS);
  return { from, to: new Date(from.getTime() + DAY_MS) };
}

/** The date `days` after (or before) `date`. */
export const shiftDate = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The day a scheduled run reconciles: yesterday in IST, a day whose reports are complete. */
export const dayToReconcile = (now: Date = new Date()): string => shiftDate(istDateOf(now), -1);
