import { intlLocale, type Locale } from './locale.js';

/** Every date and time on a page or export is shown in Indian Standard Time. */
export const IST = 'Asia/Kolkata';

const moneyFormats = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, locale: Locale): Intl.NumberFormat {
  const key = `${currency}:${locale}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency });
    moneyFormats.set(key, format);
  }
  return format;
}

/**
 * An amount in integer minor units as a plain decimal string in major units, without rounding
 * or floating point: `minorToDecimal(18260700, 'INR')` is `'182607.00'`. The number of decimals
 * is the currency's own (ISO 4217, as `Intl` knows it). Throws a RangeError for a non-integer.
 */
export function minorToDecimal(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount of minor units: ${minor}`);
  const digits = moneyFormat(currency, 'en').resolvedOptions().maximumFractionDigits ?? 2;
  const sign = minor < 0 ? '-' : '';
  const units = String(Math.abs(minor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/**
 * Money for people: `formatMoney(18260700, 'INR', 'en')` is `₹1,82,607.00` (Indian digit
 * grouping; Bengali digits for `bn`). The exact decimal string is formatted, so no float rounding.
 */
export function formatMoney(minor: number, currency: string, locale: Locale): string {
  // Intl.NumberFormat v3 formats a decimal string exactly (ECMA-402 2023).
  return moneyFormat(currency, locale).format(minorToDecimal(minor, currency) as unknown as number);
}

function toDate(value: Date | string): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date: ${String(value)}`);
  return date;
}

/**
 * A calendar date in IST, e.g. `5 December 2026`. A date-only ISO string (`2026-12-05`, how
 * billers give due dates) is that day as written, whatever the server's own time zone.
 */
export function formatDateIST(value: Date | string, locale: Locale): string {
  const dateOnly = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: dateOnly ? 'UTC' : IST,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(toDate(value));
}

/** A moment in IST with its zone named, e.g. `30 November 2026 at 2:35 pm IST`. */
export function formatDateTimeIST(value: Date | string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: IST,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(toDate(value));
}

/** A moment as ISO 8601 in IST with its offset, for exports: `2026-11-30T14:35:00+05:30`. */
export function isoDateTimeIST(value: Date | string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: IST,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(toDate(value))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}+05:30`;
}
