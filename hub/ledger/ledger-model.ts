import { type Model, Schema } from 'mongoose';
import type { Connection } from '../../infra/mongo.js';
import { CURRENCIES } from '../payments/money.js';
import { entryProblems, type LedgerEntry } from './balance.js';

export const LEDGER_KINDS = ['capture', 'settlement', 'refund'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerTransaction {
  /** The movement's unique key (capture:<paymentId>, settle:<lineId>, refund:<lineId>): a retry cannot write twice. */
  _id: string;
  paymentId: string;
  lineId?: string;
  kind: LedgerKind;
  entries: LedgerEntry[];
  currency: string;
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
    currency: { type: String, enum: CURRENCIES, required: true },
  },
  // Append-only: a transaction is never updated, so it has no updatedAt nor version.
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, collection: 'ledger_transactions' },
);

// Balanced or not written at all; checkLedger still re-checks what is stored.
transactionSchema.pre('validate', function () {
  const problems = entryProblems(this.entries);
  if (problems.length > 0) this.invalidate('entries', problems.join('; '));
});

transactionSchema.index({ paymentId: 1 });
transactionSchema.index({ lineId: 1 }, { sparse: true });

export function ledgerModel(conn: Connection): LedgerModel {
  return (
    (conn.models.LedgerTransaction as LedgerModel | undefined) ??
    conn.model<LedgerTransaction>('LedgerTransaction', transactionSchema)
  );
}
