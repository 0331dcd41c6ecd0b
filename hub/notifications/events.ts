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
  'payment_reminder',
  'overdue_notice',
  'autopay_pre_debit',
  'autopay_over_limit',
  'autopay_charge_failed',
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

/** A final payment's receipt was issued (hub/receipts): the payment confirmation. */
export interface PaymentConfirmed extends Recipient, Money {
  kind: 'payment_confirmed';
  paymentId: string;
  receiptId: string;
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

/** A line the biller refused is being refunded through the gateway. */
export interface RefundStarted extends Recipient, Money {
  kind: 'refund_started';
  paymentId: string;
  lineId: string;
  billerName: string;
}

/** The gateway confirmed a line's refund. */
export interface RefundCompleted extends Recipient, Money {
  kind: 'refund_completed';
  paymentId: string;
  lineId: string;
  billerName: string;
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

/** Something a citizen is told about; `kind` picks its messages in the catalogs. */
export type NotificationEvent =
  | PaymentConfirmed
  | PaymentFailed
  | PaymentUnknown
  | RefundStarted
  | RefundCompleted
  | DemandReceived
  | PaymentReminder
  | OverdueNotice
  | AutopayPreDebit
  | AutopayOverLimit
  | AutopayChargeFailed;

/**
 * The event's identity: the same event told twice (a job re-run, a sweep, two workers) has the same
 * key, so it produces one message per channel (see DeliveryStore). A payment's confirmation is
 * keyed on its receipt; a line's news on the line; a reminder on the bill, its due date and how
 * many days before it is sent; autopay's news on its charge (one per bill and mandate).
 */
export function eventKey(event: NotificationEvent): string {
  switch (event.kind) {
    case 'payment_confirmed':
      return `${event.kind}|${event.receiptId}`;
    case 'payment_failed':
      return `${event.kind}|${event.paymentId}`;
    case 'payment_unknown':
    case 'refund_started':
    case 'refund_completed':
      return `${event.kind}|${event.lineId}`;
    case 'demand_received':
      return `${event.kind}|${event.reference}`;
    case 'payment_reminder':
      return `${event.kind}|${event.billKey ?? event.reference}|${event.dueDate}|${event.daysBefore}`;
    case 'overdue_notice':
      return `${event.kind}|${event.billKey ?? event.reference}|${event.dueDate}`;
    case 'autopay_pre_debit':
    case 'autopay_over_limit':
    case 'autopay_charge_failed':
      return `${event.kind}|${event.chargeId}`;
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
    default:
      return event.reference;
  }
}
