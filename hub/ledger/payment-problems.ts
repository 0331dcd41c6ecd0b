import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES, type PaymentStatus } from '../payments/state-machine.js';
import { billerPayable, isBillerPayable, PAYMENTS_HELD, PAYMENTS_IN_FLIGHT } from './accounts.js';
import { balanceOf, NON_NEGATIVE_ACCOUNTS, type PaymentFacts } from './chain-facts.js';
import { capturedCurrency } from './movements.js';

/** The fields of a payment document that checkLedger reads. */
export type ReconciledPayment = Pick<Payment, '_id' | 'status' | 'currency' | 'totalMinor' | 'lines' | 'gateway'> &
  Partial<Pick<Payment, 'hold'>>;

/** A held payment whose whole capture an operator refunded: it is `refunded` and keeps its `hold`. */
const refundedFromHold = (payment: ReconciledPayment) => payment.status === 'refunded' && payment.hold !== undefined;

/** One payment's share of the invariant, in minor units of its ledger currency. */
export interface PaymentTotals {
  currency: string;
  capturedMinor: number;
  settledMinor: number;
  refundedMinor: number;
  /** payments:in_flight, less what sits on lines whose outcome is unknown. */
  inFlightMinor: number;
  /** In flight on lines in status unknown: awaiting status enquiry or reconciliation. */
  unknownMinor: number;
  /** payments:held: captures of held payments. */
  heldMinor: number;
}

const FINAL: readonly PaymentStatus[] = ['completed', 'partially_refunded', 'refunded'];

/** The payment's totals; the unknown share comes from the document's lines (the ledger moves money only on outcomes). */
export function paymentTotals(payment: ReconciledPayment | null, facts: PaymentFacts): PaymentTotals {
  let settled = 0;
  let refunded = facts.heldRefundedMinor;
  for (const line of facts.lines.values()) {
    settled += line.settledMinor;
    refunded += line.refundedMinor;
  }
  const unknown = (payment?.lines ?? []).reduce((sum, l) => sum + (l.status === 'unknown' ? l.amountMinor : 0), 0);
  const onlyCurrency = facts.currencies.size === 1 ? [...facts.currencies][0] : undefined;
  return {
    currency: onlyCurrency ?? payment?.currency ?? 'INR',
    capturedMinor: facts.capturedMinor,
    settledMinor: settled,
    refundedMinor: refunded,
    inFlightMinor: balanceOf(facts, PAYMENTS_IN_FLIGHT) - unknown,
    unknownMinor: unknown,
    heldMinor: balanceOf(facts, PAYMENTS_HELD),
  };
}

/** The invariant on the ledger's own numbers, and balances that may not go below zero. */
function balanceProblems(label: string, t: PaymentTotals, facts: PaymentFacts): string[] {
  const problems: string[] = [];
  const accounted = t.settledMinor + t.refundedMinor + t.inFlightMinor + t.unknownMinor + t.heldMinor;
  if (t.capturedMinor !== accounted) {
    problems.push(
      `${label}: captured ${t.capturedMinor} ≠ settled ${t.settledMinor} + refunded ${t.refundedMinor}` +
        ` + in flight ${t.inFlightMinor} + unknown ${t.unknownMinor} + held ${t.heldMinor}`,
    );
  }
  if (t.inFlightMinor < 0) {
    problems.push(`${label}: in flight is ${t.inFlightMinor}: more settled or refunded than was captured`);
  }
  for (const account of [...NON_NEGATIVE_ACCOUNTS, ...[...facts.accounts.keys()].filter(isBillerPayable)]) {
    if (account === PAYMENTS_IN_FLIGHT) continue;
    const balance = balanceOf(facts, account);
    if (balance < 0) problems.push(`${label}: ${account} is ${balance}: more went out than came in`);
  }
  if (facts.currencies.size > 1) problems.push(`${label}: transactions in ${[...facts.currencies].join(' and ')}`);
  return problems;
}

