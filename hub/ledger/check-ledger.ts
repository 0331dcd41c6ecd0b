import type { PaymentModel } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import { type AccountRole, accountRole, roleBalance } from './accounts.js';
import { entryProblems } from './balance.js';
import type { LedgerModel, LedgerTransaction } from './ledger-model.js';
import {
  emptyFacts,
  emptyTotals,
  type LedgerTotals,
  type PaymentFacts,
  paymentProblems,
  type ReconciledPayment,
} from './reconcile.js';

export interface LedgerReport {
  ok: boolean;
  problems: string[];
  totals: LedgerTotals;
}

const TOTAL_OF: Record<AccountRole, keyof LedgerTotals> = {
  captured: 'capturedMinor',
  inFlight: 'inFlightMinor',
  settled: 'settledMinor',
  refunded: 'refundedMinor',
};

interface AccountSums {
  _id: { paymentId: string; account: string };
  debit: number;
  credit: number;
}

/** Each payment's balance per account, summed by the database. */
async function balancesByPayment(ledger: LedgerModel, match: object, facts: (id: string) => PaymentFacts) {
  const rows = await ledger.aggregate<AccountSums>([
    { $match: match },
    { $unwind: '$entries' },
    {
      $group: {
        _id: { paymentId: '$paymentId', account: '$entries.account' },
        debit: { $sum: '$entries.debitMinor' },
        credit: { $sum: '$entries.creditMinor' },
      },
    },
  ]);
  for (const { _id, debit, credit } of rows) {
    const role = accountRole(_id.account);
    if (role) facts(_id.paymentId).totals[TOTAL_OF[role]] += roleBalance(role, debit, credit);
  }
}

/** Walks every transaction once: is it well formed, and which line did it settle or refund, for how much. */
async function readTransactions(ledger: LedgerModel, match: object, facts: (id: string) => PaymentFacts) {
  const problems: string[] = [];
  for await (const tx of ledger.find(match).lean<LedgerTransaction>().cursor()) {
    const payment = facts(tx.paymentId);
    payment.transactions += 1;
    for (const problem of entryProblems(tx.entries)) problems.push(`transaction ${tx._id}: ${problem}`);
    if (tx.kind === 'capture') continue;
    if (!tx.lineId) {
      problems.push(`transaction ${tx._id}: a ${tx.kind} that names no line`);
      continue;
    }
    const role = tx.kind === 'settlement' ? 'settled' : 'refunded';
    const credited = (tx.entries ?? []).filter((e) => accountRole(e.account) === role);
    const byLine = tx.kind === 'settlement' ? payment.settlements : payment.refunds;
    const movements = byLine.get(tx.lineId) ?? [];
    movements.push({
      transactionId: tx._id,
      amountMinor: credited.reduce((total, e) => total + e.creditMinor - e.debitMinor, 0),
      accounts: credited.map((e) => e.account),
    });
    byLine.set(tx.lineId, movements);
  }
  return problems;
}

/**
 * Reconciliation: for one payment, or every payment with a capture or ledger activity, checks that
 * every transaction is balanced, that captured = settled + refunded + in flight with in flight ≥ 0,
 * and that the ledger agrees with the payment documents. A movement whose job is between its
 * state change and its ledger write shows as a problem until the job finishes.
 */
export async function checkLedger(
  ledger: LedgerModel,
  payments: PaymentModel,
  paymentId?: string,
): Promise<LedgerReport> {
  const match = paymentId === undefined ? {} : { paymentId };
  const byPayment = new Map<string, PaymentFacts>();
  const facts = (id: string) => {
    const found = byPayment.get(id) ?? emptyFacts();
    byPayment.set(id, found);
    return found;
  };
  await balancesByPayment(ledger, match, facts);
  const problems = await readTransactions(ledger, match, facts);

  const scope =
    paymentId === undefined
      ? { $or: [{ _id: { $in: [...byPayment.keys()] } }, { status: { $in: CAPTURED_STATUSES } }] }
      : { _id: paymentId };
  const seen = new Set<string>();
  const docs = payments.find(scope, { status: 1, totalMinor: 1, lines: 1 }).lean<ReconciledPayment>().cursor();
  for await (const payment of docs) {
    seen.add(payment._id);
    problems.push(...paymentProblems(payment._id, payment, facts(payment._id)));
  }
  for (const [id, orphan] of byPayment) if (!seen.has(id)) problems.push(...paymentProblems(id, null, orphan));

  const totals = emptyTotals();
  for (const { totals: t } of byPayment.values()) {
    for (const key of Object.keys(totals) as (keyof LedgerTotals)[]) totals[key] += t[key];
  }
  return { ok: problems.length === 0, problems, totals };
}
