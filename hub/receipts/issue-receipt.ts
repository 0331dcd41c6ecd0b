import { chooseChannels } from '../notifications/channels.js';
import type { Notifications } from '../notifications/notifications.js';
import { lineEvent, paymentConfirmedEvent } from '../notifications/payment-events.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { FINAL_PAYMENT_STATUSES } from '../payments/state-machine.js';
import type { SettlementLog } from '../settlement/deps.js';
import { addOnce, ISSUE_RECEIPT, type SettlementQueue } from '../settlement/queue.js';
import type { ReceiptService } from './receipt-service.js';

export interface IssueReceiptDeps {
  payments: PaymentStore;
  receipts: Pick<ReceiptService, 'issue'> & Partial<Pick<ReceiptService, 'verifyUrlOf'>>;
  /**
   * Sends the payment's confirmation (hub/notifications): channels, language and delivery records
   * are its. With `recorded`, a payment refunded in full whose every line's refund was already told
   * gets no third message about the same refund (see toldByRefunds).
   */
  notifications: Pick<Notifications, 'notify'> & Partial<Pick<Notifications, 'recorded'>>;
  log: SettlementLog;
}

/** How an issue-receipt run ended; a failure (receipt store, notifications) throws, and BullMQ retries the job. */
export type IssueReceiptOutcome =
  | 'no_payment'
  | 'not_final'
  | 'already_notified'
  | 'no_contact'
  | 'notified'
  | 'told_by_refunds';

/**
 * A payment refunded in full (nothing reached a biller) whose every line's `refund_completed` was
 * already recorded: the citizen has been told, with a link to the payment and its receipt, so the
 * confirmation would be a third message about the same refund (a demand cancelled during checkout
 * sent "refund started", "refunded" and "could not be paid" in the same second).
 */
async function toldByRefunds(
  notifications: IssueReceiptDeps['notifications'],
  payment: Payment,
  status: string,
): Promise<boolean> {
  if (status !== 'refunded' || !notifications.recorded || payment.lines.length === 0) return false;
  for (const line of payment.lines) {
    const event = lineEvent(payment, line._id, 'refunded', { billerName: (id) => id, confirmWithinMs: 0 });
    if (!event || !(await notifications.recorded(event))) return false;
  }
  return true;
}

/** Where a receipt's message goes: the citizen's chosen channels among their contacts (see chooseChannels). */
export const receiptChannels = chooseChannels;

/**
 * The issue-receipt job: issues the receipt of a final payment (idempotent: one receipt per
 * payment), tells the citizen (the `payment_confirmed` notification, in their language, on their
 * chosen channels, its email with the receipt's verification link), then records
 * `receipt.{receiptId, issuedAt, notifiedAt}` on the payment in one conditional update that happens
 * once. The notification is keyed on the receipt, so a retried or repeated job records and sends
 * each message once. A payment refunded in full whose refunds were each
 * told already gets no confirmation on top (toldByRefunds). A citizen with no contact is recorded as notified
 * (nobody to tell): the receipt stays on their payment page.
 */
export async function issueReceipt(deps: IssueReceiptDeps, paymentId: string): Promise<IssueReceiptOutcome> {
  const payment = await deps.payments.findById(paymentId);
  if (!payment) return 'no_payment';
  if (!FINAL_PAYMENT_STATUSES.some((s) => s === payment.status)) return 'not_final';
  if (payment.receipt?.notifiedAt) return 'already_notified';
  const receipt = await deps.receipts.issue(payment);
  if (!receipt) throw new Error(`receipt of ${paymentId} was not issued`);
  // The email carries the receipt's verification link (too long for an SMS).
  const verifyUrl = await deps.receipts.verifyUrlOf?.(receipt);
  // The receipt and its message are recorded on the payment in one write, after the message: a
  // crash before it leaves both unrecorded, and the retry (or the catch-up) finds the same receipt
  // and the same keyed message, so nothing is issued or sent twice.
  const record = () => deps.payments.recordReceipt(paymentId, receipt._id, receipt.issuedAt, new Date());
  if (await toldByRefunds(deps.notifications, payment, receipt.status)) {
    await record();
    return 'told_by_refunds';
  }
  const told = await deps.notifications.notify(paymentConfirmedEvent(payment, receipt, verifyUrl));
  await record();
  if (told.channels.length === 0) {
    deps.log.info({ paymentId }, 'receipt issued; no contact to send it to');
    return 'no_contact';
  }
  return 'notified';
}

/**
 * How far back the catch-up looks: a week of final payments. Older ones are an operator's (and it
 * keeps payments finished before receipts were tracked on the payment from being messaged again).
 */
const CATCH_UP_WITHIN_MS = 7 * 24 * 3600_000;

export interface ReceiptCatchUpReport {
  /** Payments whose issue-receipt job was added again. */
  enqueued: string[];
  /** Payments whose job is still queued or running. */
  inQueue: string[];
}

/**
 * Catches receipts up from payment states: every final payment unchanged for `olderThanMs` (and
 * changed within `withinMs`, a week by default) whose message is not recorded as sent gets its
 * issue-receipt job again (a lost enqueue, a job out of
 * attempts, a crash between the payment's completion and the enqueue). Pages through all of them.
 */
export async function catchUpReceipts(
  deps: { payments: PaymentStore; queue: SettlementQueue; log: SettlementLog },
  options: { olderThanMs: number; withinMs?: number },
): Promise<ReceiptCatchUpReport> {
  const report: ReceiptCatchUpReport = { enqueued: [], inQueue: [] };
  const since = new Date(Date.now() - (options.withinMs ?? CATCH_UP_WITHIN_MS));
  let after: string | undefined;
  for (;;) {
    const page = await deps.payments.findReceiptsDue({ olderThanMs: options.olderThanMs, since, after });
    for (const payment of page) {
      const added = await addOnce(deps.queue, ISSUE_RECEIPT, payment._id, { paymentId: payment._id });
      (added === 'requeued' ? report.enqueued : report.inQueue).push(payment._id);
    }
    const last = page.at(-1);
    if (page.length < 100 || !last) break;
    after = last._id;
  }
  if (report.enqueued.length > 0) deps.log.warn({ enqueued: report.enqueued.length }, 'receipts caught up');
  return report;
}
