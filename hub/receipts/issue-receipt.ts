import { chooseChannels } from '../notifications/channels.js';
import { confirmationKey } from '../notifications/events.js';
import type { Notifications } from '../notifications/notifications.js';
import { lineEvent, paymentConfirmedEvent } from '../notifications/payment-events.js';
import type { Payment } from '../payments/payment-model.js';
import type { PaymentStore } from '../payments/payment-store.js';
import { isFinalPaymentStatus } from '../payments/state-machine.js';
import type { SettlementLog } from '../settlement/deps.js';
import { addOnce, ISSUE_RECEIPT, type SettlementJobData, type SettlementQueue } from '../settlement/queue.js';
import type { Receipt } from './receipt-model.js';
import type { ReceiptService } from './receipt-service.js';

export interface IssueReceiptDeps {
  payments: Pick<PaymentStore, 'findById'>;
  receipts: Pick<ReceiptService, 'build' | 'store' | 'findByPayment' | 'recordNotified'>;
  /**
   * The receipt's signed verification URL for its email (ReceiptService.verifyUrlOf); without it
   * the email has no link (a hub with no RECEIPT_SIGNING_KEYS could not check the token).
   */
  verifyUrlOf?: (receipt: Receipt) => Promise<string>;
  /**
   * Sends the payment's confirmation (hub/notifications): channels, language and delivery records
   * are its; `recorded` finds a message recorded already, and the refunds' messages (toldByRefunds).
   */
  notifications: Pick<Notifications, 'notify' | 'audience' | 'recorded'>;
  log: SettlementLog;
}

/**
 * How an issue-receipt run ended; a failure (receipt store, notifications) throws, and BullMQ
 * retries the job. `already_notified`: the message (or that none is owed) was recorded by an earlier
 * run; a message recorded but not yet sent is the notifications' to send (their `notify` job).
 */
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
  if (status !== 'refunded' || payment.lines.length === 0) return false;
  for (const line of payment.lines) {
    const event = lineEvent(payment, line._id, 'refunded', { billerName: (id) => id, confirmWithinMs: 0 });
    if (!event || !(await notifications.recorded(event))) return false;
  }
  return true;
}

/** How the issue-receipt job runs (from its job: SettlementJobData.fresh and its attempts). */
export interface IssueReceiptRun {
  /**
   * The first run of a job the payment's move to final added: no receipt is read first. Should
   * another job have stored one meanwhile, the store's unique paymentId hands that one back
   * (ReceiptService.store), and the message is the stored receipt's, whose delivery records keep
   * it from going twice. Saves the settlement one read per payment.
   */
  fresh?: boolean;
}

/**
 * The run of an issue-receipt job: fresh only on the first run of a job the move to final added
 * (SettlementJobData.fresh). A retry, or a run after a stall, may find its receipt stored by the
 * run before it, so it reads for it first.
 */
export function issueReceiptRunOf(job: {
  data: Pick<SettlementJobData, 'fresh'>;
  attemptsMade: number;
  attemptsStarted: number;
}): IssueReceiptRun {
  return { fresh: job.data.fresh === true && job.attemptsMade === 0 && job.attemptsStarted <= 1 };
}

/** Where a receipt's message goes: the citizen's chosen channels among their contacts (see chooseChannels). */
export const receiptChannels = chooseChannels;

/**
 * The issue-receipt job of a final payment: stores its receipt (ReceiptService.build: one per
 * payment), then tells the citizen (the `payment_confirmed` notification, in their language, on
 * their chosen channels, its email with the receipt's verification link). The message's delivery
 * records, keyed on the receipt number, are its record: a retried or repeated job finds them and
 * sends nothing twice (a message recorded but not sent is the notifications' to retry). With nobody
 * to tell (no contact, or a payment refunded in full whose refunds were each told already:
 * toldByRefunds), the receipt is stored with `notifiedAt` instead. Either way a first run writes the
 * receipt once, and nothing else of its own. Payments told before receipts worked this way carry
 * `receipt.notifiedAt` on the payment, and count as done.
 */
