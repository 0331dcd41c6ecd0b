import type Router from '@koa/router';
import type { Context } from 'koa';
import { formatMoney } from '../../../infra/web/format.js';
import type { Locale } from '../../../infra/web/locale.js';
import { normaliseTransactionId, normaliseWalletNumber } from '../../wallet/wallet-input.js';
import { ApiProblem } from '../api/hub-api.js';
import type { CitizenDemand, WalletPaymentAnswer } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { field, queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { startCheckout } from './checkout-start.js';
import { demandPage } from './demand-page.js';
import { newAttempt } from './idempotency.js';
import { sessionOf, signedIn } from './signed-in.js';

/** What a reference may look like as typed (`DM-7K2QX-9ZT4M-R`, any case, spaces): anything else is no demand. */
const REFERENCE = /^[A-Za-z0-9 -]{1,40}$/;
/** A payment id in the wallet-settled return link (the API's ids are word characters and hyphens). */
const PAYMENT_ID = /^[\w-]{1,64}$/;
/** Wallet refusals (API code wallet_<reason>) with their own words, and the field each is about. */
const WALLET_REFUSALS: Record<string, 'walletNumber' | 'transactionId'> = {
  wallet_already_used: 'transactionId',
  wallet_in_use: 'transactionId',
  wallet_not_found: 'transactionId',
  wallet_wallet_mismatch: 'walletNumber',
  wallet_payee_mismatch: 'transactionId',
  wallet_amount_mismatch: 'transactionId',
  wallet_not_payable: 'transactionId',
  wallet_out_of_order: 'transactionId',
};

/** What the demand page shows besides the demand: form errors, what was typed, the wallet's answer. */
interface Shown {
  errors?: FieldError[];
  status?: number;
  wallet?: { walletNumber: string; transactionId: string };
  walletVerifying?: boolean;
}

/**
 * A payment demand's page (`/demands/{reference}`, the pay link of the demand_received SMS and
 * email, hub/api/routes/demand-notice.ts), paying it (the same checkout as the dashboard's), and
 * recording a transfer already made from a mobile wallet. Sign-in required: a signed-out visitor is
 * sent to the idp and comes back to this page (errorPages' returnTo). A reference that is unknown,
 * malformed or someone else's is the same 404 page, which does not say whether it exists.
 */
export function demandRoutes(router: Router, deps: PortalDeps): void {
  const { api, pages } = deps;

  /** The demand, or undefined for the 404 page. */
  const load = async (ctx: Context, typed: string): Promise<CitizenDemand | undefined> => {
    if (!REFERENCE.test(typed)) return undefined;
    try {
      const { body } = await api.citizen<CitizenDemand>(sessionOf(ctx), `/dues/demands/${encodeURIComponent(typed)}`);
      return body;
    } catch (error) {
      if ((error instanceof PortalError || error instanceof ApiProblem) && error.status === 404) return undefined;
      throw error;
    }
  };

  const notFound = (ctx: Context) => pages.render(ctx, 'demand-not-found', { titleKey: 'demand.notFound.title' }, 404);

  const show = async (ctx: Context, typed: string, shown: Shown = {}, loaded?: CitizenDemand) => {
    const data = loaded ?? (await load(ctx, typed));
    if (!data) return notFound(ctx);
    const t = translatorOf(ctx);
    const page = demandPage(data, t, localeOf(ctx));
    // Without a wallet the hub has no route to record a transfer: no form to offer.
    if (!deps.options.walletPayments) page.walletOpen = false;
    const walletSettled = await settledByWallet(ctx);
    await pages.render(
      ctx,
      'demand',
      {
        titleKey: 'demand.title',
        titleValues: { title: page.title },
        demand: page,
        // govukRadios' items: one per amount option, the first chosen.
        radioItems: (page.pay?.choices ?? []).map((choice, index) => ({
          value: choice.code,
          text: `${choice.label}: ${choice.amount}`,
          ...(choice.hint ? { hint: { text: choice.hint } } : {}),
          checked: index === 0,
          attributes: { 'data-testid': `demand-option-${choice.code}` },
        })),
        attempt: newAttempt(),
        errors: shown.errors ?? [],
        wallet: shown.wallet ?? { walletNumber: '', transactionId: '' },
        walletVerifying: shown.walletVerifying ?? false,
        walletSettled,
      },
      shown.status ?? 200,
    );
  };

  /**
   * The wallet payment named by the return link (`?wallet=settled&payment=`), only when it is the
   * citizen's own with a receipt: a crafted link cannot make the page claim a payment was recorded.
   */
  const settledByWallet = async (ctx: Context): Promise<string | undefined> => {
    const id = queryParam(ctx, 'payment');
    if (queryParam(ctx, 'wallet') !== 'settled' || !PAYMENT_ID.test(id)) return undefined;
    return api.citizen(sessionOf(ctx), `/payments/${encodeURIComponent(id)}/receipt`).then(
      () => id,
      (error: unknown) => {
        if ((error instanceof PortalError || error instanceof ApiProblem) && error.status === 404) return undefined;
        throw error;
      },
    );
  };

  router.get('/demands/:reference', signedIn, (ctx) => show(ctx, String(ctx.params.reference)));

  router.post('/demands/:reference/pay', signedIn, async (ctx) => {
    const typed = String(ctx.params.reference);
    const t = translatorOf(ctx);
    const data = await load(ctx, typed);
    if (!data) return notFound(ctx);
    const due = data.due;
    const open = data.demand.status === 'open' || data.demand.status === 'partly_paid';
    if (!open || !due?.checkoutLine || due.paid) {
      return show(
        ctx,
        typed,
        { errors: [{ field: 'demand-state', text: t('demand.errors.notPayable') }], status: 409 },
        data,
      );
    }
    let line = due.checkoutLine;
    const options = due.bill?.amountOptions ?? [];
    if (options.length > 0) {
      const chosen = options.find((option) => option.code === field(ctx, 'option'));
      if (!chosen) {
        return show(
          ctx,
          typed,
          { errors: [{ field: 'option', text: t('demand.errors.chooseOption') }], status: 400 },
          data,
        );
      }
      line = { ...line, amountMinor: chosen.amountMinor };
    }
    const refused = await startCheckout(ctx, deps, [line]);
    if (!refused) return;
    await show(ctx, typed, {
      errors: [{ field: 'pay-demand', text: t(`pay.errors.${refused.code}`) }],
      status: refused.status,
    });
  });

  router.post('/demands/:reference/wallet-payments', signedIn, async (ctx) => {
    const typed = String(ctx.params.reference);
    if (!deps.options.walletPayments) throw new PortalError(404, 'not_found', 'the hub records no wallet transfers');
    const t = translatorOf(ctx);
    const typedIn = {
      walletNumber: field(ctx, 'walletNumber').trim(),
      transactionId: field(ctx, 'transactionId').trim(),
    };
    if (!REFERENCE.test(typed)) return notFound(ctx);
    const errors: FieldError[] = [];
    if (!normaliseWalletNumber(typedIn.walletNumber)) {
      errors.push({
        field: 'walletNumber',
        text: t(
          typedIn.walletNumber
            ? 'demand.wallet.errors.walletNumberInvalid'
            : 'demand.wallet.errors.walletNumberMissing',
        ),
      });
    }
    if (!normaliseTransactionId(typedIn.transactionId)) {
      errors.push({
        field: 'transactionId',
        text: t(
          typedIn.transactionId
            ? 'demand.wallet.errors.transactionIdInvalid'
            : 'demand.wallet.errors.transactionIdMissing',
        ),
      });
    }
    if (errors.length) return show(ctx, typed, { errors, status: 400, wallet: typedIn });
    let answer: WalletPaymentAnswer;
    try {
      ({ body: answer } = await api.citizen<WalletPaymentAnswer>(
        sessionOf(ctx),
        `/demands/${encodeURIComponent(typed)}/wallet-payments`,
        { method: 'POST', body: typedIn },
      ));
    } catch (error) {
      if (error instanceof PortalError && error.status === 404) {
        // No such demand of mine, or (the demand reads fine) no wallet route on the hub: not a missing page.
        const data = await load(ctx, typed);
        if (!data) return notFound(ctx);
        const text = t('demand.wallet.errors.unavailable');
        return show(ctx, typed, { errors: [{ field: 'transactionId', text }], status: 503, wallet: typedIn }, data);
      }
      const refusal = walletRefusal(error, t, localeOf(ctx));
      if (!refusal) throw error;
      return show(ctx, typed, { errors: [refusal.error], status: refusal.status, wallet: typedIn });
    }
    if (answer.status === 'settled' && answer.paymentId) {
      ctx.status = 303;
      ctx.redirect(
        `/demands/${encodeURIComponent(typed)}?wallet=settled&payment=${encodeURIComponent(answer.paymentId)}`,
      );
      return;
    }
    // The wallet did not answer clearly: nothing recorded; the same details again ask it again.
    await show(ctx, typed, { wallet: typedIn, walletVerifying: true });
  });
}

/** An API refusal of a wallet transfer as a field error in words, or undefined for errors the page does not handle. */
function walletRefusal(
  error: unknown,
  t: ReturnType<typeof translatorOf>,
  locale: Locale,
): { error: FieldError; status: number } | undefined {
  if (error instanceof PortalError && error.status === 503) {
    return { error: { field: 'transactionId', text: t('demand.wallet.errors.unavailable') }, status: 503 };
  }
  if (!(error instanceof ApiProblem)) return undefined;
  const fieldOf = WALLET_REFUSALS[error.code];
  if (fieldOf) {
    const expected = error.body.expectedMinor;
    const amount =
      typeof expected === 'number' && Number.isSafeInteger(expected) ? formatMoney(expected, 'INR', locale) : undefined;
    const key =
      error.code === 'wallet_amount_mismatch' && amount
        ? 'demand.wallet.errors.wallet_amount_mismatch_expected'
        : `demand.wallet.errors.${error.code}`;
    return { error: { field: fieldOf, text: t(key, { amount }) }, status: error.status };
  }
  if (error.status === 400) {
    const fields = Array.isArray(error.body.fields) ? (error.body.fields as unknown[]) : [];
    const wallet = fields.includes('walletNumber');
    return {
      error: wallet
        ? { field: 'walletNumber', text: t('demand.wallet.errors.walletNumberInvalid') }
        : { field: 'transactionId', text: t('demand.wallet.errors.transactionIdInvalid') },
      status: 400,
    };
  }
  return { error: { field: 'transactionId', text: t('demand.wallet.errors.generic') }, status: error.status };
}
