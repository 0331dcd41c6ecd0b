import type Router from '@koa/router';
import QRCode from 'qrcode';
import { formatDateTimeIST, formatMoney } from '../../../infra/web/format.js';
import type { PaymentView, ReceiptJson } from '../api/types.js';
import type { PortalDeps } from '../deps.js';
import { queryParam } from '../http/forms.js';
import { localeOf } from '../http/locale.js';
import { PortalError } from '../http/portal-error.js';
import { sessionOf, signedIn } from './signed-in.js';

const PAYMENT_ID = /^[\w-]{1,64}$/;
/** Statuses after which nothing changes by itself (held waits for an operator: no point refreshing). */
const SETTLED = new Set(['completed', 'partially_refunded', 'refunded']);
const STOPPED = new Set(['failed', 'expired', 'cancelled', 'held', 'under_review']);
const UNPAID = new Set(['created', 'awaiting_payment']);
/** Seconds between refreshes of the status page. */
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

  router.get('/payments/:paymentId', signedIn, async (ctx) => {
    const session = sessionOf(ctx);
    const id = paymentId(ctx.params.paymentId);
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
            if (error instanceof PortalError && error.status === 404) return false;
            throw error;
          },
        )
      : false;
    const done = receiptReady || STOPPED.has(payment.status) || STOPPED.has(payment.displayStatus);
    const locale = localeOf(ctx);
    const names = await billers.names();
    await pages.render(ctx, 'payment-status', {
      titleKey: 'payment.title',
      payment,
      statusKey: `status.${payment.displayStatus}`,
      total: formatMoney(payment.totalMinor, payment.currency, locale),
      lines: payment.lines.map((line) => ({
        ...line,
        billerName: names[line.billerId] ?? line.billerId,
        amount: formatMoney(line.amountMinor, payment.currency, locale),
        statusKey: `lineStatus.${line.displayStatus}`,
      })),
      refresh: done ? undefined : STATUS_REFRESH_SECONDS,
      settled,
      receiptReady,
    });
  });

  router.get('/payments/:paymentId/receipt', signedIn, async (ctx) => {
    const id = paymentId(ctx.params.paymentId);
    const { body: receipt } = await api.citizen<ReceiptJson>(sessionOf(ctx), `/payments/${id}/receipt`);
    const locale = localeOf(ctx);
    const money = (minor: number) => formatMoney(minor, receipt.currency, locale);
    await pages.render(ctx, 'receipt', {
      titleKey: 'receipt.title',
      receipt,
      paidAt: formatDateTimeIST(receipt.paidAt, locale),
      issuedAt: formatDateTimeIST(receipt.issuedAt, locale),
      total: money(receipt.totalMinor),
      settled: money(receipt.settledMinor),
      refunded: receipt.refundedMinor > 0 ? money(receipt.refundedMinor) : undefined,
      lines: receipt.lines.map((line) => ({
        ...line,
        amount: money(line.amountMinor),
        breakup: line.breakup.map((item) => ({ label: item.label, amount: money(item.amountMinor) })),
        adjustment: line.adjustment
          ? { kind: line.adjustment.kind, amount: money(Math.abs(line.adjustment.amountMinor)) }
          : undefined,
        statusKey: `lineStatus.${line.status}`,
      })),
      refunds: receipt.refunds.map((refund) => ({
        ...refund,
        amount: money(refund.amountMinor),
        at: refund.at ? formatDateTimeIST(refund.at, locale) : undefined,
      })),
      // An inline SVG QR code (no script, no external image) of the public verification link.
      qrSvg: await QRCode.toString(receipt.verifyUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
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
