import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import type { LineBill } from '../payments/index.js';
import type { ReceiptDemand } from './receipt-demand.js';

/**
 * One bill on a stored receipt. `billNumber` is kept as the biller gave it (it is what the biller
 * knows the bill by); every view masks it. Fields marked "issue 9" are absent on receipts issued
 * before they were recorded, and every view copes with that.
 */
export interface ReceiptLine {
  lineId: string;
  billerId: string;
  billerName: string;
  consumerMasked: string;
  billNumber: string;
  amountMinor: number;
  reference: string;
  billerReference?: string;
  status: string;
  /** Issue 9: the bill's period, breakup and rebate or late fee, as recorded at checkout. */
  bill?: LineBill;
  /** Issue 11: the payment demand the line paid (provider, title, instalments, taxes, what remained). */
  demand?: ReceiptDemand;
}

/**
 * Issue 9: a refund of one line, as the payment recorded it; or, without `lineId`, the refund of a
 * held payment's whole capture (nothing was posted to any biller). Paise.
 */
export interface ReceiptRefund {
  /** The refunded line; absent for a held payment's whole capture. */
  lineId?: string;
  amountMinor: number;
  /** The idempotency key the gateway refund was made under. */
  reference?: string;
  /** When the gateway confirmed it (the line's `refund.succeeded` event). */
  at?: Date;
  /** refunded; refunding or held when the receipt was issued before the money went back. */
  status: string;
}

/**
 * A receipt as stored: issued once per final payment; its facts never change (`notifiedAt` may be
 * added once). Paise; instants in UTC.
 */
export interface Receipt {
  /** The receipt number citizens quote: RCT + the payment id's tail. */
  _id: string;
  paymentId: string;
  citizenSub: string;
  status: string;
  method?: string;
  /** Issue 9: the gateway's order id for the capture. */
  gatewayReference?: string;
  /** Issue 9: the payer's name from the checkout's access token, when the idp gave one. */
  payerName?: string;
  currency: string;
  totalMinor: number;
  settledMinor: number;
  refundedMinor: number;
  lines: ReceiptLine[];
  /** Issue 9; absent on older receipts (derived from the lines when shown). */
  refunds?: ReceiptRefund[];
  paidAt: Date;
  issuedAt: Date;
  /**
   * When the issue-receipt job found nobody to tell (no contact, or the refunds told it all): the
   * record that no message is owed. A receipt with a message has that message's delivery records
   * (keyed on its number) instead; wallet receipts have their claim's (hub/wallet).
   */
  notifiedAt?: Date;
}

const amountSchema = new Schema({ label: String, amountMinor: Number }, { _id: false });

const lineBillSchema = new Schema(
  {
    periodStart: String,
    periodEnd: String,
    amountDueMinor: Number,
    breakup: [amountSchema],
    adjustment: new Schema({ kind: String, amountMinor: Number }, { _id: false }),
  },
  { _id: false },
);

const receiptSchema = new Schema<Receipt>(
  {
    _id: String,
    paymentId: { type: String, required: true, unique: true },
    citizenSub: { type: String, required: true, index: true },
    status: { type: String, required: true },
    method: String,
    gatewayReference: String,
    payerName: String,
    currency: { type: String, required: true },
    totalMinor: { type: Number, required: true },
    settledMinor: { type: Number, required: true },
    refundedMinor: { type: Number, required: true },
    lines: [
      {
        _id: false,
        lineId: String,
        billerId: String,
        billerName: String,
        consumerMasked: String,
        billNumber: String,
        amountMinor: Number,
        reference: String,
        billerReference: String,
        status: String,
        bill: lineBillSchema,
        demand: Schema.Types.Mixed,
      },
    ],
    refunds: {
      type: [
        new Schema(
          { lineId: String, amountMinor: Number, reference: String, at: Date, status: String },
          { _id: false },
        ),
      ],
      default: undefined,
    },
    paidAt: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
    notifiedAt: Date,
  },
  { versionKey: false },
);

export type ReceiptModel = Model<Receipt>;

/** The receipts collection's model on a connection (one per connection, made on first use). */
export function receiptModel(conn: Connection): ReceiptModel {
  return (conn.models.Receipt as ReceiptModel | undefined) ?? conn.model<Receipt>('Receipt', receiptSchema);
}
