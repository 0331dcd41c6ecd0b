import type Router from '@koa/router';
import { queryParam } from '../../hub/portal/http/forms.js';
import { PortalError } from '../../hub/portal/http/portal-error.js';
import { ApiProblem } from '../api/demands-api.js';
import type { DemandListJson } from '../api/types.js';
import type { ProviderPortalDeps } from '../deps.js';
import { BAD_DATE, readDay } from '../forms/dates.js';
import { errorText, fieldLabel } from '../forms/field-labels.js';
import { formErrorsOf } from '../forms/problem-errors.js';
import { memberOf, memberOnly } from '../http/member.js';
import type { FieldError } from '../http/pages.js';

/** The statuses a demand can have, as the filter offers them. */
export const STATUS_CHOICES = [
  { value: 'open', text: 'Open (nothing paid)' },
  { value: 'partly_paid', text: 'Partly paid' },
  { value: 'paid', text: 'Paid' },
  { value: 'cancelled', text: 'Cancelled' },
] as const;

const FILTER_FIELDS = ['dueFrom', 'dueTo', 'payer', 'createdFrom', 'createdTo'] as const;
const PAGE_SIZE = 25;

const DATE_FIELDS: readonly string[] = ['dueFrom', 'dueTo', 'createdFrom', 'createdTo'];

/**
 * The dashboard's filter from the query string, as the hub's list and export read it: dates as
 * YYYY-MM-DD (typed year-month-day, forms/dates.ts); a date that does not read is an error on its
 * field, and the hub is not asked.
 */
function filterOf(
  query: Record<string, unknown>,
  statuses: string[],
): { params: URLSearchParams; errors: FieldError[] } {
  const params = new URLSearchParams();
  const errors: FieldError[] = [];
  if (statuses.length) params.set('status', statuses.join(','));
  for (const name of FILTER_FIELDS) {
    let value = typeof query[name] === 'string' ? (query[name] as string).trim() : '';
    if (value && DATE_FIELDS.includes(name)) {
      const day = readDay(value);
      if (day === undefined) errors.push({ field: name, text: errorText(fieldLabel(name), BAD_DATE) });
      value = day ?? '';
    }
    if (value) params.set(name, value);
  }
  return { params, errors };
}

const statusesOf = (query: Record<string, unknown>) => {
  const raw = query.status;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const known: readonly string[] = STATUS_CHOICES.map((s) => s.value);
  return list.flatMap((s) => String(s).split(',')).filter((s) => known.includes(s));
};

/** The dashboard: the organisation's demands filtered, with totals and instalment status; CSV export. */
export function dashboardRoutes(router: Router, { pages, api }: ProviderPortalDeps): void {
  const member = memberOnly(pages);

  router.get('/demands', member, async (ctx) => {
    const { session, provider } = memberOf(ctx);
    const statuses = statusesOf(ctx.query);
    const { params: filter, errors: dateErrors } = filterOf(ctx.query, statuses);
    const offset = Math.max(0, Math.min(100_000, Number.parseInt(queryParam(ctx, 'offset'), 10) || 0));
    const query = new URLSearchParams(filter);
    query.set('limit', String(PAGE_SIZE));
    query.set('offset', String(offset));
    let list: DemandListJson | undefined;
    let errors: FieldError[] = dateErrors;
    if (!errors.length) {
      try {
        list = await api.list(session, query);
      } catch (error) {
        if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
        // The filter's payer field is `payer`, not the demand form's mobile number.
        errors = formErrorsOf(error, 'dueFrom').map((e) => (e.field === 'payerPhone' ? { ...e, field: 'payer' } : e));
      }
    }
    const page = (at: number) => {
      const link = new URLSearchParams(filter);
      if (at) link.set('offset', String(at));
      return `/demands?${link}`;
    };
    await pages.render(
      ctx,
      'dashboard',
      {
        title: `Demands of ${provider.name}`,
        errors,
        list,
        // "All demands" when nothing narrows the list, "Demands matching the filter" otherwise.
        filtered: filter.size > 0,
        filter: Object.fromEntries(FILTER_FIELDS.map((name) => [name, queryParam(ctx, name)])),
        statusItems: STATUS_CHOICES.map((s) => ({ ...s, checked: statuses.includes(s.value) })),
        exportHref: `/demands/export?${filter}`,
        nextHref: list?.nextOffset !== undefined ? page(list.nextOffset) : undefined,
        previousHref: offset > 0 ? page(Math.max(0, offset - PAGE_SIZE)) : undefined,
      },
      errors.length ? 400 : 200,
    );
  });

  // The export is the hub's CSV as it is (one row per instalment), sent as a download.
  router.get('/demands/export', member, async (ctx) => {
    const { session } = memberOf(ctx);
    const { params, errors } = filterOf(ctx.query, statusesOf(ctx.query));
    if (errors.length) throw new PortalError(400, 'bad_request', errors.map((e) => e.text).join('; '));
    const { text, filename } = await api.exportCsv(session, params);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(filename);
    ctx.body = text;
  });
}
