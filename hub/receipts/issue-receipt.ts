import type { Notifier, OutgoingMessage } from '../../infra/notifier/index.js';
import type { NotificationChannel, SettingsStore } from '../citizen-settings/settings-store.js';
import type { Contact, ContactStore } from '../contacts/contact-store.js';
import type { Payment } from '../payments/index.js';
import type { PaymentStore } from '../payments/payment-store.js';
import type { SettlementLog } from '../settlement/deps.js';
import { addOnce, ISSUE_RECEIPT, type SettlementQueue } from '../settlement/queue.js';
import type { Receipt } from './receipt-model.js';
import type { ReceiptService } from './receipt-service.js';
import { formatRupees } from './receipt-text.js';

const OUTCOME: Record<string, string> = {
  completed: 'was paid to every biller',
  // A receipt is issued once every line is final: the refunds have been made by then.
  partially_refunded: 'was paid in part; the rest was refunded to you',
  refunded: 'could not be paid and was refunded to you',
};
const FINAL = ['completed', 'partially_refunded', 'refunded'];

export interface IssueReceiptDeps {
  payments: PaymentStore;
  receipts: Pick<ReceiptService, 'issue'> & Partial<Pick<ReceiptService, 'verifyUrlOf'>>;
  contacts: Pick<ContactStore, 'find'>;
  /** The citizen's chosen channel (portal settings); without it, email else SMS. */
  settings?: Pick<SettingsStore, 'find'>;
  notifier: Pick<Notifier, 'send'>;
  log: SettlementLog;
}

/** How an issue-receipt run ended; a failure (receipt store, notifier) throws, and BullMQ retries the job. */
export type IssueReceiptOutcome = 'no_payment' | 'not_final' | 'already_notified' | 'no_contact' | 'notified';

/** The citizen's message: what happened to the payment, and the receipt's number and lines. */
export function receiptText(payment: Payment, receipt: Receipt): string {
  return (
    `Your payment ${payment._id} of ${formatRupees(payment.totalMinor)} ${OUTCOME[receipt.status] ?? 'is final'}. ` +
    `Receipt ${receipt._id}: ${receipt.lines.map((l) => `${l.billerName} ${formatRupees(l.amountMinor)} ${l.status}`).join('; ')}.`
  );
}

/**
 * Where a receipt's message goes: the channel the citizen chose in the portal's settings, among
 * the contacts the idp vouched for (`sms` falls back to email when no phone is known, and the
 * other way round; `both` sends to each known one); without a choice, email, else SMS.
 */
export function receiptChannels(contact: Contact, chosen?: NotificationChannel): ('email' | 'sms')[] {
  const known = (['email', 'sms'] as const).filter((channel) => (channel === 'email' ? contact.email : contact.phone));
  if (chosen === 'both') return known;
  const first = chosen === 'sms' ? known.find((c) => c === 'sms') : known.find((c) => c === 'email');
  const fallback = first ?? known[0];
  return fallback ? [fallback] : [];
}

/**
 * The issue-receipt job: issues the receipt of a final payment (idempotent: one receipt per
 * payment), records `receipt.{receiptId, issuedAt}` on the payment, then tells the citizen by email
 * or SMS (see receiptChannels) and records `receipt.notifiedAt`. Each record is a
 * conditional update that happens once, and the message is sent only while `notifiedAt` is
 * missing, so a retried or repeated job sends it once; only a crash between the send and its
 * record can send it twice. A citizen with no contact is recorded as notified (nobody to tell):
 * the receipt stays on their payment page.
 */
export async function issueReceipt(deps: IssueReceiptDeps, paymentId: string): Promise<IssueReceiptOutcome> {
  const payment = await deps.payments.findById(paymentId);
  if (!payment) return 'no_payment';
  if (!FINAL.includes(payment.status)) return 'not_final';
  if (payment.receipt?.notifiedAt) return 'already_notified';
  const receipt = await deps.receipts.issue(payment);
  if (!receipt) throw new Error(`receipt of ${paymentId} was not issued`);
  if (!payment.receipt?.issuedAt) await deps.payments.recordReceiptIssued(paymentId, receipt._id, receipt.issuedAt);
  const contact = await deps.contacts.find(payment.citizenSub);
  if (!contact || (!contact.email && !contact.phone)) {
    await deps.payments.recordReceiptNotified(paymentId, new Date());
    deps.log.info({ paymentId }, 'receipt issued; no contact to send it to');
    return 'no_contact';
  }
  const text = receiptText(payment, receipt);
  const chosen = (await deps.settings?.find(payment.citizenSub))?.channel;
  // The email also carries the receipt's verification link (too long for an SMS).
  const verifyUrl = await deps.receipts.verifyUrlOf?.(receipt);
  const messages: OutgoingMessage[] = receiptChannels(contact, chosen).map((channel) =>
    channel === 'email'
      ? {
          channel,
          to: contact.email as string,
          subject: `Receipt ${receipt._id}`,
          text: verifyUrl ? `${text}\nAnyone can check this receipt at ${verifyUrl}` : text,
        }
      : { channel, to: contact.phone as string, text },
  );
  for (const message of messages) await deps.notifier.send(message);
  await deps.payments.recordReceiptNotified(paymentId, new Date());
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
