import type { PaymentModel } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import { type AccountBalance, toBalances } from './balances.js';
import { ChainFacts, emptyFacts, type PaymentFacts } from './chain-facts.js';
import type { LedgerModel, LedgerTransaction } from './ledger-model.js';
import { type PaymentTotals, paymentProblems, paymentTotals, type ReconciledPayment } from './payment-problems.js';

export type LedgerTotals = Omit<PaymentTotals, 'currency'>;

export interface LedgerReport {
  ok: boolean;
  problems: string[];
  /** The invariant's totals in INR (the payments' currency), in paise. */
  totals: LedgerTotals;
  /** The same per currency the ledger holds (another only for a held capture in a foreign currency). */
  totalsByCurrency: Record<string, LedgerTotals>;
  /** Every account's balance per currency over the transactions checked. */
  balances: AccountBalance[];
  payments: number;
  transactions: number;
}

export const emptyTotals = (): LedgerTotals => ({
  capturedMinor: 0,
  settledMinor: 0,
  refundedMinor: 0,
  inFlightMinor: 0,
  unknownMinor: 0,
  heldMinor: 0,
});

const PAYMENT_FIELDS = { status: 1, currency: 1, totalMinor: 1, lines: 1, gateway: 1, hold: 1 };
const LOOKUP_BATCH = 500;

/** The whole ledger, per currency: the debits of every account equal the credits (a second proof of balance). */
function trialBalanceProblems(balances: readonly AccountBalance[]): string[] {
  const byCurrency = new Map<string, number>();
  for (const b of balances)
    byCurrency.set(b.currency, (byCurrency.get(b.currency) ?? 0) + b.debitMinor - b.creditMinor);
  return [...byCurrency]
    .filter(([, difference]) => difference !== 0)
    .map(([currency, difference]) => `${currency}: the ledger's debits and credits differ by ${difference}`);
}

/** Both streams come sorted by payment id; a server that sorts otherwise would make the merge lie. */
function ascending(label: string) {
  let last: string | undefined;
  return (id: string) => {
    if (last !== undefined && !(last < id)) throw new Error(`checkLedger: ${label} not sorted by payment id`);
    last = id;
  };
}

/** One payment's chain at a time, from a cursor sorted by (paymentId, seq). */
async function* chains(cursor: AsyncIterable<LedgerTransaction>): AsyncGenerator<PaymentFacts> {
  const order = ascending('ledger');
  let current: ChainFacts | undefined;
  for await (const tx of cursor) {
    if (current?.facts.paymentId !== tx.paymentId) {
      if (current) yield current.facts;
      order(String(tx.paymentId));
      current = new ChainFacts(String(tx.paymentId));
    }
    current.add(tx);
  }
  if (current) yield current.facts;
}

/**
 * Proves the ledger, for one payment or every payment that was captured or has ledger activity:
 * every transaction balanced and in its payment's intact hash chain, reversals mirroring what they
 * reverse, captured = settled + refunded + in flight + unknown + held with nothing owed below zero,
 * and agreement with the payment documents (payment-problems.ts). Streams both collections sorted
 * by payment id and merges them, so memory holds one payment at a time (plus the few chains whose
 * payment is not captured, which are looked up at the end). A movement whose job is between its
 * state change and its ledger write shows as a problem until the job finishes.
 */
export async function checkLedger(
  ledger: LedgerModel,
  payments: PaymentModel,
  paymentId?: string,
): Promise<LedgerReport> {
  const report: LedgerReport = {
    ok: true,
    problems: [],
    totals: emptyTotals(),
    totalsByCurrency: {},
    balances: [],
    payments: 0,
    transactions: 0,
  };
  const sums = new Map<string, { account: string; currency: string; debit: number; credit: number }>();
  const take = (payment: ReconciledPayment | null, facts: PaymentFacts) => {
    const totals = paymentTotals(payment, facts);
    report.problems.push(...paymentProblems(payment, facts, totals));
    report.payments += 1;
    report.transactions += facts.transactions;
    const { currency, ...amounts } = totals;
    const into = report.totalsByCurrency[currency] ?? emptyTotals();
    report.totalsByCurrency[currency] = into;
    for (const key of Object.keys(amounts) as (keyof LedgerTotals)[]) into[key] += amounts[key];
    for (const [account, { debit, credit }] of facts.accounts) {
      const key = `${account}\u0000${currency}`;
      const sum = sums.get(key) ?? { account, currency, debit: 0, credit: 0 };
      sum.debit += debit;
      sum.credit += credit;
      sums.set(key, sum);
    }
  };

  const match = paymentId === undefined ? {} : { paymentId };
  const scope = paymentId === undefined ? { status: { $in: CAPTURED_STATUSES } } : { _id: paymentId };
  const ledgerChains = chains(ledger.find(match).sort({ paymentId: 1, seq: 1 }).lean<LedgerTransaction>().cursor());
  const docs = payments.find(scope, PAYMENT_FIELDS).sort({ _id: 1 }).lean<ReconciledPayment>().cursor();
  const docOrder = ascending('payments');
  const nextDoc = async () => {
    const doc = (await docs.next()) as ReconciledPayment | null;
    if (doc) docOrder(doc._id);
    return doc;
  };

  // Chains whose payment is not in the captured scope: uncaptured or missing, so a problem either way.
  const unmatched = new Map<string, PaymentFacts>();
  let chain = await ledgerChains.next();
  let doc = await nextDoc();
  while (!chain.done || doc) {
    if (!chain.done && (!doc || chain.value.paymentId < doc._id)) {
      unmatched.set(chain.value.paymentId, chain.value);
      chain = await ledgerChains.next();
    } else if (doc && (chain.done || doc._id < chain.value.paymentId)) {
      take(doc, emptyFacts(doc._id));
      doc = await nextDoc();
    } else if (doc && !chain.done) {
      take(doc, chain.value);
      chain = await ledgerChains.next();
      doc = await nextDoc();
    }
  }
  const ids = [...unmatched.keys()];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    const batch = ids.slice(i, i + LOOKUP_BATCH);
    const found = await payments
      .find({ _id: { $in: batch } }, PAYMENT_FIELDS)
      .lean<ReconciledPayment[]>()
      .exec();
    const byId = new Map(found.map((p) => [p._id, p]));
    for (const id of batch) take(byId.get(id) ?? null, unmatched.get(id) as PaymentFacts);
  }

  report.balances = toBalances(sums.values());
  report.problems.push(...trialBalanceProblems(report.balances));
  report.totals = report.totalsByCurrency.INR ?? emptyTotals();
  report.ok = report.problems.length === 0;
  return report;
}
