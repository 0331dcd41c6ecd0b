import { ConflictError, ValidationError } from '../../infra/errors.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';
import { billerPayable, GATEWAY_RECEIVABLE, GATEWAY_REFUNDS, PAYMENTS_IN_FLIGHT } from './accounts.js';
import type { LedgerTransaction } from './ledger-model.js';

export type NewLedgerTransaction = Omit<LedgerTransaction, 'createdAt'>;

const move = (debit: string, credit: string, amountMinor: number) => [
  { account: debit, debitMinor: amountMinor, creditMinor: 0 },
  { account: credit, debitMinor: 0, creditMinor: amountMinor },
];

/** The line as the payment document has it: the caller's copy may be stale or foreign. */
function storedLine(payment: Payment, line: Pick<PaymentLine, '_id'>, expected: PaymentLine['status']): PaymentLine {
  const stored = payment.lines.find((l) => l._id === line._id);
  if (!stored) throw new ValidationError(`line ${line._id} is not part of payment ${payment._id}`);
  if (stored.status !== expected) {
    throw new ConflictError(`line ${line._id} is ${stored.status}, not ${expected}`, { status: stored.status });
  }
  return stored;
}

/** Dr gateway:receivable / Cr payments:in_flight for what the gateway captured. */
export function captureMovement(payment: Payment): NewLedgerTransaction {
  if (!CAPTURED_STATUSES.includes(payment.status)) {
    throw new ConflictError(`payment ${payment._id} is ${payment.status}, not captured`, { status: payment.status });
  }
  // What the gateway reports it took; checkLedger flags it if that is not the total.
  const amount = payment.gateway?.capturedMinor ?? payment.totalMinor;
  return {
    _id: `capture:${payment._id}`,
    paymentId: payment._id,
    kind: 'capture',
    entries: move(GATEWAY_RECEIVABLE, PAYMENTS_IN_FLIGHT, amount),
    currency: payment.currency,
  };
}

/** Dr payments:in_flight / Cr biller:<id>:payable once the biller accepted the line. */
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

/** Dr payments:in_flight / Cr gateway:refunds once the gateway refunded the line. */
export function refundMovement(payment: Payment, line: Pick<PaymentLine, '_id'>): NewLedgerTransaction {
  const stored = storedLine(payment, line, 'refunded');
  return {
    _id: `refund:${stored._id}`,
    paymentId: payment._id,
    lineId: stored._id,
    kind: 'refund',
    entries: move(PAYMENTS_IN_FLIGHT, GATEWAY_REFUNDS, stored.amountMinor),
    currency: payment.currency,
  };
}
