import type { Payment } from '../payments/payment-model.js';
import type { LineChangeHook, LineNews } from '../settlement/deps.js';
import type { PaymentConfirmed, PaymentFailed, PaymentUnknown, RefundCompleted, RefundStarted } from './events.js';
import type { Notifications } from './notifications.js';

const DAY_MS = 24 * 3600_000;

/**
 * How long after a line turns unknown the citizen is promised an answer: status enquiries go on
 * for `enquiryGiveUpMs` (hub/settlement/enquiry.ts), and the daily reconciliation, which compares
 * the biller's collection file, runs within a day after that.
 */
export const confirmWithinMs = (options: { enquiryGiveUpMs: number }): number => options.enquiryGiveUpMs + DAY_MS;

/** The message of a line's change (LineNews), for the citizen who made the payment; null for a line not in it. */
export function lineEvent(
  payment: Payment,
  lineId: string,
  news: LineNews,
  context: { billerName: (billerId: string) => string; confirmWithinMs: number; now?: Date },
): PaymentUnknown | RefundStarted | RefundCompleted | null {
  const line = payment.lines.find((l) => l._id === lineId);
  if (!line) return null;
  const common = {
    citizenSub: payment.citizenSub,
    paymentId: payment._id,
    lineId,
    billerName: context.billerName(line.billerId),
    amountMinor: line.amountMinor,
    currency: payment.currency,
  };
  if (news === 'unknown') {
    const now = context.now ?? new Date();
    return { kind: 'payment_unknown', ...common, confirmBy: new Date(now.getTime() + context.confirmWithinMs) };
  }
  return { kind: news === 'refunded' ? 'refund_completed' : 'refund_started', ...common };
}

/** The confirmation of a final payment, once its receipt is issued. */
export function paymentConfirmedEvent(
  payment: Payment,
  receipt: { _id: string; status: string },
  verifyUrl?: string,
): PaymentConfirmed {
  const outcome = (['completed', 'partially_refunded', 'refunded'] as const).find((s) => s === receipt.status);
  if (!outcome) throw new Error(`receipt ${receipt._id} has no final status (${receipt.status})`);
  return {
    kind: 'payment_confirmed',
    citizenSub: payment.citizenSub,
    paymentId: payment._id,
    receiptId: receipt._id,
    outcome,
    amountMinor: payment.totalMinor,
    currency: payment.currency,
    ...(verifyUrl ? { verifyUrl } : {}),
  };
}

/** The gateway turned the payment down: nothing was taken. */
export function paymentFailedEvent(payment: Payment): PaymentFailed {
  return {
    kind: 'payment_failed',
    citizenSub: payment.citizenSub,
    paymentId: payment._id,
    amountMinor: payment.totalMinor,
    currency: payment.currency,
  };
}

/**
 * Settlement's line hook (SettlementDeps.onLineChange) that tells the citizen: a line turning
 * unknown, or its refund starting or completing. `billerName` names a line's biller for the message.
 */
export function notifyLineChanges(
  notifications: Pick<Notifications, 'notify'>,
  context: { billerName: (billerId: string) => string; confirmWithinMs: number },
): LineChangeHook {
  return async (payment, lineId, news) => {
    const event = lineEvent(payment, lineId, news, context);
    if (event) await notifications.notify(event);
  };
}
