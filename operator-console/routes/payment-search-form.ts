import type { Context } from 'koa';
import { parseDay } from '../../hub/portal/routes/history-filter.js';
import type { FieldError } from '../http/pages.js';

/** The search form's fields, as typed (trimmed); dates as YYYY-MM-DD once read. */
export interface PaymentSearchForm {
  reference: string;
  phone: string;
  consumer: string;
  billerId: string;
  status: string;
  from: string;
  to: string;
  cursor: string;
}

export const SEARCH_FIELDS = ['reference', 'phone', 'consumer', 'billerId', 'status', 'from', 'to'] as const;

const LABELS: Record<(typeof SEARCH_FIELDS)[number], string> = {
  reference: 'Reference',
  phone: 'Citizen’s mobile number',
  consumer: 'Consumer number',
  billerId: 'Biller',
  status: 'Status',
  from: 'Paid on or after',
  to: 'Paid on or before',
};

const BAD_DATE = 'must be a real date written year-month-day, like 2027-01-31';

const queryText = (ctx: Context, name: string) => {
  const value = ctx.query[name];
  return (Array.isArray(value) ? value[0] : value)?.trim().slice(0, 200) ?? '';
};

/**
 * The search form from the query string, with errors for dates that are not real days (a typed
 * 2027/1/5 reads as 2027-01-05, as in the citizen portal) and a range that ends before it starts.
 * The hub checks everything again (hub/api/routes/operator-payment-routes.ts).
 */
export function readSearchForm(ctx: Context): { form: PaymentSearchForm; errors: FieldError[] } {
  const form = Object.fromEntries(
    [...SEARCH_FIELDS, 'cursor'].map((name) => [name, queryText(ctx, name)]),
  ) as unknown as PaymentSearchForm;
  const errors: FieldError[] = [];
  for (const field of ['from', 'to'] as const) {
    if (!form[field]) continue;
    const day = parseDay(form[field]);
    if (day) form[field] = day;
    else errors.push({ field, text: `${LABELS[field]} ${BAD_DATE}` });
  }
  if (!errors.length && form.from && form.to && form.to < form.from) {
    errors.push({ field: 'to', text: `${LABELS.to} must be on or after ${LABELS.from.toLowerCase()}` });
  }
  return { form, errors };
}

/** The hub API's query for the form: only the fields given. */
export function searchQuery(form: PaymentSearchForm): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of [...SEARCH_FIELDS, 'cursor'] as const) if (form[name]) query.set(name, form[name]);
  return query;
}

/** A hub field error on the form's field, in words with the field's label. */
export function fieldErrorOf(field: string, message: string): FieldError {
  const known = (SEARCH_FIELDS as readonly string[]).includes(field) ? (field as (typeof SEARCH_FIELDS)[number]) : null;
  return known ? { field: known, text: `${LABELS[known]}: ${message}` } : { field: 'reference', text: message };
}

/** Whether any filter is set (the page says "matching" rather than "latest"). */
export const isFiltered = (form: PaymentSearchForm) => SEARCH_FIELDS.some((name) => form[name] !== '');
