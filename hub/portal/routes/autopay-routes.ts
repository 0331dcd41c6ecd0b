import type Router from '@koa/router';
import type { Context } from 'koa';
import { decimalToMinor } from '../../../adapters/sdk/index.js';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';
import { ApiProblem } from '../api/hub-api.js';
import type { SavedAccount } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, queryParam } from '../http/forms.js';
import { translatorOf } from '../http/locale.js';
import type { FieldError } from '../http/render.js';
import { sessionOf, signedIn } from './signed-in.js';

/** One debit as GET /api/v1/autopay shows it. */
interface ChargeAnswer {
  id: string;
  billNumberMasked: string;
  amountMinor: number;
  currency: string;
  status: string;
  chargeAt: string;
}

/** One autopay as GET /api/v1/autopay shows it. */
interface AutopayAnswer {
  id: string;
  accountId: string;
  status: string;
  limitMinor: number;
  currency: string;
  approvalUrl?: string;
  charges: ChargeAnswer[];
}

const LIVE = ['pending_approval', 'active', 'paused'];
const ACTIONS = ['pause', 'resume', 'cancel'] as const;
const NOTICES = ['active', 'failed', 'pending_approval', 'pause', 'resume', 'cancel'];

/**
 * The citizen's autopay pages: GET /autopay (each autopay's status, limit and recent debits, with
 * pause, resume and cancel buttons, and a form to turn autopay on for a saved account), POST
 * /autopay (then on to the gateway's approval page), GET /autopay/return (back from it), and
 * POST /autopay/:id/{pause,resume,cancel}. Every call goes through the hub API.
 */
export function autopayRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  const show = async (ctx: Context, form: { accountId?: string; limit?: string } = {}, errors: FieldError[] = []) => {
    const locale = ctx.state.locale as Locale;
    const session = sessionOf(ctx);
    const [autopay, accounts] = await Promise.all([
      api.citizen<{ autopays: AutopayAnswer[]; maxLimitMinor: number }>(session, '/autopay'),
      api.citizen<{ accounts: SavedAccount[] }>(session, '/accounts'),
    ]);
    const byId = new Map(accounts.body.accounts.map((account) => [account.id, account]));
    const money = (minor: number, currency = 'INR') => formatMoney(minor, currency, locale);
    const rows = await Promise.all(
      autopay.body.autopays.map(async (item) => {
        const account = byId.get(item.accountId);
        const biller = account ? await billers.get(account.billerId) : undefined;
        return {
          ...item,
          name: account?.nickname ?? item.accountId,
          billerName: biller?.name ?? '',
          consumerMasked: account?.consumerMasked ?? '',
          limit: money(item.limitMinor, item.currency),
          live: LIVE.includes(item.status),
          charges: item.charges.slice(0, 5).map((charge) => ({
            ...charge,
            amount: money(charge.amountMinor, charge.currency),
            on: formatDateIST(charge.chargeAt, locale),
          })),
        };
      }),
    );
    const taken = new Set(rows.filter((row) => row.live).map((row) => row.accountId));
    const notice = queryParam(ctx, 'notice');
    await pages.render(
      ctx,
      'autopay',
      {
        titleKey: 'autopay.title',
        rows,
        accounts: accounts.body.accounts.filter((account) => !taken.has(account.id)),
        maxLimit: money(autopay.body.maxLimitMinor),
        form,
        notice: NOTICES.includes(notice) ? notice : '',
        errors,
      },
      errors.length ? 400 : 200,
    );
  };

  router.get('/autopay', signedIn, (ctx) => show(ctx));

  router.post('/autopay', signedIn, async (ctx) => {
    const t = translatorOf(ctx);
    const accountId = field(ctx, 'accountId');
    const limit = field(ctx, 'limit').trim();
    const limitMinor = decimalToMinor(limit.replaceAll(',', ''));
    const errors: FieldError[] = [];
    if (!accountId) errors.push({ field: 'accountId', text: t('autopay.errors.account') });
    if (limitMinor === undefined || limitMinor <= 0) errors.push({ field: 'limit', text: t('autopay.errors.limit') });
    if (errors.length || limitMinor === undefined) return show(ctx, { accountId, limit }, errors);
    try {
      const { body } = await api.citizen<AutopayAnswer>(sessionOf(ctx), '/autopay', {
        method: 'POST',
        body: { accountId, limitMinor },
      });
      // On to the gateway's hosted page, where the citizen approves the mandate.
      ctx.status = 303;
      ctx.redirect(body.approvalUrl ?? '/autopay?notice=pending_approval');
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const key =
        error.code === 'limit_not_allowed'
          ? 'autopay.errors.tooHigh'
          : error.code === 'autopay_exists'
            ? 'autopay.errors.exists'
            : 'autopay.errors.account';
      return show(ctx, { accountId, limit }, [
        { field: key === 'autopay.errors.tooHigh' ? 'limit' : 'accountId', text: t(key) },
      ]);
    }
  });

  // Back from the gateway's approval page: the hub asks the gateway what the citizen decided.
  router.get('/autopay/return', signedIn, async (ctx) => {
    const id = queryParam(ctx, 'autopay');
    if (!/^AUT[0-9A-F]{20}$/.test(id)) {
      ctx.status = 303;
      ctx.redirect('/autopay');
      return;
    }
    const { body } = await api.citizen<AutopayAnswer>(sessionOf(ctx), `/autopay/${id}/confirm`, { method: 'POST' });
    ctx.status = 303;
    ctx.redirect(`/autopay?notice=${encodeURIComponent(body.status)}`);
  });

  router.post('/autopay/:autopayId/:action', signedIn, async (ctx) => {
    const action = String(ctx.params.action);
    const id = String(ctx.params.autopayId);
    if (!(ACTIONS as readonly string[]).includes(action) || !/^AUT[0-9A-F]{20}$/.test(id)) {
      ctx.status = 404;
      return;
    }
    try {
      await api.citizen(sessionOf(ctx), `/autopay/${id}/${action}`, { method: 'POST' });
    } catch (error) {
      // Already paused, resumed or ended (a second click, another tab): the page shows how it stands.
      if (!(error instanceof ApiProblem) || error.status !== 409) throw error;
    }
    ctx.status = 303;
    ctx.redirect(`/autopay?notice=${action}`);
  });
}
