import type Router from '@koa/router';
import { stringify } from 'csv-stringify/sync';
import { formatDateTimeIST, formatMoney, isoDateTimeIST, minorToDecimal } from '../../../infra/web/format.js';
import type { PaymentView } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import { applyHistoryFilter, filterQuery, readHistoryFilter, STATUS_GROUPS } from './history-filter.js';
import { sessionOf, signedIn } from './signed-in.js';

/** CSV columns: one row per bill paid, amounts as decimal rupees, times ISO 8601 in IST. */
export const CSV_COLUMNS = [
  'payment_id',
  'created_at_ist',
  'payment_status',
  'biller_id',
  'biller_name',
  'consumer_masked',
  'bill_number',
  'amount',
  'currency',
  'line_status',
  'biller_reference',
] as const;

/** What the date fields' `pattern` allows, as loosely as the server (parseDay): any script's digits. */
const DAY_PATTERN = String.raw`\s*\p{Nd}{4}(?:[\-\/. ]\p{Nd}{1,2}[\-\/. ]\p{Nd}{1,2}|\p{Nd}{4})\s*`;

/** The citizen's payment history with filters, and the same list as CSV. */
export function historyRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  const payments = async (session: ReturnType<typeof sessionOf>) =>
    (await api.citizen<{ payments: PaymentView[] }>(session, '/payments')).body.payments;

  router.get('/history', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const locale = localeOf(ctx);
    const { filter, errors } = readHistoryFilter(ctx, t);
    const [all, list] = await Promise.all([payments(sessionOf(ctx)), billers.list()]);
    const names = Object.fromEntries(list.map((biller) => [biller.id, biller.name]));
    const shown = errors.length ? all : applyHistoryFilter(all, filter);
    await pages.render(
      ctx,
      'history',
      {
        titleKey: 'history.title',
        filter,
        errors,
        billers: list,
        dayPattern: DAY_PATTERN,
        statusGroups: Object.keys(STATUS_GROUPS),
        csvHref: `/history.csv${filterQuery(errors.length ? { biller: '', status: '', from: '', to: '' } : filter)}`,
        rows: shown.map((payment) => ({
          id: payment.id,
          date: formatDateTimeIST(payment.createdAt, locale),
          billers: [...new Set(payment.lines.map((line) => names[line.billerId] ?? line.billerId))].join(', '),
          total: formatMoney(payment.totalMinor, payment.currency, locale),
          statusKey: `status.${payment.displayStatus}`,
        })),
      },
      errors.length ? 400 : 200,
    );
  });

  router.get('/history.csv', signedIn, async (ctx) => {
    const { filter, errors } = readHistoryFilter(ctx, translatorOf(ctx));
    if (errors.length) throw new PortalError(400, 'bad_request', 'bad history filter');
    const names = await billers.names();
    const rows = applyHistoryFilter(await payments(sessionOf(ctx)), filter).flatMap((payment) =>
      payment.lines.map((line) => [
        payment.id,
        isoDateTimeIST(payment.createdAt),
        payment.displayStatus,
        line.billerId,
        names[line.billerId] ?? line.billerId,
        line.consumerMasked,
        line.billNumber,
        minorToDecimal(line.amountMinor, payment.currency),
        payment.currency,
        line.displayStatus,
        line.billerReference ?? '',
      ]),
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', 'attachment; filename="payments.csv"');
    ctx.type = 'text/csv; charset=utf-8';
    // A byte-order mark so spreadsheet programs read the names as UTF-8; cells that a spreadsheet
    // would run as a formula (=, +, -, @) are escaped (CSV injection).
    ctx.body = `\uFEFF${stringify(rows, { header: true, columns: [...CSV_COLUMNS], escape_formulas: true })}`;
  });
}
