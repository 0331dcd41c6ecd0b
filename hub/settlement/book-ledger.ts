import type { Ledger } from '../ledger/ledger.js';
import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';

/** The ledger movements this booked (kind and line), for logs and tests. */
export type Booked = string[];

/**
 * Records every movement the payment's state calls for and the ledger lacks: its capture, and the
 * settlement or refund of each final line. The ledger is read once; each missing movement is
 * recorded by its key (Ledger's own idempotency), so a run racing this one writes nothing twice.
 * This pairs a state change with its entry even when the write after the change was lost: the
 * run that finds every line final, and the sweep, both call it before the payment's completion.
 */
export async function bookMissingMovements(ledger: Ledger, payment: Payment): Promise<Booked> {
  const recorded = await ledger.forPayment(payment._id);
  const has = (kind: string, lineId?: string) =>
    recorded.some((t) => t.kind === kind && (lineId === undefined || t.lineId === lineId));
  const booked: Booked = [];
  if (CAPTURED_STATUSES.includes(payment.status) && !has('capture')) {
    await ledger.recordCapture(payment);
    booked.push('capture');
  }
  for (const line of payment.lines) {
    if (line.status === 'settled' && !has('settlement', line._id)) {
      await ledger.recordSettlement(payment, line);
      booked.push(`settlement:${line._id}`);
    } else if (line.status === 'refunded' && !has('refund', line._id)) {
      await ledger.recordRefund(payment, line);
      booked.push(`refund:${line._id}`);
    }
  }
  return booked;
}
