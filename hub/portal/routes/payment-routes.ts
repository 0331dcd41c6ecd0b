import type Router from '@koa/router';
import type { Context } from 'koa';
import QRCode from 'qrcode';
import { formatDateIST, formatDateTimeIST, formatMoney } from '../../../infra/web/format.js';
import { intlLocale, type Locale } from '../../../infra/web/locale.js';
import { ApiProblem } from '../api/hub-api.js';
import type { PaymentView, ReceiptJson } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { queryParam } from '../http/forms.js';
import { localeOf, translatorOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import type { FieldError } from '../http/render.js';
import { feedbackOf } from './payment-feedback.js';
import { readScoreForm } from './score-form.js';
import { sessionOf, signedIn } from './signed-in.js';

/** What a payment id may look like before the hub is asked: letters, digits, _ and -, at most 64. */
export const PAYMENT_ID = /^[\w-]{1,64}$/;
/** Statuses after which nothing changes by itself (held waits for an operator: no point refreshing). */
const SETTLED = new Set(['completed', 'partially_refunded', 'refunded']);
const STOPPED = new Set(['failed', 'expired', 'cancelled', 'held', 'under_review']);
const UNPAID = new Set(['created', 'awaiting_payment']);
/** Payments that took no money: their lines were never sent to a biller. */
const NOT_TAKEN = new Set(['failed', 'expired']);
/** Line states before a biller was asked: on a payment that took no money, they are simply "not paid". */
const NOT_STARTED = new Set(['pending', 'posting']);

/**
 * Where a citizen whose payment took no money pays again: the demand's own page when every line
 * paid one payment demand, else their bills.
 */
function tryAgainHref(lines: readonly { demandReference?: string }[]): string {
  // Every line's demand (undefined for a utility bill's line): one demand and nothing else.
  const demands = new Set(lines.map((l) => l.demandReference));
  const [only] = demands;
  return demands.size === 1 && only ? `/demands/${encodeURIComponent(only)}` : '/dashboard';
}

/** Payment methods with their own words (receipt.methods.<method>); any other is "another method". */
const KNOWN_METHODS = new Set(['upi', 'card', 'netbanking', 'wallet']);
/** Seconds between refreshes of the status page, when the citizen asks for them (`?auto=1`). */
export const STATUS_REFRESH_SECONDS = 5;

/** The gateway's return, a payment's live status, its receipt as a page and as a PDF. */
export function paymentRoutes(router: Router, deps: PortalDeps): void {
  const { api, billers, pages } = deps;

  const paymentId = (value: unknown) => {
    const id = String(value ?? '');
    if (!PAYMENT_ID.test(id)) throw new PortalError(404, 'not_found', 'no such payment');
    return id;
  };

  router.get('/checkout/return', signedIn, (ctx) => {
    ctx.status = 303;
    ctx.redirect(`/payments/${encodeURIComponent(paymentId(queryParam(ctx, 'payment')))}`);
  });

  /**
   * The payment's status page; for a final payment also the feedback form (`feedbackForm` as typed,
   * with `errors`), or the feedback given.
   */
  const showPayment = async (
    ctx: Context,
    id: string,
    feedbackForm: { score: string; comment: string } = { score: '', comment: '' },
    errors: FieldError[] = [],
  ) => {
    const session = sessionOf(ctx);
    let { body: payment } = await api.citizen<PaymentView>(session, `/payments/${id}`);
    if (UNPAID.has(payment.status)) {
      // Back from the gateway before its webhook: ask it now rather than wait.
      payment = await api
        .citizen<PaymentView>(session, `/payments/${id}/sync`, { method: 'POST' })
        .then((answer) => answer.body)
        .catch(() => payment);
    }
    const settled = SETTLED.has(payment.status);
    const receiptReady = settled
      ? await api.citizen(session, `/payments/${id}/receipt`).then(
          () => true,
          (error: unknown) => {
            // Final a moment before the worker issues its receipt: 404 receipt_not_found, not ready yet.
            if ((error instanceof PortalError || error instanceof ApiProblem) && error.status === 404) return false;
            throw error;
          },
        )
      : false;
    const done = receiptReady || STOPPED.has(payment.status) || STOPPED.has(payment.displayStatus);
    // WCAG 2.2.1 (Timing Adjustable): the page never reloads itself unless the citizen turned
    // that on (`?auto=1`), and then it says so and offers to turn it off.
    const auto = !done && queryParam(ctx, 'auto') === '1';
    const locale = localeOf(ctx);
    const names = await billers.names();
    const notTaken = NOT_TAKEN.has(payment.status) || NOT_TAKEN.has(payment.displayStatus);
    await pages.render(
      ctx,
      'payment-status',
      {
        titleKey: 'payment.title',
        payment,
        statusKey: `status.${payment.displayStatus}`,
        total: formatMoney(payment.totalMinor, payment.currency, locale),
        lines: payment.lines.map((line) => ({
          ...line,
          billerName: names[line.billerId] ?? line.billerId,
          // A demand's reference is printed on its own SMS: not a secret consumer number.
          consumerMasked: line.demandReference ?? line.consumerMasked,
          amount: formatMoney(line.amountMinor, payment.currency, locale),
          // A payment that took no money never reached a biller: its lines are not paid, not "waiting".
          statusKey:
            notTaken && NOT_STARTED.has(line.displayStatus) ? 'lineStatus.notPaid' : `lineStatus.${line.displayStatus}`,
        })),
        notTaken: notTaken ? { tryAgain: tryAgainHref(payment.lines) } : undefined,
        refresh: auto ? STATUS_REFRESH_SECONDS : undefined,
        pending: !done,
        // In the page's own digits (Bengali digits in Bengali), as amounts and dates are.
        autoSeconds: new Intl.NumberFormat(intlLocale(locale)).format(STATUS_REFRESH_SECONDS),
        settled,
        receiptReady,
        feedback: settled ? await feedbackOf(ctx, deps, id, feedbackForm) : undefined,
        errors,
      },
      errors.length ? 400 : 200,
    );
  };

  router.get('/payments/:paymentId', signedIn, (ctx) => showPayment(ctx, paymentId(ctx.params.paymentId)));

  // Feedback on paying, once the payment is final: given once; a second time (another tab), or on a
  // payment not final after all, changes nothing and the page shows how it stands.
  router.post('/payments/:paymentId/feedback', signedIn, async (ctx) => {
    const id = paymentId(ctx.params.paymentId);
    const { form, input, errors } = readScoreForm(ctx, translatorOf(ctx));
    if (!input) return showPayment(ctx, id, form, errors);
    await api.giveFeedback(sessionOf(ctx), id, input);
    ctx.status = 303;
    ctx.redirect(`/payments/${encodeURIComponent(id)}#feedback`);
  });

  router.get('/payments/:paymentId/receipt', signedIn, async (ctx) => {
    const id = paymentId(ctx.params.paymentId);
    const { body: receipt } = await api.citizen<ReceiptJson>(sessionOf(ctx), `/payments/${id}/receipt`);
    await pages.render(ctx, 'receipt', {
      titleKey: 'receipt.title',
      ...(await receiptPage(receipt, localeOf(ctx))),
    });
  });

  router.get('/payments/:paymentId/receipt.pdf', signedIn, async (ctx) => {
    const id = paymentId(ctx.params.paymentId);
    const { body } = await api.citizen<Buffer>(sessionOf(ctx), `/payments/${id}/receipt.pdf`, { binary: true });
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Content-Disposition', `attachment; filename="receipt-${id}.pdf"`);
    ctx.type = 'application/pdf';
    ctx.body = body;
  });
}

type ReceiptDemandJson = NonNullable<ReceiptJson['lines'][number]['demand']>;

/**
 * A payment demand's facts on the receipt page: the title, the instalments paid (numbers, of how
 * many, due dates), the request's items with their taxes, and what was left to pay after it.
 */
function demandFacts(demand: ReceiptDemandJson, money: (minor: number) => string, locale: Locale) {
  const count = (n: number) => new Intl.NumberFormat(intlLocale(locale)).format(n);
  return {
    title: demand.title,
    reference: demand.reference,
    instalments: {
      numbers: demand.instalments.map((i) => count(i.number)).join(', '),
      count: count(demand.instalmentCount),
      dueDates: demand.instalments.map((i) => formatDateIST(i.dueDate, locale)).join(', '),
    },
    total: money(demand.totalMinor),
    items: demand.items.flatMap((item) => [
      { label: item.description, amount: money(item.amountMinor), tax: false },
      ...item.taxes.map((tax) => ({ label: tax.name, amount: money(tax.amountMinor), tax: true })),
    ]),
    remaining:
      demand.remaining.count > 0 && demand.remaining.nextDueDate
        ? {
            amount: money(demand.remaining.amountMinor),
            count: demand.remaining.count,
            countText: count(demand.remaining.count),
            date: formatDateIST(demand.remaining.nextDueDate, locale),
          }
        : undefined,
  };
}

/**
 * What the receipt page prints, from the API's ReceiptView (hub/receipts/receipt-view.ts):
 * amounts in rupees, times in IST, the verification link as an inline SVG QR code. Parts an
 * older receipt lacks (breakup, refunds, verifyUrl) are left out rather than failing the page.
 */
async function receiptPage(receipt: ReceiptJson, locale: Locale) {
  const money = (minor: number) => formatMoney(minor, receipt.currency, locale);
  return {
    receipt,
    method: receipt.method
      ? KNOWN_METHODS.has(receipt.method)
        ? { key: `receipt.methods.${receipt.method}`, values: {} }
        : { key: 'receipt.methods.unknown', values: { method: receipt.method } }
      : undefined,
    paidAt: formatDateTimeIST(receipt.paidAt, locale),
    issuedAt: formatDateTimeIST(receipt.issuedAt, locale),
    total: money(receipt.totalMinor),
    settled: money(receipt.settledMinor),
    refunded: receipt.refundedMinor > 0 ? money(receipt.refundedMinor) : undefined,
    lines: (receipt.lines ?? []).map((line) => ({
      ...line,
      amount: money(line.amountMinor),
      breakup: (line.breakup ?? []).map((item) => ({ label: item.label, amount: money(item.amountMinor) })),
      adjustment: line.adjustment
        ? { kind: line.adjustment.kind, amount: money(Math.abs(line.adjustment.amountMinor)) }
        : undefined,
      statusKey: `lineStatus.${line.status}`,
      // Only a settled line paid its instalments; a refunded one leaves "what is left" unsaid.
      settled: line.status === 'settled',
      demand: line.demand ? demandFacts(line.demand, money, locale) : undefined,
    })),
    refunds: (receipt.refunds ?? []).map((refund) => ({
      ...refund,
      amount: money(refund.amountMinor),
      at: refund.at ? formatDateTimeIST(refund.at, locale) : undefined,
    })),
    // No script and no external image: the QR code is inline SVG.
    qrSvg: receipt.verifyUrl
      ? await QRCode.toString(receipt.verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      : undefined,
  };
}
