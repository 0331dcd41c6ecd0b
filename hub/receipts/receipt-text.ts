/**
 * How a receipt writes numbers, money and times: masked bill numbers, rupees with ₹ and Indian
 * digit grouping, instants in IST. English (en-IN); the portal's own formatters do hi-IN and bn-IN.
 */
import { formatMoney as formatWebMoney } from '../../infra/web/format.js';

/**
 * Integer minor units as money, exactly, in English: `182607_00` INR -> "₹1,82,607.00" (the
 * portal's formatter, infra/web/format.ts, in en-IN). RangeError for a fractional amount.
 */
export function formatMoney(minor: number, currency = 'INR'): string {
  return formatWebMoney(minor, currency, 'en');
}

const IST_DATE_TIME = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: true,
});

/** An instant as an Indian date and time: "30 Nov 2026, 01:37 pm IST". */
export function formatDateTimeIST(at: Date | string): string {
  return `${IST_DATE_TIME.format(new Date(at))} IST`;
}

const CALENDAR_DAY = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/**
 * A biller's calendar date (YYYY-MM-DD, already an Indian day) as "1 Oct 2026"; anything else is
 * shown as the biller wrote it.
 */
export function formatDay(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? CALENDAR_DAY.format(new Date(`${day}T00:00:00Z`)) : day;
}

/** A billing period as "1 Oct 2026 – 31 Oct 2026", either end may be missing. */
export function formatPeriod(period?: { from?: string; to?: string }): string | undefined {
  if (!period?.from && !period?.to) return undefined;
  return [period.from, period.to].map((day) => (day ? formatDay(day) : '…')).join(' – ');
}

/** The words a receipt uses for the hub's statuses. */
export const STATUS_TEXT: Readonly<Record<string, string>> = {
  settled: 'Paid to biller',
  refunded: 'Refunded',
  refunding: 'Refund in progress',
  held: 'Under review',
  unknown: 'Being confirmed',
  completed: 'Paid',
  partially_refunded: 'Paid in part, rest refunded',
};

/** How a payment method is named on paper. */
export const METHOD_TEXT: Readonly<Record<string, string>> = {
  upi: 'UPI',
  card: 'Card',
  netbanking: 'Net banking',
  wallet: 'Wallet',
};

/**
 * Paise as "Rs 1,234.50" (integer arithmetic, Indian grouping): for SMS and logs, where ₹ would
 * force an SMS out of the GSM alphabet into UCS-2 and halve its length.
 */
export function formatRupees(minor: number): string {
  // The same exact digits as formatMoney, with "Rs " for the ₹ that the SMS alphabet lacks.
  return formatMoney(minor).replace('₹', 'Rs ');
}
