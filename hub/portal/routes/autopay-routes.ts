import type Router from '@koa/router';
import type { Context } from 'koa';
import { formatDateIST, formatMoney } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';
import { ApiProblem } from '../api/hub-api.js';
import type { SavedAccount } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, queryParam } from '../http/forms.js';
import { translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import {
  ACCOUNT_ID,
  AUTOPAY_ID,
  type AutopayAnswer,
  type AutopayList,
  chargeRows,
  LIVE_STATUSES,
  readLimit,
} from './autopay-view.js';
import { sessionOf, signedIn } from './signed-in.js';

const ACTIONS = ['pause', 'resume', 'cancel'] as const;
const NOTICES = ['active', 'failed', 'pending_approval', 'pause', 'resume', 'cancel'];
/** Why an autopay ended, in words of its own (hub/autopay autopay-service.ts reasons); others get none. */
const END_REASONS = [
  'declined',
  'expired',
  'mandate_not_created',
  'account_removed',
  'mandate_revoked',
  'mandate_expired',
];

/** A form problem: the field it is about and its catalog key, worded once the highest limit is known. */
interface FormProblem {
  field: 'accountId' | 'limit';
  key: string;
}

/**
 * The citizen's autopay pages: GET /autopay (each autopay's status, limit and recent debits in
 * words, with pause, resume and cancel, and a form to turn autopay on for a saved account,
 * `?account=<id>` chosen in it), POST /autopay (then on to the gateway's approval page), GET
 * /autopay/return (back from it), GET /autopay/:id/cancel (what cancelling does, then the POST),
 * and POST /autopay/:id/{pause,resume,cancel}. Every call goes through the hub API.
 */
export function autopayRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  const show = async (
    ctx: Context,
    form: { accountId?: string; limit?: string } = {},
    problems: FormProblem[] = [],
  ) => {
    const locale = ctx.state.locale as Locale;
    const t = translatorOf(ctx);
    const session = sessionOf(ctx);
    const [autopay, accounts, names] = await Promise.all([
      api.citizen<AutopayList>(session, '/autopay'),
      api.citizen<{ accounts: SavedAccount[] }>(session, '/accounts'),
      billers.names(),
    ]);
    const byId = new Map(accounts.body.accounts.map((account) => [account.id, account]));
    const money = (minor: number, currency = 'INR') => formatMoney(minor, currency, locale);
    const maxLimit = money(autopay.body.maxLimitMinor);
    const rows = autopay.body.autopays.map((item) => {
      const account = byId.get(item.accountId);
      const words = account ? accountWords(account, names) : { label: t('autopay.removedAccount'), detail: '' };
      return {
        id: item.id,
        status: item.status,
        approvalUrl: item.approvalUrl,
        name: words.label,
        detail: words.detail,
        limit: money(item.limitMinor, item.currency),
        validUntil: item.validUntil && item.status !== 'failed' ? formatDateIST(item.validUntil, locale) : '',
        endReason:
          item.reason && !LIVE_STATUSES.includes(item.status) && END_REASONS.includes(item.reason)
            ? t(`autopay.endReasons.${item.reason}`)
            : '',
        live: LIVE_STATUSES.includes(item.status),
        charges: chargeRows(item.charges, item.limitMinor, t, locale, 5, item.status),
      };
    });
    const taken = new Set(
      autopay.body.autopays.filter((a) => LIVE_STATUSES.includes(a.status)).map((a) => a.accountId),
    );
    const free = accounts.body.accounts.filter((account) => !taken.has(account.id));
    const chosen = form.accountId ?? queryParam(ctx, 'account');
    const notice = queryParam(ctx, 'notice');
    await pages.render(
      ctx,
      'autopay',
      {
        titleKey: 'autopay.title',
        // Live ones first (what the citizen manages), then ended ones (history).
        rows: [...rows.filter((row) => row.live), ...rows.filter((row) => !row.live)],
        // Radios rather than a select: a long biller name wraps instead of hiding the consumer number.
        accounts: free.map((account) => ({
          id: account.id,
          ...accountWords(account, names),
          selected: account.id === chosen || free.length === 1,
        })),
        anyAccounts: accounts.body.accounts.length > 0,
        maxLimit,
        form,
        notice: NOTICES.includes(notice) ? notice : '',
        errors: problems.map((problem) => ({ field: problem.field, text: t(problem.key, { max: maxLimit }) })),
      },
      problems.length ? 400 : 200,
    );
  };

  router.get('/autopay', signedIn, (ctx) => show(ctx));

  router.post('/autopay', signedIn, async (ctx) => {
    const accountId = field(ctx, 'accountId');
    const limit = field(ctx, 'limit').trim();
    const reading = readLimit(limit);
    const problems: FormProblem[] = [];
    if (!ACCOUNT_ID.test(accountId)) problems.push({ field: 'accountId', key: 'autopay.errors.account' });
    if ('problem' in reading) problems.push({ field: 'limit', key: `autopay.errors.limit_${reading.problem}` });
    if (problems.length || !('minor' in reading)) return show(ctx, { accountId, limit }, problems);
    try {
      const { body } = await api.citizen<AutopayAnswer>(sessionOf(ctx), '/autopay', {
        method: 'POST',
        body: { accountId, limitMinor: reading.minor },
      });
      // On to the gateway's hosted page, where the citizen approves the mandate.
      ctx.status = 303;
      ctx.redirect(body.approvalUrl ?? '/autopay?notice=pending_approval');
    } catch (error) {
      return show(ctx, { accountId, limit }, [turnOnProblem(error)]);
    }
  });

  // Back from the gateway's approval page: the hub asks the gateway what the citizen decided.
  router.get('/autopay/return', signedIn, async (ctx) => {
    const id = queryParam(ctx, 'autopay');
    if (!AUTOPAY_ID.test(id)) {
      ctx.status = 303;
      ctx.redirect('/autopay');
      return;
    }
    const { body } = await api.citizen<AutopayAnswer>(sessionOf(ctx), `/autopay/${id}/confirm`, { method: 'POST' });
    ctx.status = 303;
    ctx.redirect(`/autopay?notice=${encodeURIComponent(body.status)}`);
  });

  // The question before a cancel (as the idp's connected services ask before a revoke).
  router.get('/autopay/:autopayId/cancel', signedIn, async (ctx) => {
    const id = String(ctx.params.autopayId);
    if (!AUTOPAY_ID.test(id)) throw new PortalError(404, 'not_found', 'not an autopay id');
    const locale = ctx.state.locale as Locale;
    const t = translatorOf(ctx);
    const session = sessionOf(ctx);
    const [{ body: autopay }, accounts, names] = await Promise.all([
      api.citizen<AutopayAnswer>(session, `/autopay/${id}`),
      api.citizen<{ accounts: SavedAccount[] }>(session, '/accounts'),
      billers.names(),
    ]);
    if (!LIVE_STATUSES.includes(autopay.status)) {
      // Ended already (another tab): nothing to cancel; the autopay page says how it stands.
      ctx.status = 303;
      ctx.redirect('/autopay');
      return;
    }
    const account = accounts.body.accounts.find((candidate) => candidate.id === autopay.accountId);
    const words = account ? accountWords(account, names) : { label: t('autopay.removedAccount'), detail: '' };
    const waiting = chargeRows(
      autopay.charges.filter((charge) => charge.status === 'scheduled'),
      autopay.limitMinor,
      t,
      locale,
      50,
    );
    const inFlight = autopay.charges.some((charge) => charge.status === 'charging' || charge.status === 'unknown');
    await pages.render(ctx, 'autopay-cancel', {
      titleKey: 'autopay.cancel.title',
      autopay: {
        id: autopay.id,
        status: autopay.status,
        limit: formatMoney(autopay.limitMinor, autopay.currency, locale),
      },
      words,
      waiting,
      inFlight,
    });
  });

  router.post('/autopay/:autopayId/:action', signedIn, async (ctx) => {
    const action = String(ctx.params.action);
    const id = String(ctx.params.autopayId);
    if (!(ACTIONS as readonly string[]).includes(action) || !AUTOPAY_ID.test(id)) {
      throw new PortalError(404, 'not_found', 'no such autopay action');
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

/**
 * A saved account in words: its nickname as the label, and the biller (unless the nickname is the
 * biller's name already, as it is by default) with the masked consumer number as the detail.
 */
function accountWords(account: SavedAccount, names: Record<string, string>): { label: string; detail: string } {
  const biller = names[account.billerId] ?? account.billerId;
  const label = account.nickname || biller;
  return { label, detail: label === biller ? account.consumerMasked : `${biller}, ${account.consumerMasked}` };
}

/**
 * What the hub's refusal of POST /autopay means for the form (hub/api/routes/autopay-routes.ts):
 * 422 limit_not_allowed → over the highest limit; 409 autopay_exists → the account has one live;
 * 404 → not a saved account of the citizen's (removed meanwhile); 503 → the gateway or the hub is
 * not answering, try again. Anything else is thrown for the error page.
 */
function turnOnProblem(error: unknown): FormProblem {
  if (error instanceof ApiProblem) {
    if (error.code === 'limit_not_allowed') return { field: 'limit', key: 'autopay.errors.limit_tooHigh' };
    if (error.code === 'autopay_exists') return { field: 'accountId', key: 'autopay.errors.exists' };
    if (error.status === 404) return { field: 'accountId', key: 'autopay.errors.account' };
  }
  if (error instanceof PortalError && error.status === 404)
    return { field: 'accountId', key: 'autopay.errors.account' };
  if (error instanceof PortalError && error.status === 503)
    return { field: 'accountId', key: 'autopay.errors.unavailable' };
  throw error;
}
