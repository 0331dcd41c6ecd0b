import type Router from '@koa/router';
import type { Context } from 'koa';
import { type Bill, type BillerDescriptor, payableOn } from '../../../adapters/sdk/index.js';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import { todayInIndia } from '../../bills/indian-day.js';
import { ApiProblem } from '../api/hub-api.js';
import type { PortalDeps } from '../deps.js';
import { queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import type { FieldError } from '../http/render.js';
import { consumerFields, readConsumer } from './consumer-form.js';
import { newAttempt } from './idempotency.js';
import { sessionOf, signedIn } from './signed-in.js';

/** Looking a bill up without saving the account, and paying it from there. */
export function lookupRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  router.get('/bills/lookup', signedIn, async (ctx) => {
    const all = await billers.list();
    const chosen = queryParam(ctx, 'biller');
    if (chosen && all.some((biller) => biller.id === chosen)) {
      ctx.status = 303;
      ctx.redirect(`/bills/lookup/${chosen}`);
      return;
    }
    const errors: FieldError[] =
      'biller' in ctx.query ? [{ field: 'biller', text: translatorOf(ctx)('accounts.errors.biller') }] : [];
    await pages.render(
      ctx,
      'lookup-biller',
      { titleKey: 'lookup.title', billers: all, errors },
      errors.length ? 400 : 200,
    );
  });

  const biller = (ctx: Context): Promise<BillerDescriptor> => billers.require(String(ctx.params.billerId));

  const showForm = (
    ctx: Context,
    found: BillerDescriptor,
    typed: Record<string, string>,
    errors: FieldError[],
    status = 200,
  ) =>
    pages.render(
      ctx,
      'lookup-fields',
      {
        titleKey: 'lookup.fieldsTitle',
        titleValues: { biller: found.name },
        biller: found,
        fields: consumerFields(found, typed, translatorOf(ctx)),
        errors,
      },
      status,
    );

  router.get('/bills/lookup/:billerId', signedIn, async (ctx) => showForm(ctx, await biller(ctx), {}, []));

  router.post('/bills/lookup/:billerId', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const locale = localeOf(ctx);
    const found = await biller(ctx);
    const { consumer, typed, errors } = readConsumer(ctx, found, t);
    if (errors.length) return showForm(ctx, found, typed, errors, 400);
    const query = new URLSearchParams(consumer).toString();
    let bill: Bill;
    try {
      ({
        body: { bill },
      } = await api.citizen<{ bill: Bill }>(sessionOf(ctx), `/billers/${found.id}/bill?${query}`));
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const key = error.code === 'consumer_not_found' ? 'accounts.errors.notFound' : 'accounts.errors.invalid';
      const field = `consumer-${found.consumerParams[0]?.name ?? ''}`;
      return showForm(ctx, found, typed, [{ field, text: t(key, { biller: found.name }) }], error.status);
    }
    const day = todayInIndia(new Date());
    const payable = payableOn(bill, day);
    const money = (minor: number) => formatMoney(minor, bill.currency, locale);
    const adjustment =
      bill.earlyPayment && day <= bill.earlyPayment.until
        ? t('dashboard.rebate', {
            amount: money(bill.amountDueMinor - payable),
            date: formatDateIST(bill.earlyPayment.until, locale),
          })
        : bill.latePayment && day >= bill.latePayment.from
          ? t('dashboard.lateFee', {
              amount: money(payable - bill.amountDueMinor),
              date: formatDateIST(bill.latePayment.from, locale),
            })
          : undefined;
    await pages.render(ctx, 'lookup-result', {
      titleKey: 'lookup.resultTitle',
      biller: found,
      bill,
      consumer,
      consumerFields: found.consumerParams.map((param) => ({
        name: `consumer.${param.name}`,
        value: consumer[param.name],
      })),
      payableMinor: payable,
      payable: money(payable),
      amountDue: money(bill.amountDueMinor),
      dueDate: formatDateIST(bill.dueDate, locale),
      period:
        bill.periodStart && bill.periodEnd
          ? { from: formatDateIST(bill.periodStart, locale), to: formatDateIST(bill.periodEnd, locale) }
          : undefined,
      breakup: bill.breakup.map((line) => ({ label: line.label, amount: money(line.amountMinor) })),
      adjustment,
      attempt: newAttempt(),
    });
  });
}