export async function issueReceipt(
  deps: IssueReceiptDeps,
  paymentId: string,
  { fresh = false }: IssueReceiptRun = {},
): Promise<IssueReceiptOutcome> {
  const [payment, stored] = await Promise.all([
    deps.payments.findById(paymentId),
    fresh ? null : deps.receipts.findByPayment(paymentId),
  ]);
  if (!payment) return 'no_payment';
  if (!isFinalPaymentStatus(payment.status)) return 'not_final';
  if (payment.receipt?.notifiedAt || stored?.notifiedAt) return 'already_notified';
  // A stored receipt is the one told: a rebuilt one could differ (a demand paid since, a biller renamed).
  const receipt = stored ?? (await deps.receipts.build(payment));
  if (!receipt) throw new Error(`receipt of ${paymentId} was not built`);
  const confirmation = paymentConfirmedEvent(payment, receipt);
  // A stored receipt whose message is recorded was told: by a run that crashed after it, a racing
  // run, or a hub that kept its record on the payment. The citizen's contacts may have changed since.
  if (stored && (await deps.notifications.recorded(confirmation))) return 'already_notified';
  /** Stores the receipt, or records on the stored one, that there is no message to send. */
  const nobodyToTell = async () => {
    const notifiedAt = new Date();
    const kept = stored ?? (await deps.receipts.store({ ...receipt, notifiedAt }));
    if (!kept.notifiedAt) await deps.receipts.recordNotified(kept._id, notifiedAt);
  };
  if (await toldByRefunds(deps.notifications, payment, receipt.status)) {
    await nobodyToTell();
    return 'told_by_refunds';
  }
  const audience = await deps.notifications.audience(confirmation);
  if (audience.channels.length === 0) {
    await nobodyToTell();
    deps.log.info({ paymentId }, 'receipt issued; no contact to send it to');
    return 'no_contact';
  }
  // Stored before its message, so the message's links work when it arrives. A racing job may have
  // stored first: the stored receipt is the one told.
  const kept = stored ?? (await deps.receipts.store(receipt));
  // The email carries the receipt's verification link (too long for an SMS).
  const verifyUrl = await deps.verifyUrlOf?.(kept);
  const told = await deps.notifications.notify(paymentConfirmedEvent(payment, kept, verifyUrl), audience);
  return told.deliveries.some((d) => d.created) ? 'notified' : 'already_notified';
}

/**
 * How far back the catch-up looks: a week of final payments. Older ones are an operator's (and it
 * keeps payments finished before receipts were tracked from being messaged again).
 */
const CATCH_UP_WITHIN_MS = 7 * 24 * 3600_000;

/** Final payments read per page, and asked about in one query of each store. */
const CATCH_UP_PAGE = 500;

/**
 * How far a run reads back into the last run's window: a payment's `updatedAt` is its writer's
 * clock when the update was sent, so a run may end before a write stamped earlier is visible.
 */
const OVERLAP_MS = 60_000;

export interface ReceiptCatchUpReport {
  /** Payments whose issue-receipt job was added again. */
  enqueued: string[];
  /** Payments whose job is still queued or running. */
  inQueue: string[];
  /** Final payments read, and so asked about. */
  read: number;
}

export interface ReceiptCatchUpDeps {
  payments: Pick<PaymentStore, 'findFinalChanged' | 'findFinalByIds'>;
  receipts: Pick<ReceiptService, 'statesAmong'>;
  /** Which receipts' confirmations have a delivery recorded (Notifications.recordedKeys). */
  notifications: Pick<Notifications, 'recordedKeys'>;
  queue: SettlementQueue;
  log: SettlementLog;
}