/** The capture against the payment: its amount and currency, and where it went (held or in flight). */
function captureProblems(label: string, payment: ReconciledPayment, t: PaymentTotals): string[] {
  const problems: string[] = [];
  const held = payment.status === 'held' || refundedFromHold(payment);
  if (t.capturedMinor === 0) return [`${label} is ${payment.status} but the ledger has no capture`];
  if (held) {
    const taken = payment.gateway?.capturedMinor ?? payment.totalMinor;
    if (t.capturedMinor !== taken) {
      problems.push(`${label}: the ledger captured ${t.capturedMinor} but the gateway captured ${taken}`);
    }
    if (payment.status === 'held' && t.heldMinor !== t.capturedMinor)
      problems.push(`${label} is held but only ${t.heldMinor} of its capture is held`);
    if (payment.status !== 'held' && t.heldMinor !== 0)
      problems.push(`${label} was refunded from its hold but ${t.heldMinor} is still held`);
  } else {
    if (t.capturedMinor !== payment.totalMinor) {
      problems.push(`${label}: the ledger captured ${t.capturedMinor} but the payment total is ${payment.totalMinor}`);
    }
    if (t.heldMinor !== 0) problems.push(`${label} is ${payment.status} but ${t.heldMinor} sits in ${PAYMENTS_HELD}`);
  }
  const expected = held ? capturedCurrency(payment) : payment.currency;
  if (t.currency !== expected) problems.push(`${label}: the ledger is in ${t.currency}, the capture in ${expected}`);
  return problems;
}

/** Each line's ledger movements against the line's own status, amount and biller. */
function lineProblems(label: string, payment: ReconciledPayment, facts: PaymentFacts): string[] {
  const problems: string[] = [];
  for (const line of payment.lines) {
    const at = `${label} line ${line._id}`;
    const f = facts.lines.get(line._id);
    if (!f) {
      if (line.status === 'settled') problems.push(`${at} is settled but has no settlement`);
      if (line.status === 'refunded') problems.push(`${at} is refunded but has no refund`);
      continue;
    }
    if (f.settledMinor !== 0 && f.refundedMinor !== 0) problems.push(`${at}: both a settlement and a refund recorded`);
    for (const [status, amount] of [
      ['settled', f.settledMinor],
      ['refunded', f.refundedMinor],
    ] as const) {
      const noun = status === 'settled' ? 'settlement' : 'refund';
      if (line.status === status && amount === 0) problems.push(`${at} is ${status} but has no ${noun}`);
      else if (line.status === status && amount !== line.amountMinor) {
        problems.push(`${at}: ${status} ${amount} in the ledger but the line is ${line.amountMinor}`);
      } else if (line.status !== status && amount !== 0) problems.push(`${at} is ${line.status} but was ${status}`);
    }
    const payable = billerPayable(line.billerId);
    if ([...f.settledTo, ...f.paidOutFrom].some((account) => account !== payable)) {
      problems.push(`${at}: moved on another biller's account, not ${payable}`);
    }
    if (f.paidOutMinor < 0 || f.paidOutMinor > f.settledMinor) {
      problems.push(`${at}: paid out ${f.paidOutMinor} to the biller but settled ${f.settledMinor}`);
    }
    if (f.nettedMinor < 0 || f.nettedMinor > f.refundedMinor) {
      problems.push(`${at}: the gateway netted ${f.nettedMinor} of refunds but ${f.refundedMinor} was refunded`);
    }
  }
  const known = new Set(payment.lines.map((line) => line._id));
  for (const lineId of facts.lines.keys()) {
    if (!known.has(lineId))
      problems.push(`${label}: the ledger moves money for line ${lineId}, which it does not have`);
  }
  return problems;
}

/**
 * Everything wrong between one payment's ledger chain and its document (`payment` null when no
 * payment has this id): the transactions' own problems, captured = settled + refunded + in flight +
 * unknown + held with nothing owed below zero, the capture against what the gateway took, and every
 * line's movements against its status. A held payment is fine while its whole capture is held.
 */
export function paymentProblems(payment: ReconciledPayment | null, facts: PaymentFacts, t: PaymentTotals): string[] {
  const label = `payment ${facts.paymentId}`;
  const problems = [...facts.problems, ...balanceProblems(label, t, facts)];
  if (!payment) {
    if (facts.transactions > 0)
      problems.push(`${label}: the ledger has transactions for a payment that does not exist`);
    return problems;
  }
  const captured = CAPTURED_STATUSES.includes(payment.status);
  if (!captured && facts.transactions > 0) problems.push(`${label} is ${payment.status} but the ledger moved money`);
  if (captured) problems.push(...captureProblems(label, payment, t));
  if (facts.heldRefundedMinor !== 0 && !refundedFromHold(payment)) {
    problems.push(`${label} is ${payment.status} but the ledger refunded a held capture`);
  }
  if (payment.status === 'held' && t.inFlightMinor + t.unknownMinor !== 0) {
    problems.push(`${label} is held but ${t.inFlightMinor + t.unknownMinor} of it is in flight`);
  }
  if (FINAL.includes(payment.status) && t.inFlightMinor + t.unknownMinor !== 0) {
    problems.push(`${label} is ${payment.status} but ${t.inFlightMinor + t.unknownMinor} is still in flight`);
  }
  return [...problems, ...lineProblems(label, payment, facts)];
}
