import type { Ledger } from '../ledger/ledger.js';
import { captureMovement, type NewLedgerTransaction, refundMovement, settlementMovement } from '../ledger/movements.js';
import type { Payment } from '../payments/payment-model.js';
import { CAPTURED_STATUSES } from '../payments/state-machine.js';

/** The ledger movements this booked (kind and line), for logs and tests. */
export type Booked = string[];

/**
 * Records every movement the payment's state calls for and the ledger lacks: its capture, and the
 * settlement or refund of each final line. The ledger is read once, and what is missing is appended
 * in one insert at consecutive places of the payment's chain (Ledger.recordAll, which is given the
 * chain just read). Each movement is keyed, so a run racing this one writes nothing twice: a clash
 * reads the chain again and appends only what is still missing. This pairs a state change with its
 * entry even when the write after the change was lost: the run that finds a line final, and the
 * sweep, both call it before the payment's completion. Writes nothing when nothing is missing.
 */
export async function bookMissingMovements(ledger: Ledger, payment: Payment): Promise<Booked> {
  const recorded = await ledger.forPayment(payment._id);
  const has = (kind: string, lineId?: string) =>
    recorded.some((t) => t.kind === kind && (lineId === undefined || t.lineId === lineId));
  const missing: NewLedgerTransaction[] = [];
  const booked: Booked = [];
  if (CAPTURED_STATUSES.includes(payment.status) && !has('capture')) {
    missing.push(captureMovement(payment));
    booked.push('capture');
  }
  for (const line of payment.lines) {
    if (line.status === 'settled' && !has('settlement', line._id)) {
      missing.push(settlementMovement(payment, line));
      booked.push(`settlement:${line._id}`);
    } else if (line.status === 'refunded' && !has('refund', line._id)) {
      missing.push(refundMovement(payment, line));
      booked.push(`refund:${line._id}`);
    }
  }
  if (missing.length > 0) await ledger.recordAll(missing, recorded);
  return booked;
}
