import type { Model } from 'mongoose';
import type { LedgerTransaction } from '../ledger/ledger-model.js';
import type { Payment } from '../payments/payment-model.js';

/** What reconciliation reads from the hub's own records. */
export interface HubRecords {
  /** Payments whose money the hub saw captured in [from, to) (moved to captured, or held on a mismatch). */
  capturedBetween(from: Date, to: Date): Promise<Payment[]>;
  byIds(ids: readonly string[]): Promise<Payment[]>;
  /** Payments owning lines with these references. */
  byReferences(references: readonly string[]): Promise<Payment[]>;
  /** Ledger movement keys by payment: `capture`, `settlement:<lineId>`, `refund:<lineId>`. */
  movements(paymentIds: readonly string[]): Promise<Map<string, Set<string>>>;
}

/** Kinds the hub's ledger writes today, as movement keys. */
const KEY: Record<string, string> = { capture: 'capture', settlement: 'settlement', refund: 'refund' };

/** HubRecords over the payments and ledger_transactions collections (today's models). */
export function hubRecords(payments: Model<Payment>, ledger: Model<LedgerTransaction>): HubRecords {
  return {
    capturedBetween: (from, to) =>
      payments
        .find({ timeline: { $elemMatch: { to: { $in: ['captured', 'held'] }, at: { $gte: from, $lt: to } } } })
        .lean<Payment[]>()
        .exec(),
    byIds: async (ids) =>
      ids.length
        ? payments
            .find({ _id: { $in: ids } })
            .lean<Payment[]>()
            .exec()
        : [],
    byReferences: async (references) =>
      references.length
        ? payments
            .find({ 'lines.reference': { $in: references } })
            .lean<Payment[]>()
            .exec()
        : [],
    async movements(paymentIds) {
      const found = new Map<string, Set<string>>();
      if (paymentIds.length === 0) return found;
      const rows = await ledger
        .find({ paymentId: { $in: paymentIds } }, { paymentId: 1, kind: 1, lineId: 1 })
        .lean<Pick<LedgerTransaction, 'paymentId' | 'kind' | 'lineId'>[]>()
        .exec();
      for (const row of rows) {
        const kind = KEY[row.kind];
        if (!kind) continue;
        const keys = found.get(row.paymentId) ?? new Set<string>();
        keys.add(kind === 'capture' ? kind : `${kind}:${row.lineId}`);
        found.set(row.paymentId, keys);
      }
      return found;
    },
  };
}
