import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES, type PaymentStatus } from '../payments/state-machine.js';
import { billerPayable } from './accounts.js';

export interface LedgerTotals {
  capturedMinor: number;
  settledMinor: number;
  refundedMinor: number;
  inFlightMinor: number;
}

/** One settlement or refund as the ledger has it for a line. */
export interface LineMovement {
  transactionId: string;
  amountMinor: number;
  /** The accounts it credited besides payments:in_flight. */
  accounts: string[];
}

/** What the ledger holds for one payment. */
export interface PaymentFacts {
  transactions: number;
  totals: LedgerTotals;
  settlements: Map<string, LineMovement[]>;
  refunds: Map<string, LineMovement[]>;
}

export type ReconciledPayment = Pick<Payment, '_id' | 'status' | 'totalMinor' | 'lines'>;

export const emptyTotals = (): LedgerTotals => ({
  capturedMinor: 0,
  settledMinor: 0,
  refundedMinor: 0,
  inFlightMinor: 0,
});

export const emptyFacts = (): PaymentFacts => ({
  transactions: 0,
  totals: emptyTotals(),
  settlements: new Map(),
  refunds: new Map(),
});

const FINAL: readonly PaymentStatus[] = ['completed', 'partially_refunded', 'refunded'];
const sum = (movements: readonly LineMovement[]) => movements.reduce((total, m) => total + m.amountMinor, 0);

/** The invariant on the ledger's own numbers: captured = settled + refunded + in flight, in flight ≥ 0. */
function balanceProblems(label: string, t: LedgerTotals): string[] {
  const problems: string[] = [];
  if (t.capturedMinor !== t.settledMinor + t.refundedMinor + t.inFlightMinor) {
    problems.push(
      `${label}: captured ${t.capturedMinor} ≠ settled ${t.settledMinor} + refunded ${t.refundedMinor} + in flight ${t.inFlightMinor}`,
    );
  }
  if (t.inFlightMinor < 0) {
    problems.push(`${label}: in flight is ${t.inFlightMinor}: more settled or refunded than was captured`);
  }
  return problems;
}

/** Each line's ledger movements against the line's own status, amount and biller. */
function lineProblems(label: string, payment: ReconciledPayment, facts: PaymentFacts): string[] {
  const problems: string[] = [];
  for (const line of payment.lines) {
    const at = `${label} line ${line._id}`;
    const settlements = facts.settlements.get(line._id) ?? [];
    const refunds = facts.refunds.get(line._id) ?? [];
    if (settlements.length > 0 && refunds.length > 0) problems.push(`${at}: both a settlement and a refund recorded`);
    if (line.status === 'settled' && settlements.length === 0) problems.push(`${at} is settled but has no settlement`);
    if (line.status !== 'settled' && settlements.length > 0) problems.push(`${at} is ${line.status} but was settled`);
    if (line.status === 'refunded' && refunds.length === 0) problems.push(`${at} is refunded but has no refund`);
    if (line.status !== 'refunded' && refunds.length > 0) problems.push(`${at} is ${line.status} but was refunded`);
    for (const [kind, movements] of [
      ['settled', settlements],
      ['refunded', refunds],
    ] as const) {
      if (movements.length > 0 && sum(movements) !== line.amountMinor) {
        problems.push(`${at}: ${kind} ${sum(movements)} in the ledger but the line is ${line.amountMinor}`);
      }
    }
    const payable = billerPayable(line.billerId);
    if (settlements.some((m) => !m.accounts.every((account) => account === payable))) {
      problems.push(`${at}: settled to another biller's account, not ${payable}`);
    }
  }
  const known = new Set(payment.lines.map((line) => line._id));
  for (const lineId of [...facts.settlements.keys(), ...facts.refunds.keys()]) {
    if (!known.has(lineId))
      problems.push(`${label}: the ledger moves money for line ${lineId}, which it does not have`);
  }
  return problems;
}

/**
 * Everything wrong between one payment's ledger movements and its document. `payment` is null
 * when no payment document has this id.
 */
export function paymentProblems(paymentId: string, payment: ReconciledPayment | null, facts: PaymentFacts): string[] {
  const label = `payment ${paymentId}`;
  const t = facts.totals;
  const problems = balanceProblems(label, t);
  if (!payment) {
    if (facts.transactions > 0)
      problems.push(`${label}: the ledger has transactions for a payment that does not exist`);
    return problems;
  }
  const captured = CAPTURED_STATUSES.includes(payment.status);
  if (captured && t.capturedMinor === 0) problems.push(`${label} is ${payment.status} but the ledger has no capture`);
  else if (captured && t.capturedMinor !== payment.totalMinor) {
    problems.push(`${label}: the ledger captured ${t.capturedMinor} but the payment total is ${payment.totalMinor}`);
  }
  if (!captured && facts.transactions > 0) problems.push(`${label} is ${payment.status} but the ledger moved money`);
  if (FINAL.includes(payment.status) && t.inFlightMinor !== 0) {
    problems.push(`${label} is ${payment.status} but ${t.inFlightMinor} is still in flight`);
  }
  return [...problems, ...lineProblems(label, payment, facts)];
}
