import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';

export const CLAIM_STATUSES = ['verifying', 'settled', 'refused'] as const;
/**
 * verifying: claimed, the wallet's answer (or the demand's record) still awaited; settled: the
 * demand's instalments are recorded paid, the id is spent for good; refused: the wallet or the
 * demand said no, nothing was recorded, and the id may be claimed again (a typo must not burn it).
 */
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * One wallet transaction id claimed to settle a demand (collection `wallet_transfers`). The `_id`
 * is `<wallet provider>:<transaction id>`: the unique key that lets a transaction pay once across
 * the whole hub. Every change is one conditional update on this document; a lease (`leaseId`,
 * `leaseUntil`) lets one caller at a time verify it. Paise; days are Indian 'YYYY-MM-DD'.
 */
export interface WalletTransferClaim {
  _id: string;
  provider: string;
  transactionId: string;
  walletNumber: string;
  demandId: string;
  demandReference: string;
  /** The citizen who entered it: the receipt is theirs. */
  citizenSub: string;
  /** How many instalments the payer said it pays; absent: worked out from the amount. */
  instalmentCount?: number;
  status: ClaimStatus;
  /** The demand payment id this transfer is recorded under: WLT + 20 characters from the key. */
  paymentId: string;
  leaseId?: string;
  /** A lease past this instant is free; a released lease is the epoch. */
  leaseUntil: Date;
  attempts: number;
  /** Why the last verification was inconclusive (a timeout, a 5xx). */
  lastUnknown?: string;
  verified?: {
    amountMinor: number;
    currency: string;
    paidAt: Date;
    payerWallet: string;
    payee: string;
    /** The Indian day of paidAt: the day whose amounts the transfer paid. */
    day: string;
  };
  instalments?: number[];
  refusal?: { reason: string; message: string; at: Date };
  /** The receipt issued; `notifiedAt` once the payer's payment_confirmed message was recorded. */
  receipt?: { receiptId: string; issuedAt: Date; notifiedAt?: Date };
  settledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const claimSchema = new Schema<WalletTransferClaim>(
  {
    _id: { type: String, required: true },
    provider: { type: String, required: true },
    transactionId: { type: String, required: true },
    walletNumber: { type: String, required: true },
    demandId: { type: String, required: true },
    demandReference: { type: String, required: true },
    citizenSub: { type: String, required: true },
    instalmentCount: Number,
    status: { type: String, enum: CLAIM_STATUSES, required: true },
    paymentId: { type: String, required: true },
    leaseId: String,
    leaseUntil: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    lastUnknown: String,
    verified: new Schema(
      {
        amountMinor: { type: Number, cast: false },
        currency: String,
        paidAt: Date,
        payerWallet: String,
        payee: String,
        day: String,
      },
      { _id: false },
    ),
    instalments: { type: [Number], default: undefined },
    refusal: new Schema({ reason: String, message: String, at: Date }, { _id: false }),
    receipt: new Schema({ receiptId: String, issuedAt: Date, notifiedAt: Date }, { _id: false }),
    settledAt: Date,
  },
  { timestamps: true, collection: 'wallet_transfers', versionKey: false },
);

// The once-per-transaction rule is the _id's uniqueness; this unique index says it again on the
// fields, so a document written some other way cannot claim the same transaction twice.
claimSchema.index({ provider: 1, transactionId: 1 }, { unique: true });
// The retry sweep: verifying claims whose lease has run out.
claimSchema.index({ status: 1, leaseUntil: 1 });
claimSchema.index({ demandId: 1 });

export type WalletTransferClaimModel = Model<WalletTransferClaim>;

export function walletTransferClaimModel(conn: Connection): WalletTransferClaimModel {
  return (
    (conn.models.WalletTransferClaim as WalletTransferClaimModel | undefined) ??
    conn.model<WalletTransferClaim>('WalletTransferClaim', claimSchema)
  );
}
