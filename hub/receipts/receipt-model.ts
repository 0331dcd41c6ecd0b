import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

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
}

export interface Receipt {
  /** The receipt number citizens quote: RCT + the payment id's tail. */
  _id: string;
  paymentId: string;
  citizenSub: string;
  status: string;
  method?: string;
  currency: string;
  totalMinor: number;
  settledMinor: number;
  refundedMinor: number;
  lines: ReceiptLine[];
  paidAt: Date;
  issuedAt: Date;
}

const receiptSchema = new Schema<Receipt>(
  {
    _id: String,
    paymentId: { type: String, required: true, unique: true },
    citizenSub: { type: String, required: true, index: true },
    status: { type: String, required: true },
    method: String,
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
      },
    ],
    paidAt: { type: Date, required: true },
    issuedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type ReceiptModel = Model<Receipt>;

export function receiptModel(conn: Connection): ReceiptModel {
  return (conn.models.Receipt as ReceiptModel | undefined) ?? conn.model<Receipt>('Receipt', receiptSchema);
}
