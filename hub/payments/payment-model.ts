import { type Model, Schema } from 'mongoose';
import type { ConsumerRef } from '../../adapters/sdk/contract.js';
import type { Connection } from '../../infra/mongo.js';
import { type PaymentRisk, paymentRiskSchema } from '../risk/risk-state.js';
import { LINE_ID_PATTERN, newPaymentId, PAYMENT_ID_PATTERN, REFERENCE_PATTERN } from './ids.js';
import { CURRENCIES, type Currency, isPositiveMinor, positiveMinor } from './money.js';
import { LINE_STATUSES, type LineStatus, PAYMENT_STATUSES, type PaymentStatus } from './state-machine.js';

export interface PaymentLine {
  /** LIN + 20 characters: the settlement job's id. */
  _id: string;
  billerId: string;
  consumer: ConsumerRef;
  /** The consumer number as the citizen may see it on receipts and history. */
  consumerMasked: string;
  billNumber: string;
  /**
   * biller|consumer values (by sorted param name)|bill number: the bill this line pays, so a
   * second payment of the same bill can be found (see billKeyOf).
   */
  billKey: string;
  amountMinor: number;
  /** HUB + 20 characters: the posting reference the biller deduplicates on. */
  reference: string;
  status: LineStatus;
  billerReference?: string;
  billerStatus?: string;
  failureCode?: string;
  failureMessage?: string;
  /** Posting attempts made at the biller. */
  attempts: number;
  /** The idempotency key of the gateway refund, once one is asked for. */
  refundKey?: string;
  /** Status enquiries made of a line whose outcome is unknown. */
  enquiries?: number;
  /** When automatic work on this line is next due (a status enquiry, a retry): the sweep's order. */
  nextAttemptAt?: Date;
  /** When the line last changed status: how the sweeper tells stuck work from work in progress. */
  changedAt: Date;
  /** What the bill said when it was paid, kept for the receipt; absent on lines made before it was kept. */
  bill?: LineBill;
}

/**
 * The facts of a paid bill a receipt shows (receipts, issue 9): its period, its itemised charges and
 * taxes, and the early-payment rebate or late fee that applied on the day of checkout. Paise.
 */
export interface LineBill {
  /** The billing period as the biller gave it (ISO dates). */
  periodStart?: string;
  periodEnd?: string;
  /** The plain amount due, before any rebate or late fee. */
  amountDueMinor: number;
  /** The biller's itemised charges and taxes; they add up to amountDueMinor. */
  breakup: { label: string; amountMinor: number }[];
  /** The rebate (negative) or late fee (positive) that applied on the day paid, when one did. */
  adjustment?: { kind: 'rebate' | 'late_fee'; amountMinor: number };
}

export interface TimelineEntry {
  at: Date;
  event: string;
  from?: string;
  to?: string;
  lineId?: string;
  detail?: string;
}

export interface PaymentGateway {
  orderId?: string;
  /** The hosted checkout page of the order: replayed with the first answer to an idempotent retry. */
  checkoutUrl?: string;
  method?: string;
  /** What the gateway reports it captured, in its minor units and currency (ISO 4217). */
  capturedMinor?: number;
  capturedCurrency?: string;
  /** The gateway's fingerprint of the card paid or declined with, when it gives one (risk rules). */
  instrument?: string;
}

/** Why a payment waits for an operator (status held) instead of settling. */
export interface PaymentHold {
  reason: 'capture_mismatch' | string;
  detail: string;
  at: Date;
}

/**
 * The receipt's progress, as the issue-receipt job kept it on the payment before the receipt's
 * message was recorded by its delivery records alone: the job and the catch-up count `notifiedAt`
 * here as done. This hub no longer writes it (hub/receipts/issue-receipt.ts).
 */
export interface PaymentReceiptState {
  receiptId?: string;
  issuedAt?: Date;
  notifiedAt?: Date;
}

