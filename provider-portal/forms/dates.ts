import { parseDay } from '../../hub/portal/routes/history-filter.js';

/** The error of a date field that is not a real year-month-day (the form's label goes before it). */
export const BAD_DATE = 'must be a real date written year-month-day, like 2027-01-31';

/**
 * A typed date field as the hub's YYYY-MM-DD: '' when empty, undefined when it is not a real
 * calendar day. Read as the citizen portal reads its dates (hub/portal/routes/history-filter.ts
 * parseDay): spaces, `/` or `.` for `-`, one-digit months and days are accepted.
 */
export function readDay(typed: string | undefined): string | undefined {
  const text = (typed ?? '').trim();
  return text ? parseDay(text) : '';
}
