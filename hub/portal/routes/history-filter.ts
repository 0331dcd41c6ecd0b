import type { TFunction } from 'i18next';
import type { Context } from 'koa';
import { normaliseConsumerValue } from '../../../adapters/sdk/index.js';
import { todayInIndia } from '../../bills/indian-day.js';
import type { PaymentView } from '../api/types.js';
import { queryParam } from '../http/forms.js';
import type { FieldError } from '../http/render.js';

/** The history's status filter: groups of the citizen-facing statuses. */
export const STATUS_GROUPS = {
  paid: ['completed'],
  in_progress: ['created', 'awaiting_payment', 'captured', 'settling', 'being_confirmed'],
  refunded: ['refunded', 'partially_refunded'],
  unsuccessful: ['failed', 'expired', 'cancelled'],
  under_review: ['under_review', 'held'],
} as const;
/** One of the history's status filter values. */
export type StatusGroup = keyof typeof STATUS_GROUPS;

/** The history filter as typed: empty strings mean "any". */
export interface HistoryFilter {
  biller: string;
  status: string;
  /** YYYY-MM-DD, IST calendar days, inclusive. */
  from: string;
  to: string;
}

/** Year, month and day with a separator between each, or as eight digits (20261130). */
const TYPED_DAY = [/^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$/, /^(\d{4})(\d{2})(\d{2})$/];

/**
 * A typed day as YYYY-MM-DD, or undefined when it is not a real calendar day. Lenient on what a
 * phone's keyboard makes easy (GOV.UK: accept what people type): spaces around it, Devanagari or
 * Bengali digits, `/`, `.` or a space for `-`, no separator at all (20261130), one-digit months
 * and days.
 */
export function parseDay(typed: string): string | undefined {
  const ascii = normaliseConsumerValue(typed);
  const parts = TYPED_DAY.map((pattern) => pattern.exec(ascii)).find(Boolean);
  if (!parts) return undefined;
  const [year, month, day] = parts.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** The filter from the query string (the history form and the CSV link share it), with errors. */
export function readHistoryFilter(ctx: Context, t: TFunction): { filter: HistoryFilter; errors: FieldError[] } {
  const filter = {
    biller: queryParam(ctx, 'biller'),
    status: queryParam(ctx, 'status'),
    from: queryParam(ctx, 'from'),
    to: queryParam(ctx, 'to'),
  };
  const errors: FieldError[] = [];
  if (filter.status && !(filter.status in STATUS_GROUPS))
    errors.push({ field: 'status', text: t('history.errors.status') });
  for (const end of ['from', 'to'] as const) {
    if (!filter[end]) continue;
    const day = parseDay(filter[end]);
    if (day) filter[end] = day;
    else errors.push({ field: end, text: t(`history.errors.${end}`) });
  }
  if (!errors.length && filter.from && filter.to && filter.from > filter.to) {
    errors.push({ field: 'to', text: t('history.errors.order') });
  }
  return { filter, errors };
}

/** The payments the filter keeps (date range by the IST day each payment was made). */
export function applyHistoryFilter(payments: PaymentView[], filter: HistoryFilter): PaymentView[] {
  const statuses = filter.status ? (STATUS_GROUPS[filter.status as StatusGroup] as readonly string[]) : undefined;
  return payments.filter((payment) => {
    if (filter.biller && !payment.lines.some((line) => line.billerId === filter.biller)) return false;
    if (statuses && !statuses.includes(payment.displayStatus) && !statuses.includes(payment.status)) return false;
    const day = todayInIndia(new Date(payment.createdAt));
    if (filter.from && day < filter.from) return false;
    if (filter.to && day > filter.to) return false;
    return true;
  });
}

/** The filter as a query string for the CSV link ('' when nothing is filtered). */
export function filterQuery(filter: HistoryFilter): string {
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== '')).toString();
  return query ? `?${query}` : '';
}
