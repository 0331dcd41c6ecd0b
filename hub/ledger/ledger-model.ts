import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { appendOnly } from './append-only.js';
import { entryProblems, type LedgerEntry } from './balance.js';

/**
 * capture, settlement, refund: a payment's money in and out of flight (one per payment or line).
 * refund_netting: the gateway nets a refund against what it owes. gateway_payout: the gateway pays
 * a payment's money to the bank, less its fee. biller_payout: the hub pays a settled line to its
 * biller. reversal: undoes one earlier transaction of the same payment (the only correction).
 */
export const LEDGER_KINDS = [
  'capture',
  'settlement',
  'refund',
  'refund_netting',
  'gateway_payout',
  'biller_payout',
  'reversal',
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** ISO 4217 codes: a held capture is recorded in the currency the gateway actually took. */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export interface LedgerTransaction {
  /**
   * The movement's unique key (capture:<paymentId>, settle:<lineId>, refund:<lineId>,
   * refund-netted:<lineId>, gateway-payout:<payoutId>:<paymentId>, biller-payout:<lineId>,
   * reversal:<transactionId>): a retry cannot write it twice.
   */
  _id: string;
  /** The payment whose hash chain this transaction is in. */
  paymentId: string;
  lineId?: string;
  kind: LedgerKind;
  entries: LedgerEntry[];
  currency: string;
  /** For a reversal: the transaction it undoes, and why. */
  reverses?: string;
  reason?: string;
  /** For payouts and nettings: the gateway's or the hub's payout (bank transfer) reference. */
  payoutId?: string;
  /** Position in the payment's hash chain, from 0; unique per payment. */
  seq: number;
  /** The hash of the payment's previous transaction (GENESIS_HASH for seq 0). */
  prevHash: string;
  /** SHA-256 (hex) of this transaction's canonical encoding, prevHash included (chain.ts). */
  hash: string;
  /** When the hub recorded it: what `balances({ asOf })` cuts on. */
  createdAt: Date;
}

export type LedgerModel = Model<LedgerTransaction>;

const entrySchema = new Schema<LedgerEntry>(
  {
    account: { type: String, required: true },
    // No casting: '100' is refused, never read as 100.
    debitMinor: { type: Number, required: true, cast: false },
    creditMinor: { type: Number, required: true, cast: false },
  },
  { _id: false },
);

const transactionSchema = new Schema<LedgerTransaction>(
  {
    _id: { type: String, required: true },
    paymentId: { type: String, required: true },
    lineId: String,
    kind: { type: String, enum: LEDGER_KINDS, required: true },
    entries: { type: [entrySchema], required: true },
    currency: { type: String, required: true, match: CURRENCY_PATTERN },
    reverses: String,
    reason: String,
    payoutId: String,
    seq: { type: Number, required: true, cast: false, min: 0 },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
    // Set by Ledger.record before hashing (not by mongoose timestamps): the hash covers it.
    createdAt: { type: Date, required: true },
  },
  // Append-only: a transaction is never updated, so it has no updatedAt nor version.
  { versionKey: false, collection: 'ledger_transactions' },
);

// Balanced or not written at all; checkLedger still re-checks what is stored.
transactionSchema.pre('validate', function () {
  const problems = entryProblems(this.entries);
  if (problems.length > 0) this.invalidate('entries', problems.join('; '));
});

transactionSchema.plugin(appendOnly);

// One transaction per place in a payment's chain: two appends racing for a place, one wins.
transactionSchema.index({ paymentId: 1, seq: 1 }, { unique: true });
transactionSchema.index({ lineId: 1 }, { sparse: true });

export function ledgerModel(conn: Connection): LedgerModel {
  return (
    (conn.models.LedgerTransaction as LedgerModel | undefined) ??
    conn.model<LedgerTransaction>('LedgerTransaction', transactionSchema)
  );
}
