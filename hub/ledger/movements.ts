import { ConflictError, ValidationError } from '../../infra/errors.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import {
  BANK_SETTLEMENT,
  billerPayable,
  GATEWAY_FEES,
  GATEWAY_RECEIVABLE,
  PAYMENTS_HELD,
  PAYMENTS_IN_FLIGHT,
  REFUNDS_PAYABLE,
} from './accounts.js';
import type { LedgerEntry } from './balance.js';
import type { LedgerTransaction } from './ledger-model.js';

/** A movement before the ledger gives it its place in the payment's hash chain. */
export type NewLedgerTransaction = Omit<LedgerTransaction, 'seq' | 'prevHash' | 'hash' | 'createdAt'>;

/** Which payout (bank transfer) a payout or netting belongs to: the gateway's or the bank's reference. */
export interface PayoutRef {
  payoutId: string;
}

/** One payment's row of a gateway payout: what the gateway paid for it, and the fee it kept. */
export interface GatewayPayout extends PayoutRef {
  /**
   * What the gateway settled for this payment in this payout, before its fee, in minor units: what
   * it captured less what it netted for refunds. Negative when it takes back a refund netted after
   * an earlier payout of this payment.
   */
  amountMinor: number;
  /** The gateway's fee for this payment in this payout (≥ 0, minor units). */
  feeMinor: number;
}

const debit = (account: string, amountMinor: number): LedgerEntry => ({
  account,
  debitMinor: amountMinor,
  creditMinor: 0,
});
const credit = (account: string, amountMinor: number): LedgerEntry => ({
  account,
  debitMinor: 0,
  creditMinor: amountMinor,
});
const move = (from: string, to: string, amountMinor: number) => [debit(from, amountMinor), credit(to, amountMinor)];

/** A signed amount as one entry on the right side (nothing for zero). */
const signed = (account: string, debitMinusCredit: number): LedgerEntry[] =>
  debitMinusCredit === 0
    ? []
    : [debitMinusCredit > 0 ? debit(account, debitMinusCredit) : credit(account, -debitMinusCredit)];

/** The line as the payment document has it: the caller's copy may be stale or foreign. */
function storedLine(payment: Payment, line: Pick<PaymentLine, '_id'>, expected: PaymentLine['status']): PaymentLine {
  const stored = payment.lines.find((l) => l._id === line._id);
  if (!stored) throw new ValidationError(`line ${line._id} is not part of payment ${payment._id}`);
  if (stored.status !== expected) {
    throw new ConflictError(`line ${line._id} is ${stored.status}, not ${expected}`, { status: stored.status });
  }
  return stored;
}

function assertCaptured(payment: Payment): void {
  if (!CAPTURED_STATUSES.includes(payment.status)) {
    throw new ConflictError(`payment ${payment._id} is ${payment.status}, not captured`, { status: payment.status });
  }
}

function assertPayoutId(payoutId: unknown): asserts payoutId is string {
  if (typeof payoutId !== 'string' || !/^\S{1,128}$/.test(payoutId)) {
    throw new ValidationError('payoutId must be 1-128 characters without spaces');
  }
}

/** The currency the gateway took (ISO 4217, upper case): the payment's unless it reported another. */
export const capturedCurrency = (payment: Pick<Payment, 'gateway' | 'currency'>): string =>
  (payment.gateway?.capturedCurrency ?? payment.currency).toUpperCase();

/**
 * Dr gateway:receivable / Cr payments:in_flight, for what the gateway actually captured
 * (`gateway.capturedMinor`, in `gateway.capturedCurrency`; the payment's total and currency when it
 * reported none). A held payment's capture goes to payments:held instead: it is not settled until
 * an operator decides. checkLedger flags a capture that is not the total of a payment that is not held.
 * Throws ConflictError unless the payment is in a captured status.
 */
export function captureMovement(payment: Payment): NewLedgerTransaction {
  assertCaptured(payment);
  const amount = payment.gateway?.capturedMinor ?? payment.totalMinor;
  const to = payment.status === 'held' ? PAYMENTS_HELD : PAYMENTS_IN_FLIGHT;
  return {
    _id: `capture:${payment._id}`,
    paymentId: payment._id,
    kind: 'capture',
    entries: move(GATEWAY_RECEIVABLE, to, amount),
    currency: capturedCurrency(payment),
  };
}

/** Dr payments:in_flight / Cr biller:<id>:payable once the biller accepted the line (line `settled`). */
export function settlementMovement(payment: Payment, line: Pick<PaymentLine, '_id'>): NewLedgerTransaction {
  const stored = storedLine(payment, line, 'settled');
  return {
    _id: `settle:${stored._id}`,
    paymentId: payment._id,
    lineId: stored._id,
    kind: 'settlement',
    entries: move(PAYMENTS_IN_FLIGHT, billerPayable(stored.billerId), stored.amountMinor),
    currency: payment.currency,
  };
}

/**
 * Dr payments:in_flight / Cr refunds:payable once the gateway refunded the line (line `refunded`):
 * the citizen has the money back, paid by the gateway out of what it holds for the hub.
 */
