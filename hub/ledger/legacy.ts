import { GENESIS_HASH, transactionHash } from './chain.js';
import type { LedgerModel, LedgerTransaction } from './ledger-model.js';

export interface LegacyChaining {
  /** Payments whose transactions were chained, and how many transactions that was. */
  payments: number;
  transactions: number;
  /** Payments left alone: they already have a chain, so an unchained transaction beside it is not legacy. */
  refused: string[];
}

/** How many transactions have no place in a hash chain (written before chains, or around the ledger). */
export const countUnchained = (ledger: LedgerModel): Promise<number> =>
  ledger.countDocuments({ seq: { $exists: false } }).exec();

/**
 * A one-off, explicit operator step after upgrading a database written before hash chains: gives
 * each payment's unchained transactions seq, prevHash and hash, in the order they were recorded.
 * It goes through the raw collection, the one sanctioned write that is not an append. A payment
 * that already has a chained transaction is refused: an unchained one beside it was written around
 * the ledger, and chaining it would hide that. What it chains is trusted as it stands, so check the
 * ledger (balances, agreement with payments) before running it.
 */
export async function chainLegacyTransactions(ledger: LedgerModel): Promise<LegacyChaining> {
  const result: LegacyChaining = { payments: 0, transactions: 0, refused: [] };
  const collection = ledger.collection;
  const ids: string[] = await collection.distinct('paymentId', { seq: { $exists: false } });
  for (const paymentId of ids) {
    if ((await collection.countDocuments({ paymentId, seq: { $exists: true } })) > 0) {
      result.refused.push(paymentId);
      continue;
    }
    const legacy = (await collection
      .find({ paymentId, seq: { $exists: false } })
      .sort({ createdAt: 1, _id: 1 })
      .toArray()) as unknown as LedgerTransaction[];
    let prevHash = GENESIS_HASH;
    for (const [seq, tx] of legacy.entries()) {
      const hash = transactionHash({ ...tx, seq, prevHash });
      await collection.updateOne({ _id: tx._id, seq: { $exists: false } } as never, { $set: { seq, prevHash, hash } });
      prevHash = hash;
    }
    result.payments += 1;
    result.transactions += legacy.length;
  }
  return result;
}
