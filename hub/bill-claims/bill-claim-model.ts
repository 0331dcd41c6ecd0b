import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

/**
 * Which payment may pay a bill right now: one document per bill key (see billKeyOf), moved from
 * one payment to another only by a conditional update on its current holder. Single documents,
 * no transactions: two tabs paying the same bill race on this document, and one wins.
 */
export interface BillClaim {
  /** The bill key: `billerId|consumer values|billNumber`. */
  _id: string;
  /** The payment that holds the bill. */
  paymentId: string;
  claimedAt: Date;
}

export type BillClaimModel = Model<BillClaim>;

const billClaimSchema = new Schema<BillClaim>(
  {
    _id: { type: String, required: true },
    paymentId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'bill_claims', versionKey: false },
);

export function billClaimModel(conn: Connection): BillClaimModel {
  return (conn.models.BillClaim as BillClaimModel | undefined) ?? conn.model<BillClaim>('BillClaim', billClaimSchema);
}
