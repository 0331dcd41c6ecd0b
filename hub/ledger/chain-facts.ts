import {
  GATEWAY_FEES,
  GATEWAY_RECEIVABLE,
  isBillerPayable,
  normalBalance,
  PAYMENTS_HELD,
  PAYMENTS_IN_FLIGHT,
  REFUNDS_PAYABLE,
} from './accounts.js';
import { entryProblems, type LedgerEntry } from './balance.js';
import { ChainVerifier } from './chain.js';
import type { LedgerKind, LedgerTransaction } from './ledger-model.js';

/** What one line's transactions add up to, net of reversals, in minor units. */
export interface LineFacts {
  settledMinor: number;
  /** The payable accounts its settlements credited. */
  settledTo: Set<string>;
  refundedMinor: number;
  /** Refunds the gateway netted against what it owes. */
  nettedMinor: number;
  paidOutMinor: number;
  /** The payable accounts its biller payouts debited. */
  paidOutFrom: Set<string>;
}

/** What one payment's chain says, walked once in seq order. */
export interface PaymentFacts {
  paymentId: string;
  transactions: number;
  currencies: Set<string>;
  /** Debits and credits per account. */
  accounts: Map<string, { debit: number; credit: number }>;
  /** Net of captures (what the receivable was debited by them) less their reversals. */
  capturedMinor: number;
  lines: Map<string, LineFacts>;
  /** The refund of a held payment's whole capture (heldRefundMovement: a refund naming no line). */
  heldRefundedMinor: number;
  /** Problems of single transactions: not balanced, out of chain, a reversal that does not fit. */
  problems: string[];
}

export const emptyFacts = (paymentId: string): PaymentFacts => ({
  paymentId,
  transactions: 0,
  currencies: new Set(),
  accounts: new Map(),
  capturedMinor: 0,
  lines: new Map(),
  heldRefundedMinor: 0,
  problems: [],
});

const emptyLine = (): LineFacts => ({
  settledMinor: 0,
  settledTo: new Set(),
  refundedMinor: 0,
  nettedMinor: 0,
  paidOutMinor: 0,
  paidOutFrom: new Set(),
});

/** A balance on its normal side, from the facts' debits minus credits. */
export function balanceOf(facts: PaymentFacts, account: string): number {
  const sums = facts.accounts.get(account);
  return sums ? normalBalance(account, sums.debit - sums.credit) : 0;
}

/** Debits minus credits of the entries on accounts that `pick` selects. */
function net(entries: readonly LedgerEntry[], pick: (account: string) => boolean): number {
  let total = 0;
  for (const e of entries) if (pick(e.account)) total += (Number(e.debitMinor) || 0) - (Number(e.creditMinor) || 0);
  return total;
}

const LINE_KINDS: readonly LedgerKind[] = ['settlement', 'refund', 'refund_netting', 'biller_payout'];
const mirrors = (a: readonly LedgerEntry[], b: readonly LedgerEntry[]) =>
  a.length === b.length &&
  a.every(
    (e, i) => e.account === b[i]?.account && e.debitMinor === b[i]?.creditMinor && e.creditMinor === b[i]?.debitMinor,
  );

/**
 * Folds one payment's transactions, in chain order, into its facts: checks each one (balanced, in
 * the chain, a reversal mirroring an earlier transaction of the chain) and adds what it moved.
 * A reversal counts as its original's kind with the amounts turned, so every sum is net of it.
 */
export class ChainFacts {
  readonly facts: PaymentFacts;
  private readonly chain: ChainVerifier;
  private readonly seen = new Map<string, Pick<LedgerTransaction, 'kind' | 'entries' | 'lineId'>>();
  private readonly reversed = new Set<string>();

  constructor(paymentId: string) {
    this.facts = emptyFacts(paymentId);
    this.chain = new ChainVerifier(paymentId);
  }

  add(tx: LedgerTransaction): void {
    const f = this.facts;
    const at = `transaction ${tx._id}`;
    f.transactions += 1;
    f.problems.push(...this.chain.next(tx));
    f.problems.push(...entryProblems(tx.entries).map((problem) => `${at}: ${problem}`));
    const entries = Array.isArray(tx.entries) ? tx.entries : [];
    if (typeof tx.currency === 'string') f.currencies.add(tx.currency);
    for (const e of entries) {
      if (typeof e?.account !== 'string') continue;
      const sums = f.accounts.get(e.account) ?? { debit: 0, credit: 0 };
      sums.debit += Number(e.debitMinor) || 0;
      sums.credit += Number(e.creditMinor) || 0;
      f.accounts.set(e.account, sums);
    }
    this.seen.set(tx._id, { kind: tx.kind, entries, lineId: tx.lineId });

    let kind = tx.kind;
    let lineId = tx.lineId;
    if (tx.kind === 'reversal') {
      const original = tx.reverses === undefined ? undefined : this.seen.get(tx.reverses);
      if (!original || original.kind === 'reversal') {
        f.problems.push(`${at} reverses ${tx.reverses ?? 'nothing'}, which is no earlier movement of this payment`);
        return;
      }
      if (!mirrors(entries, original.entries)) f.problems.push(`${at} does not mirror ${tx.reverses}'s entries`);
      if (this.reversed.has(tx.reverses as string)) f.problems.push(`${at}: ${tx.reverses} was already reversed`);
      this.reversed.add(tx.reverses as string);
      kind = original.kind;
      lineId = original.lineId;
    }
    if (kind === 'capture') {
      f.capturedMinor += net(entries, (a) => a === GATEWAY_RECEIVABLE);
      return;
    }
    if (kind === 'gateway_payout') return; // receivable, fees and bank: in the account balances
    if (!LINE_KINDS.includes(kind)) {
      f.problems.push(`${at} is of no known kind (${String(kind)})`);
      return;
    }
    if (!lineId && kind === 'refund') {
      f.heldRefundedMinor -= net(entries, (a) => a === REFUNDS_PAYABLE);
      return;
    }
    if (!lineId) {
      f.problems.push(`${at}: a ${kind} that names no line`);
      return;
    }
    const line = f.lines.get(lineId) ?? emptyLine();
    f.lines.set(lineId, line);
    const payables = entries.filter((e) => isBillerPayable(e.account)).map((e) => e.account);
    if (kind === 'settlement') {
      line.settledMinor -= net(entries, isBillerPayable);
      for (const account of payables) line.settledTo.add(account);
    } else if (kind === 'refund') {
      line.refundedMinor -= net(entries, (a) => a === REFUNDS_PAYABLE);
    } else if (kind === 'refund_netting') {
      line.nettedMinor += net(entries, (a) => a === REFUNDS_PAYABLE);
    } else {
      line.paidOutMinor += net(entries, isBillerPayable);
      for (const account of payables) line.paidOutFrom.add(account);
    }
  }
}

/** The accounts whose balance may never go below zero for one payment (what it owes cannot be negative). */
export const NON_NEGATIVE_ACCOUNTS = [PAYMENTS_IN_FLIGHT, PAYMENTS_HELD, REFUNDS_PAYABLE, GATEWAY_FEES] as const;
