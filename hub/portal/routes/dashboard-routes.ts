import type Router from '@koa/router';
import type { Context } from 'koa';
import { normaliseConsumerValue } from '../../../adapters/sdk/index.js';
import { formatMoney } from '../../../infra/web/format.js';
import { ApiProblem } from '../api/hub-api.js';
import type { Dues } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, fieldValues, queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { type AutopayList, liveAutopayByAccount } from './autopay-view.js';
import { startCheckout } from './checkout-start.js';
import { checkboxIdOf, demandRows, demandSelectValue, dueRows } from './dues-view.js';
import { newAttempt } from './idempotency.js';
import { sessionOf, signedIn } from './signed-in.js';

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
    // One call for every account's autopay, alongside the dues (never one per account).
    const [{ body }, names, autopay] = await Promise.all([
      api.citizen<Dues>(session, '/dues'),
      billers.names(),
      autopayList(ctx, deps),
    ]);
    const accountRows = dueRows(body.dues, names, translatorOf(ctx), localeOf(ctx));
    if (autopay) {
      const live = liveAutopayByAccount(autopay.autopays);
      for (const row of accountRows) {
        const found = live.get(row.accountId);
        if (found) {
          row.autopay = {
            id: found.id,
            status: found.status,
            limit: formatMoney(found.limitMinor, found.currency, localeOf(ctx)),
          };
        }
      }
    }
    const rows = [...accountRows, ...demandRows(body.demands ?? [], translatorOf(ctx), localeOf(ctx))];
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
        anyDemand: rows.some((r) => r.kind === 'demand'),
        // Without an answer about autopay (the hub has none, or it did not answer) the column is left out.
        autopayKnown: autopay !== undefined,
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
      const { body } = await api.citizen<Dues>(session, '/dues');
      // Saved accounts' bills and demands' instalments, each by the value of its checkbox.
      const payable = [
        ...body.dues.map((due) => ({ value: due.account.id, line: due.paid ? undefined : due.checkoutLine })),
        ...(body.demands ?? []).map((due) => ({
          value: demandSelectValue(due.demand.reference),
          line: due.paid ? undefined : due.checkoutLine,
        })),
      ].filter((entry) => entry.line !== undefined);
      const chosen = payable.filter((entry) => selected.has(entry.value));
      if (chosen.length === 0) {
        const first = payable[0];
        return showDashboard(
          ctx,
          [{ field: first ? `pay-${checkboxIdOf(first.value)}` : 'dues', text: t('pay.errors.noneSelected') }],
          400,
        );
      }
      lines = chosen.map((entry) => entry.line);
    }
    const refused = await startCheckout(ctx, deps, lines);
    if (!refused) return;
    const text = t(`pay.errors.${refused.code}`);
    if (direct) {
      await pages.render(ctx, 'pay-problem', { titleKey: 'pay.problemTitle', message: text }, refused.status);
      return;
    }
    await showDashboard(ctx, [{ field: 'dues', text }], refused.status);
  });
}

/**
 * The citizen's autopays for the dashboard's autopay column, or undefined when the hub has no
 * autopay (its gateway holds no mandates: 404) or does not answer: the dues still show.
 */
async function autopayList(ctx: Context, deps: PortalDeps): Promise<AutopayList | undefined> {
  try {
    return (await deps.api.citizen<AutopayList>(sessionOf(ctx), '/autopay')).body;
  } catch (error) {
    if (error instanceof ApiProblem || error instanceof PortalError) {
      deps.log.warn({ err: error }, 'the dashboard shows no autopay: GET /autopay failed');
      return undefined;
    }
    throw error;
  }
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
