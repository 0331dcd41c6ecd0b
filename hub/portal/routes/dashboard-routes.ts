import type Router from '@koa/router';
import type { Context } from 'koa';
import { normaliseConsumerValue } from '../../../adapters/sdk/index.js';
import { ApiProblem } from '../api/hub-api.js';
import type { CheckoutAnswer, Due } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, fieldValues, queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { dueRows } from './dues-view.js';
import { checkoutKey, newAttempt } from './idempotency.js';
import { sessionIdOf, sessionOf, signedIn } from './signed-in.js';

/** Checkout problems with their own message (pay.errors.<code>); others get the generic one. */
const CHECKOUT_PROBLEMS = new Set([
  'bill_already_paid',
  'bill_payment_pending',
  'checkout_superseded',
  'bill_changed',
  'checkout_closed',
  'amount_not_allowed',
  'consumer_not_found',
  'account_not_found',
  'idempotency_key_reused',
]);

/** The landing page, the dashboard of dues, and paying the selected bills in one checkout. */
export function dashboardRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  router.get('/', async (ctx) => {
    if (ctx.state.session?.current?.user) {
      ctx.status = 303;
      ctx.redirect('/dashboard');
      return;
    }
    await pages.render(ctx, 'landing', { titleKey: 'landing.title' });
  });

  const showDashboard = async (ctx: Context, errors: FieldError[] = [], status = 200) => {
    const session = sessionOf(ctx);
    const [{ body }, names] = await Promise.all([api.citizen<{ dues: Due[] }>(session, '/dues'), billers.names()]);
    const rows = dueRows(body.dues, names, translatorOf(ctx), localeOf(ctx));
    const notice = ['added', 'removed'].find((name) => queryParam(ctx, name) !== '');
    await pages.render(
      ctx,
      'dashboard',
      {
        titleKey: 'dashboard.title',
        rows,
        attempt: newAttempt(),
        errors,
        notice,
        anySelectable: rows.some((r) => r.selectable),
      },
      status,
    );
  };

  router.get('/dashboard', signedIn, (ctx) => showDashboard(ctx));

  router.post('/pay', signedIn, async (ctx) => {
    const session = sessionOf(ctx);
    const t = translatorOf(ctx);
    const direct = field(ctx, 'billerId') !== '';
    let lines: unknown[];
    if (direct) {
      lines = [await lookedUpLine(ctx, deps)];
    } else {
      const selected = new Set(fieldValues(ctx, 'line'));
      const { body } = await api.citizen<{ dues: Due[] }>(session, '/dues');
      const chosen = body.dues.filter((due) => due.checkoutLine && !due.paid && selected.has(due.account.id));
      if (chosen.length === 0) {
        const first = body.dues.find((due) => due.checkoutLine && !due.paid);
        return showDashboard(
          ctx,
          [{ field: first ? `pay-${first.account.id}` : 'dues', text: t('pay.errors.noneSelected') }],
          400,
        );
      }
      lines = chosen.map((due) => due.checkoutLine);
    }
    const key = checkoutKey(sessionIdOf(ctx), field(ctx, 'attempt'), lines);
    try {
      const { body } = await api.citizen<CheckoutAnswer>(session, '/checkouts', {
        method: 'POST',
        body: { lines },
        headers: { 'Idempotency-Key': key },
      });
      const target = new URL(body.checkoutUrl);
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('checkout URL is not http(s)');
      ctx.status = 303;
      ctx.redirect(target.href);
    } catch (error) {
      const unavailable = error instanceof PortalError && error.status === 503;
      if (!(error instanceof ApiProblem) && !unavailable) throw error;
      const code =
        error instanceof ApiProblem && CHECKOUT_PROBLEMS.has(error.code)
          ? error.code
          : unavailable
            ? 'unavailable'
            : 'generic';
      const text = t(`pay.errors.${code}`);
      if (direct) {
        await pages.render(
          ctx,
          'pay-problem',
          { titleKey: 'pay.problemTitle', message: text },
          error instanceof ApiProblem ? error.status : 503,
        );
        return;
      }
      await showDashboard(ctx, [{ field: 'dues', text }], error instanceof ApiProblem ? error.status : 503);
    }
  });
}

/** The one line of a "Pay this bill" form on the bill lookup page. */
async function lookedUpLine(ctx: Context, deps: PortalDeps) {
  const billerId = field(ctx, 'billerId');
  const biller = await deps.billers.get(billerId);
  if (!biller) throw new PortalError(400, 'bad_request', `no biller ${billerId}`);
  const consumer = Object.fromEntries(
    biller.consumerParams.map((param) => [param.name, normaliseConsumerValue(field(ctx, `consumer.${param.name}`))]),
  );
  const amountMinor = Number(field(ctx, 'amountMinor'));
  const billNumber = field(ctx, 'billNumber');
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || billNumber === '') {
    throw new PortalError(400, 'bad_request', 'the pay form lacks its bill or amount');
  }
  return { billerId, consumer, billNumber, amountMinor };
}