export interface Payment {
  /** PAY + 20 characters. */
  _id: string;
  citizenSub: string;
  currency: Currency;
  totalMinor: number;
  status: PaymentStatus;
  idempotencyKey: string;
  /** Hash of the create request: the same key with another body is a conflict. */
  requestHash: string;
  gateway: PaymentGateway;
  lines: PaymentLine[];
  timeline: TimelineEntry[];
  /** Set when the payment is held for an operator. */
  hold?: PaymentHold;
  /** The newer payment that superseded this one (status cancelled). */
  supersededBy?: string;
  receipt?: PaymentReceiptState;
  /** The payer's name from the access token used at checkout, for the receipt (when the idp gave one). */
  payerName?: string;
  /** Fraud and abuse flags and their review (hub/risk), when a rule fired. */
  risk?: PaymentRisk;
  /** A created or awaiting_payment payment lapses at this time; checked in queries, not by a TTL index. */
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type PaymentModel = Model<Payment>;

const isConsumerRef = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length > 0 &&
  Object.values(value).every((v) => typeof v === 'string' && v.length > 0);

const billAmount = new Schema(
  { label: { type: String, required: true }, amountMinor: { type: Number, required: true, cast: false } },
  { _id: false },
);
const lineBillSchema = new Schema<LineBill>(
  {
    periodStart: String,
    periodEnd: String,
    amountDueMinor: { type: Number, required: true, cast: false },
    breakup: { type: [billAmount], default: [] },
    adjustment: new Schema(
      {
        kind: { type: String, enum: ['rebate', 'late_fee'], required: true },
        amountMinor: { type: Number, required: true, cast: false },
      },
      { _id: false },
    ),
  },
  { _id: false },
);

// Money paths do not cast (cast: false): '100' is refused like 1.5, never quietly read as 100.
const lineSchema = new Schema<PaymentLine>({
  _id: { type: String, required: true, match: LINE_ID_PATTERN },
  billerId: { type: String, required: true },
  consumer: {
    type: Schema.Types.Mixed,
    required: true,
    validate: { validator: isConsumerRef, message: '{PATH} must be an object of non-empty strings' },
  },
  consumerMasked: { type: String, required: true },
  billNumber: { type: String, required: true },
  billKey: { type: String, required: true },
  amountMinor: { type: Number, required: true, cast: false, validate: positiveMinor },
  reference: { type: String, required: true, match: REFERENCE_PATTERN },
  status: { type: String, enum: LINE_STATUSES, required: true, default: 'pending' },
  billerReference: String,
  billerStatus: String,
  failureCode: String,
  failureMessage: String,
  attempts: { type: Number, required: true, default: 0, min: 0 },
  refundKey: String,
  enquiries: { type: Number, min: 0 },
  nextAttemptAt: Date,
  changedAt: { type: Date, required: true, default: () => new Date() },
  bill: lineBillSchema,
});

const timelineSchema = new Schema<TimelineEntry>(
  {
    at: { type: Date, required: true },
    event: { type: String, required: true },
    from: String,
    to: String,
    lineId: String,
    detail: String,
  },
  { _id: false },
);

const gatewaySchema = new Schema<PaymentGateway>(
  {
    orderId: String,
    checkoutUrl: String,
    method: String,
    capturedMinor: { type: Number, cast: false, validate: positiveMinor },
    capturedCurrency: String,
    instrument: String,
  },
  { _id: false },
);

const holdSchema = new Schema<PaymentHold>(
  {
    reason: { type: String, required: true },
    detail: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const receiptStateSchema = new Schema<PaymentReceiptState>(
  { receiptId: String, issuedAt: Date, notifiedAt: Date },
  { _id: false },
);

const paymentSchema = new Schema<Payment>(
  {
    _id: { type: String, required: true, default: newPaymentId, match: PAYMENT_ID_PATTERN },
    citizenSub: { type: String, required: true },
    currency: { type: String, enum: CURRENCIES, required: true, default: 'INR' },
    totalMinor: { type: Number, required: true, cast: false, validate: positiveMinor },
    status: { type: String, enum: PAYMENT_STATUSES, required: true, default: 'created' },
    idempotencyKey: { type: String, required: true, minlength: 1, maxlength: 255 },
    requestHash: { type: String, required: true },
    gateway: { type: gatewaySchema, default: () => ({}) },
    lines: {
      type: [lineSchema],
      validate: { validator: (lines: unknown[]) => lines.length > 0, message: 'a payment needs at least one line' },
    },
    timeline: { type: [timelineSchema], default: [] },
    hold: holdSchema,
    supersededBy: String,
    receipt: receiptStateSchema,
    payerName: String,
    risk: paymentRiskSchema,
    expiresAt: { type: Date, required: true },
  },
  { timestamps: true, collection: 'payments' },
);

// The total is derived, but stored for queries: it must always be the exact sum of the lines.
paymentSchema.pre('validate', function () {
  const amounts = this.lines.map((line) => line.amountMinor);
  if (!amounts.every(isPositiveMinor)) return;
  const sum = amounts.reduce((a, b) => a + b, 0);
  if (!Number.isSafeInteger(sum) || sum !== this.totalMinor) {
    this.invalidate('totalMinor', 'totalMinor must equal the sum of the line amounts');
  }
});

paymentSchema.index({ citizenSub: 1, idempotencyKey: 1 }, { unique: true });
paymentSchema.index({ 'lines.reference': 1 }, { unique: true });
paymentSchema.index({ 'lines._id': 1 }, { unique: true });
paymentSchema.index({ 'lines.billKey': 1 });
paymentSchema.index({ citizenSub: 1, createdAt: -1 });
// _id last: the receipts catch-up pages final payments in (updatedAt, _id) order from it. It serves
// every query the index { status: 1, updatedAt: 1 } did, which a database built before can drop.
paymentSchema.index({ status: 1, updatedAt: 1, _id: 1 });
paymentSchema.index({ status: 1, expiresAt: 1 });
// Risk rules: declines by card fingerprint, and the flagged queue (pending reviews, then recent flags).
paymentSchema.index({ 'gateway.instrument': 1, updatedAt: -1 }, { sparse: true });
paymentSchema.index({ 'risk.review.status': 1, createdAt: 1 }, { sparse: true });
paymentSchema.index({ 'risk.flaggedAt': -1 }, { sparse: true });

/**
 * The key of the bill a line pays: `billerId|<consumer values in sorted param-name order>|billNumber`.
 * Sorted so that the same consumer typed in any key order is the same bill.
 */
/**
 * The gateway refund key of a held payment's whole capture (state-machine.ts: held → refunded):
 * the payment id, where a line's refund key is its line id. The operator's refund and the receipt
 * both name the refund by it.
 */
export const heldRefundKey = (payment: Pick<Payment, '_id'>): string => payment._id;

export function billKeyOf(line: { billerId: string; consumer: ConsumerRef; billNumber: string }): string {
  const values = Object.keys(line.consumer)
    .sort()
    .map((name) => line.consumer[name]);
  return [line.billerId, ...values, line.billNumber].join('|');
}

export function paymentModel(conn: Connection): PaymentModel {
  return (conn.models.Payment as PaymentModel | undefined) ?? conn.model<Payment>('Payment', paymentSchema);
}
