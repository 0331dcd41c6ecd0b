import type Router from '@koa/router';
import { queryParam } from '../../hub/portal/http/forms.js';
import { ApiProblem } from '../api/demands-api.js';
import type { DemandListJson } from '../api/types.js';
import type { ProviderPortalDeps } from '../deps.js';
import { formErrorsOf } from '../forms/problem-errors.js';
import { memberOf, memberOnly } from '../http/member.js';

/** The statuses a demand can have, as the filter offers them. */
export const STATUS_CHOICES = [
  { value: 'open', text: 'Open (nothing paid)' },
  { value: 'partly_paid', text: 'Partly paid' },
  { value: 'paid', text: 'Paid' },
  { value: 'cancelled', text: 'Cancelled' },
] as const;

const FILTER_FIELDS = ['dueFrom', 'dueTo', 'payer', 'createdFrom', 'createdTo'] as const;
const PAGE_SIZE = 25;

/** The dashboard's filter from the query string, as the hub's list and export read it. */
function filterOf(query: Record<string, unknown>, statuses: string[]): URLSearchParams {
  const params = new URLSearchParams();
  if (statuses.length) params.set('status', statuses.join(','));
  for (const name of FILTER_FIELDS) {
    const value = typeof query[name] === 'string' ? (query[name] as string).trim() : '';
    if (value) params.set(name, value);
  }
  return params;
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
    const filter = filterOf(ctx.query, statuses);
    const offset = Math.max(0, Math.min(100_000, Number.parseInt(queryParam(ctx, 'offset'), 10) || 0));
    const query = new URLSearchParams(filter);
    query.set('limit', String(PAGE_SIZE));
    query.set('offset', String(offset));
    let list: DemandListJson | undefined;
    let errors: ReturnType<typeof formErrorsOf> = [];
    try {
      list = await api.list(session, query);
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 400) throw error;
      // The filter's payer field is `payer`, not the demand form's mobile number.
      errors = formErrorsOf(error, 'dueFrom').map((e) => (e.field === 'payerPhone' ? { ...e, field: 'payer' } : e));
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
    const { text, filename } = await api.exportCsv(session, filterOf(ctx.query, statusesOf(ctx.query)));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(filename);
    ctx.body = text;
  });
}
