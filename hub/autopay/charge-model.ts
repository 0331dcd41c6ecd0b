import { randomBytes } from 'node:crypto';
import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

/**
 * scheduled: the pre-debit notice is (being) sent, the debit waits for `chargeAt`; charging: the
 * debit is being made; charged: the payment was made on the mandate (settlement takes it from
 * there); unknown: the gateway's answer was ambiguous, resolved by asking it (never refunded on a
 * guess); over_limit: the bill is above the limit, notified and not paid; skipped: not debited
 * (paused, cancelled, paid by other means, bill replaced or changed); failed: the debit was refused.
 */
export const CHARGE_STATUSES = [
  'scheduled',
  'charging',
  'charged',
  'unknown',
  'over_limit',
  'skipped',
  'failed',
] as const;
export type ChargeStatus = (typeof CHARGE_STATUSES)[number];

/** One bill's autopay debit: at most one per bill and mandate, ever (a unique index says so). */
export interface AutopayCharge {
  _id: string;
  autopayId: string;
  mandateId: string;
  citizenSub: string;
  accountId: string;
  billerId: string;
  /** billKeyOf the bill (hub/payments): biller, consumer and bill number. */
  billKey: string;
  billNumber: string;
  /** The bill's amount due when it was noticed, in paise: the debit must be exactly this. */
  amountMinor: number;
  currency: string;
  /** YYYY-MM-DD, as the biller wrote it. */
  dueDate: string;
  status: ChargeStatus;
  /** When the pre-debit notice was recorded for sending; no debit before noticeSentAt + notice period. */
  noticeSentAt?: Date;
  /** The debit is made at this time or later. */
  chargeAt: Date;
  /** True when the notice period ends after the due date: the debit is made late rather than early. */
  afterDueDate?: boolean;
  /** The hub payment made for the debit (its id is the charge's reference at the gateway). */
  paymentId?: string;
  reason?: string;
  /** When the debit's outcome became unknown: enquiries give up a set time after it. */
  unknownSince?: Date;
  /** Gateway enquiries made about an unknown debit, and when the next is due. */
  enquiries: number;
  nextAttemptAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const chargeSchema = new Schema<AutopayCharge>(
  {
    _id: { type: String, required: true },
    autopayId: { type: String, required: true, index: true },
    mandateId: { type: String, required: true },
    citizenSub: { type: String, required: true },
    accountId: { type: String, required: true },
    billerId: { type: String, required: true },
    billKey: { type: String, required: true },
    billNumber: { type: String, required: true },
    amountMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    dueDate: { type: String, required: true },
    status: { type: String, required: true, enum: CHARGE_STATUSES },
    noticeSentAt: Date,
    chargeAt: { type: Date, required: true },
    afterDueDate: Boolean,
    paymentId: String,
    reason: String,
    unknownSince: Date,
    enquiries: { type: Number, default: 0 },
    nextAttemptAt: Date,
  },
  { timestamps: true },
);
// Once per bill and mandate: a re-run of the scan, or two replicas, cannot make a second debit.
chargeSchema.index({ mandateId: 1, billKey: 1 }, { unique: true });
chargeSchema.index({ status: 1, chargeAt: 1 });

export type AutopayChargeModel = Model<AutopayCharge>;

export const newChargeId = () => `APC${randomBytes(10).toString('hex').toUpperCase()}`;

/** The Idempotency-Key of the checkout a debit makes: a re-run finds the same payment. */
export const checkoutKeyOf = (chargeId: string) => `autopay-${chargeId}`;

export function autopayChargeModel(conn: Connection): AutopayChargeModel {
  return (
    (conn.models.AutopayCharge as AutopayChargeModel | undefined) ??
    conn.model<AutopayCharge>('AutopayCharge', chargeSchema, 'autopay_charges')
  );
}