export function refundMovement(payment: Payment, line: Pick<PaymentLine, '_id'>): NewLedgerTransaction {
  const stored = storedLine(payment, line, 'refunded');
  return {
    _id: `refund:${stored._id}`,
    paymentId: payment._id,
    lineId: stored._id,
    kind: 'refund',
    entries: move(PAYMENTS_IN_FLIGHT, REFUNDS_PAYABLE, stored.amountMinor),
    currency: payment.currency,
  };
}

/**
 * Dr payments:held / Cr refunds:payable: an operator refunded the whole capture of a payment that
 * was held for a capture mismatch (status `refunded`, `hold` kept), and the gateway paid it back.
 * What the gateway took, in the currency it took it; keyed on the payment (`refund:<paymentId>`),
 * since no line was ever settled or refunded. Throws ConflictError for a payment not refunded from
 * a hold.
 */
export function heldRefundMovement(payment: Payment): NewLedgerTransaction {
  if (payment.status !== 'refunded' || !payment.hold) {
    throw new ConflictError(`payment ${payment._id} is ${payment.status}, not refunded from a hold`, {
      status: payment.status,
    });
  }
  return {
    _id: `refund:${payment._id}`,
    paymentId: payment._id,
    kind: 'refund',
    entries: move(PAYMENTS_HELD, REFUNDS_PAYABLE, payment.gateway?.capturedMinor ?? payment.totalMinor),
    currency: capturedCurrency(payment),
  };
}

/**
 * Dr refunds:payable / Cr gateway:receivable: the gateway nets a refunded line against what it owes
 * the hub (its settlement report lists the refund). Once per line; the line must be `refunded`.
 */
export function refundNettingMovement(
  payment: Payment,
  line: Pick<PaymentLine, '_id'>,
  { payoutId }: PayoutRef,
): NewLedgerTransaction {
  assertPayoutId(payoutId);
  const stored = storedLine(payment, line, 'refunded');
  return {
    _id: `refund-netted:${stored._id}`,
    paymentId: payment._id,
    lineId: stored._id,
    kind: 'refund_netting',
    entries: move(REFUNDS_PAYABLE, GATEWAY_RECEIVABLE, stored.amountMinor),
    currency: payment.currency,
    payoutId,
  };
}

/**
 * The gateway pays one payment's money to the bank: Cr gateway:receivable by `amountMinor`,
 * Dr gateway:fees by `feeMinor`, Dr bank:settlement by the rest (the report's net payout; a
 * negative amount or net turns its side). Once per payment and payout. Throws ValidationError on
 * amounts that are not integers, a negative fee, or nothing to record.
 */
export function gatewayPayoutMovement(payment: Payment, payout: GatewayPayout): NewLedgerTransaction {
  assertCaptured(payment);
  assertPayoutId(payout.payoutId);
  const { amountMinor, feeMinor } = payout;
  if (!Number.isSafeInteger(amountMinor) || !Number.isSafeInteger(feeMinor) || feeMinor < 0) {
    throw new ValidationError('a gateway payout needs an integer amount and a non-negative integer fee (minor units)');
  }
  if (amountMinor === 0 && feeMinor === 0) throw new ValidationError('a gateway payout of nothing is not a movement');
  return {
    _id: `gateway-payout:${payout.payoutId}:${payment._id}`,
    paymentId: payment._id,
    kind: 'gateway_payout',
    entries: [
      ...signed(BANK_SETTLEMENT, amountMinor - feeMinor),
      ...signed(GATEWAY_FEES, feeMinor),
      ...signed(GATEWAY_RECEIVABLE, -amountMinor),
    ],
    currency: capturedCurrency(payment),
    payoutId: payout.payoutId,
  };
}

/** Dr biller:<id>:payable / Cr bank:settlement: the hub pays a settled line to its biller, once. */
export function billerPayoutMovement(
  payment: Payment,
  line: Pick<PaymentLine, '_id'>,
  { payoutId }: PayoutRef,
): NewLedgerTransaction {
  assertPayoutId(payoutId);
  const stored = storedLine(payment, line, 'settled');
  return {
    _id: `biller-payout:${stored._id}`,
    paymentId: payment._id,
    lineId: stored._id,
    kind: 'biller_payout',
    entries: move(billerPayable(stored.billerId), BANK_SETTLEMENT, stored.amountMinor),
    currency: payment.currency,
    payoutId,
  };
}

/**
 * The one correction: a transaction with the same accounts and amounts on the other side, in the
 * same payment's chain, naming what it reverses and why. A reversal is not reversed again (record
 * the right movement instead). Throws ValidationError for a reversal or an empty reason.
 */
export function reversalMovement(original: LedgerTransaction, reason: string): NewLedgerTransaction {
  if (original.kind === 'reversal') throw new ValidationError(`transaction ${original._id} is itself a reversal`);
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (why.length === 0 || why.length > 500) throw new ValidationError('a reversal needs a reason of 1-500 characters');
  return {
    _id: `reversal:${original._id}`,
    paymentId: original.paymentId,
    ...(original.lineId === undefined ? {} : { lineId: original.lineId }),
    kind: 'reversal',
    entries: original.entries.map((e) => ({
      account: e.account,
      debitMinor: e.creditMinor,
      creditMinor: e.debitMinor,
    })),
    currency: original.currency,
    reverses: original._id,
    reason: why,
  };
}
