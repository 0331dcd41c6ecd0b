import type { Channel } from '../../infra/notifier/index.js';
import type { Locale } from '../../infra/web/locale.js';
import type { NotificationChannel } from '../citizen-settings/settings-store.js';

/** Every kind of message the hub sends a citizen; each has an SMS and an email in every language. */
export const NOTIFICATION_KINDS = [
  'payment_confirmed',
  'payment_failed',
  'payment_unknown',
  'refund_started',
  'refund_completed',
  'demand_received',
  'demand_amended',
  'demand_cancelled',
  'payment_reminder',
  'overdue_notice',
  'autopay_pre_debit',
  'autopay_over_limit',
  'autopay_charge_failed',
  'complaint_received',
  'complaint_updated',
  'complaint_resolved',
  'complaint_escalated',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * Who a message is for. `citizenSub` finds the verified contact the idp vouched for (hub/contacts)
 * and the citizen's language and channel (hub/citizen-settings); `contact` is used when there is no
 * such contact, e.g. a demand raised for a payer who has never signed in. `locale` and `channel` are
 * the defaults when the citizen has chosen nothing.
 */
export interface Recipient {
  citizenSub?: string;
  contact?: { email?: string; phone?: string };
  locale?: Locale;
  channel?: NotificationChannel;
}

/** Money in integer minor units (paise) with its ISO 4217 currency. */
export interface Money {
  amountMinor: number;
  currency: string;
}

/**
 * What is left of a payment demand after a payment: nothing (paid in full), or the open
 * instalments' count and amount (paise, before any late fee or discount) and the next one's due date.
 */
export interface DemandRemaining {
  count: number;
  amountMinor: number;
  /** The next open instalment's due date (YYYY-MM-DD); absent when nothing is left. */
  nextDueDate?: string;
}

/** A payment demand a payment paid (part of): who asked, its reference, and what remains. */
export interface DemandPaid {
  reference: string;
  providerName: string;
  /** The instalment numbers this payment paid, and how many the demand has. */
  instalments: number[];
  instalmentCount: number;
  remaining: DemandRemaining;
}

/** A final payment's receipt was issued (hub/receipts): the payment confirmation. */
export interface PaymentConfirmed extends Recipient, Money {
  kind: 'payment_confirmed';
  paymentId: string;
  receiptId: string;
  /**
   * Who was paid: the billers' and providers' names, as the receipt names them (absent on events
   * made before they were carried: the message then says "your bills").
   */
  payees?: string[];
  /** The payment demands the payment paid, each with what remains to pay (absent: none). */
  demands?: DemandPaid[];
  /** The payment's final status: paid in full, paid in part (the rest refunded), or all refunded. */
  outcome: 'completed' | 'partially_refunded' | 'refunded';
  /** The receipt's public verification link (email only: too long for an SMS). */
  verifyUrl?: string;
}

/** The gateway reported the payment failed: no money was taken. */
export interface PaymentFailed extends Recipient, Money {
  kind: 'payment_failed';
  paymentId: string;
}

/** A biller's answer was neither yes nor no (an unknown outcome): the line is being confirmed. */
export interface PaymentUnknown extends Recipient, Money {
  kind: 'payment_unknown';
  paymentId: string;
  lineId: string;
  billerName: string;
  /** When the citizen will have heard from us at the latest. */
  confirmBy: Date;
}

/**
 * A refunded line that paid a payment demand: the provider (named instead of the generic biller)
 * and whether the demand was cancelled (then the message says so and does not invite paying again).
 */
export interface RefundedDemand {
  reference: string;
  providerName: string;
  cancelled: boolean;
}

/** A line the biller refused is being refunded through the gateway. */
export interface RefundStarted extends Recipient, Money {
  kind: 'refund_started';
  paymentId: string;
  lineId: string;
  billerName: string;
  demand?: RefundedDemand;
}

/** The gateway confirmed a line's refund. */
export interface RefundCompleted extends Recipient, Money {
  kind: 'refund_completed';
  paymentId: string;
  lineId: string;
  billerName: string;
  demand?: RefundedDemand;
}

/** A service provider raised a payment demand for this payer (hub/demands). */
export interface DemandReceived extends Recipient, Money {
  kind: 'demand_received';
  /** The demand's unique reference number. */
  reference: string;
  providerName: string;
  /** The due date as an ISO calendar date (YYYY-MM-DD). */
  dueDate: string;
  /** The link that opens the demand for payment. */
  payUrl: string;
  /**
   * An instalment plan: `amountMinor` is instalment `number` of `count`, and the demand's total is
   * `totalMinor` (paise). Absent for a demand paid in one go.
   */
  plan?: { number: number; count: number; totalMinor: number };
  /** An early-payment discount: `amountMinor` off (this instalment) when paid by `until` (YYYY-MM-DD). */
  discount?: { amountMinor: number; until: string };
}

/**
 * A provider amended a demand (hub/demands): what it asks now. One message per demand version.
 * `amountMinor` is the demand's new total; `previousMinor` the total before, when it changed.
 */
export interface DemandAmended extends Recipient, Money {
  kind: 'demand_amended';
  reference: string;
  providerName: string;
  /** The demand's version after the amendment: the dedupe key, so each amendment is told once. */
  version: number;
  previousMinor?: number;
  /** What is asked next: the next open instalment, its number of `count`, amount (paise) and due date. */
  next: { number: number; count: number; amountMinor: number; dueDate: string };
  /** The due dates changed (the final one or an instalment's). */
  datesChanged: boolean;
  payUrl: string;
}

/**
 * A provider cancelled a demand: nothing more is to be paid, and a payment still going through
 * for it is refunded in full. `amountMinor` is what was still to pay; `paidMinor` what the payer
 * had paid before (instalments paid stay paid: the provider is the one to ask about them).
 */
export interface DemandCancelled extends Recipient, Money {
  kind: 'demand_cancelled';
  reference: string;
  providerName: string;
  version: number;
  paidMinor: number;
  /** The demand's page: it shows the cancellation and any refund. */
  pageUrl: string;
}

/** A bill or demand falls due in `daysBefore` days. */
export interface PaymentReminder extends Recipient, Money {
  kind: 'payment_reminder';
  /** The bill number or demand reference the citizen recognises. */
  reference: string;
  /** Who is owed: a biller's or a provider's name. */
  payeeName: string;
  dueDate: string;
  daysBefore: number;
  payUrl: string;
  /**
   * What makes the bill unique when its reference alone does not (a bill number is unique per
   * biller only): the saved account and bill number; the dedupe key uses it.
   */
  billKey?: string;
}

/** A bill or demand is past its due date and unpaid. */
export interface OverdueNotice extends Recipient, Money {
  kind: 'overdue_notice';
  reference: string;
  payeeName: string;
  dueDate: string;
  payUrl: string;
  /**
   * What makes the bill unique when its reference alone does not (a bill number is unique per
   * biller only): the saved account and bill number; the dedupe key uses it.
   */
  billKey?: string;
}

/**
 * Autopay will debit a bill from the citizen's mandate on `chargeOn` (hub/autopay): sent at least
 * 24 hours before the debit, as RBI's e-mandate rules require of a pre-debit notification.
 */
export interface AutopayPreDebit extends Recipient, Money {
  kind: 'autopay_pre_debit';
  /** The autopay charge's id: one notice per bill and mandate. */
  chargeId: string;
  /** The bill number the citizen recognises. */
  reference: string;
  payeeName: string;
  /** When the debit will be made, at the earliest. */
  chargeOn: Date;
  /** Where the citizen pauses or cancels autopay. */
  manageUrl: string;
}

/** A bill above the citizen's autopay limit: it is not paid automatically. */
export interface AutopayOverLimit extends Recipient, Money {
  kind: 'autopay_over_limit';
  chargeId: string;
  reference: string;
  payeeName: string;
  /** The citizen's limit, in the same currency's minor units. */
  limitMinor: number;
  /** Where the citizen pays the bill themselves. */
  payUrl: string;
}

/**
 * Why an autopay debit was not made or did not go through: the bank declined it, the bill
 * changed after the notice, the mandate is no longer active, or the gateway never made it.
 */
export type AutopayFailureReason = 'declined' | 'bill_changed' | 'mandate_inactive' | 'not_charged';

/** An autopay debit did not pay the bill: the citizen pays it themselves. */
export interface AutopayChargeFailed extends Recipient, Money {
  kind: 'autopay_charge_failed';
  chargeId: string;
  reference: string;
  payeeName: string;
  reason: AutopayFailureReason;
  payUrl: string;
}

/**
 * The complaint types, statuses and disposition codes a complaint's messages name (the same lists
 * as hub/complaints/complaint-types.ts; each has a phrase in every catalog).
 */
export type ComplaintTypeCode =
  | 'amount_deducted_not_credited'
  | 'paid_twice'
  | 'wrong_amount'
  | 'refund_not_received'
  | 'receipt_not_received'
  | 'other';
export type ComplaintStatusCode = 'open' | 'assigned' | 'waiting_for_biller' | 'resolved' | 'rejected' | 'escalated';

/**
 * A complaint was received (hub/complaints): its id and the promised answer time. `amountMinor`
 * is the line's (or the payment's) amount the complaint is about.
 */
export interface ComplaintReceived extends Recipient, Money {
  kind: 'complaint_received';
  complaintId: string;
  paymentId: string;
  complaintType: ComplaintTypeCode;
  dueAt: Date;
}

/** A complaint changed status without closing (assigned, waiting for the biller, back with the team). */
export interface ComplaintUpdated extends Recipient, Money {
  kind: 'complaint_updated';
  complaintId: string;
  paymentId: string;
  status: ComplaintStatusCode;
  dueAt: Date;
  /** The complaint's timeline length at the change: each change told once. */
  change: number;
}

/** A complaint was closed: resolved (with the evidence) or rejected, with its disposition. */
export interface ComplaintResolved extends Recipient, Money {
  kind: 'complaint_resolved';
  complaintId: string;
  paymentId: string;
  outcome: 'resolved' | 'rejected';
  /** A disposition code of hub/complaints (credited_to_biller, refunded, …). */
  disposition: string;
  evidence?: { billerReference?: string; refundReference?: string };
}

/** A complaint passed its promised time and was escalated, with a new promised time. */
export interface ComplaintEscalated extends Recipient, Money {
  kind: 'complaint_escalated';
  complaintId: string;
  paymentId: string;
  level: number;
  dueAt: Date;
}

/** Something a citizen is told about; `kind` picks its messages in the catalogs. */
export type NotificationEvent =
  | PaymentConfirmed
  | PaymentFailed
  | PaymentUnknown
  | RefundStarted
  | RefundCompleted
  | DemandReceived
  | DemandAmended
  | DemandCancelled
  | PaymentReminder
  | OverdueNotice
  | AutopayPreDebit
  | AutopayOverLimit
  | AutopayChargeFailed
  | ComplaintReceived
  | ComplaintUpdated
  | ComplaintResolved
  | ComplaintEscalated;

/** Every channel a message can be recorded on. */
export const CHANNELS: readonly Channel[] = ['sms', 'email'];

/** The key an event's message on one channel is recorded under (DeliveryStore): its key (eventKey), `|`, the channel. */
export const deliveryKey = (key: string, channel: Channel): string => `${key}|${channel}`;

/** The keys an event's messages are recorded under, one per channel (deliveryKey). */
export const deliveryKeys = (key: string): string[] => CHANNELS.map((channel) => deliveryKey(key, channel));

/** The key of a receipt's `payment_confirmed` message (see eventKey): the receipt number's. */
export const confirmationKey = (receiptId: string): string => `payment_confirmed|${receiptId}`;

/**
 * The event's identity: the same event told twice (a job re-run, a sweep, two workers) has the same
 * key, so it produces one message per channel (see DeliveryStore). A payment's confirmation is
 * keyed on its receipt; a line's news on the line; a reminder on the bill, its due date and how
 * many days before it is sent; autopay's news on its charge (one per bill and mandate); a demand's
 * amendment or cancellation on the demand's version (each change told once).
 */
export function eventKey(event: NotificationEvent): string {
  switch (event.kind) {
    case 'payment_confirmed':
      return confirmationKey(event.receiptId);
    case 'payment_failed':
      return `${event.kind}|${event.paymentId}`;
    case 'payment_unknown':
    case 'refund_started':
    case 'refund_completed':
      return `${event.kind}|${event.lineId}`;
    case 'demand_received':
      return `${event.kind}|${event.reference}`;
    case 'demand_amended':
    case 'demand_cancelled':
      return `${event.kind}|${event.reference}|v${event.version}`;
    case 'payment_reminder':
      return `${event.kind}|${event.billKey ?? event.reference}|${event.dueDate}|${event.daysBefore}`;
    case 'overdue_notice':
      return `${event.kind}|${event.billKey ?? event.reference}|${event.dueDate}`;
    case 'autopay_pre_debit':
    case 'autopay_over_limit':
    case 'autopay_charge_failed':
      return `${event.kind}|${event.chargeId}`;
    case 'complaint_received':
    case 'complaint_resolved':
      return `${event.kind}|${event.complaintId}`;
    case 'complaint_updated':
      return `${event.kind}|${event.complaintId}|${event.change}`;
    case 'complaint_escalated':
      return `${event.kind}|${event.complaintId}|${event.level}`;
  }
}

/** The reference a message carries and its record is filed under: a receipt, payment or demand number. */
export function referenceOf(event: NotificationEvent): string {
  switch (event.kind) {
    case 'payment_confirmed':
      return event.receiptId;
    case 'payment_failed':
    case 'payment_unknown':
    case 'refund_started':
    case 'refund_completed':
      return event.paymentId;
    case 'complaint_received':
    case 'complaint_updated':
    case 'complaint_resolved':
    case 'complaint_escalated':
      return event.complaintId;
    default:
      return event.reference;
  }
}