/**
 * The sweep's receipt catch-up: every final payment unchanged for `olderThanMs` whose receipt is
 * not stored, or is stored with neither `notifiedAt` nor a delivery of its confirmation recorded,
 * gets its issue-receipt job again (a lost enqueue, a job out of attempts, a crash between the
 * payment's completion and the enqueue, or between the receipt and its message).
 *
 * A run reads the final payments changed since this process's last run (ids and `updatedAt`
 * back), a page at a time, and asks the receipts and the deliveries about each page in one query
 * each. What it found still due it keeps and asks about again by id, so one payment stuck for days
 * does not make every run read from it. A process's first run reads the whole window (`withinMs`,
 * a week); later runs start a minute before the last one ended (OVERLAP_MS). Both marks live in the
 * process: with several workers, each reads since its own last run. Runs in one process do not
 * overlap: a second call while one runs gets that run's report.
 */
export class ReceiptCatchUp {
  /** The `to` of the last run that finished. */
  private readUntil?: Date;
  /** Payments found due by the last run, by id, with the `updatedAt` they were read with. */
  private due = new Map<string, Date>();
  private running?: Promise<ReceiptCatchUpReport>;
  private readonly pageSize: number;

  constructor(
    private readonly deps: ReceiptCatchUpDeps,
    private readonly options: { olderThanMs: number; withinMs?: number; pageSize?: number },
  ) {
    this.pageSize = options.pageSize ?? CATCH_UP_PAGE;
  }

  /**
   * One run at `now` (UTC instant). Throws what the database or the queue throws; what the run had
   * not finished is read again by the next.
   */
  run(now: Date = new Date()): Promise<ReceiptCatchUpReport> {
    this.running ??= this.runOnce(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runOnce(now: Date): Promise<ReceiptCatchUpReport> {
    const report: ReceiptCatchUpReport = { enqueued: [], inQueue: [], read: 0 };
    const to = new Date(now.getTime() - this.options.olderThanMs);
    const windowStart = new Date(now.getTime() - (this.options.withinMs ?? CATCH_UP_WITHIN_MS));
    const from = new Date(Math.max(windowStart.getTime(), (this.readUntil?.getTime() ?? 0) - OVERLAP_MS));
    const stillDue = new Map<string, Date>();
    const ask = async (page: { _id: string; updatedAt: Date }[]) => {
      report.read += page.length;
      for (const payment of await this.dueAmong(page)) {
        stillDue.set(payment._id, payment.updatedAt);
        const added = await addOnce(this.deps.queue, ISSUE_RECEIPT, payment._id, { paymentId: payment._id });
        (added === 'requeued' ? report.enqueued : report.inQueue).push(payment._id);
      }
    };
    // Those found due before, and read before `from` (one read again below is asked about there).
    const earlier = [...this.due].filter(([, at]) => at >= windowStart && at < from).map(([id]) => id);
    for (let i = 0; i < earlier.length; i += this.pageSize) {
      await ask(await this.deps.payments.findFinalByIds(earlier.slice(i, i + this.pageSize)));
    }
    let after: { _id: string; updatedAt: Date } | undefined;
    for (;;) {
      const page = await this.deps.payments.findFinalChanged({ from, to, after, limit: this.pageSize });
      await ask(page);
      after = page.at(-1);
      if (page.length < this.pageSize || !after) break;
    }
    this.readUntil = to;
    this.due = stillDue;
    if (report.enqueued.length > 0) this.deps.log.warn({ enqueued: report.enqueued.length }, 'receipts caught up');
    return report;
  }

  /** The payments of a page whose receipt is not stored, or stored with no record of its message. */
  private async dueAmong(page: { _id: string; updatedAt: Date }[]): Promise<{ _id: string; updatedAt: Date }[]> {
    if (page.length === 0) return [];
    const stored = await this.deps.receipts.statesAmong(page.map((p) => p._id));
    const unsure = [...stored.values()].filter((r) => !r.notifiedAt).map((r) => r._id);
    const told = await this.deps.notifications.recordedKeys(unsure.map(confirmationKey));
    return page.filter((payment) => {
      const receipt = stored.get(payment._id);
      return !receipt || (!receipt.notifiedAt && !told.has(confirmationKey(receipt._id)));
    });
  }
}
