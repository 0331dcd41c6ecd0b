import { settlementWaitsForReview } from '../risk/risk-state.js';
import type { Payment } from './payment-model.js';
import { finalPaymentStatus, type LineStatus, type PaymentStatus } from './state-machine.js';

export interface StuckLine {
  paymentId: string;
  paymentStatus: PaymentStatus;
  lineId: string;
  status: LineStatus;
  attempts: number;
  changedAt: Date;
}

/** One page of the work a sweeper should pick up again. */
export interface StuckWork {
  /** Captured before the cutoff with lines never started: settlement was never enqueued. */
  payments: Payment[];
  /** Open lines of the automatic queue unchanged since the cutoff: a job that crashed, or an enqueue that was lost. */
  lines: StuckLine[];
  /**
   * Settling before the cutoff with every line final: the run that finished the last line died
   * (or its ledger write failed) before the payment's completion.
   */
  completable: Payment[];
  /** Pass as `after` to read the next page; absent on the last one. */
  next?: string;
}

/**
 * Lines the automatic queue owns in a payment of each status. `unknown` (status enquiry) and
 * `held` (an operator) are left out: they wait in their own state and never fill a sweep's page.
 */
export const STUCK_LINE_STATUSES: Partial<Record<PaymentStatus, readonly LineStatus[]>> = {
  captured: ['failed', 'refunding'],
  settling: ['pending', 'posting', 'failed', 'refunding'],
};

/** Every line status some payment status lets the sweeper pick up. */
export const SWEPT_LINE_STATUSES: readonly LineStatus[] = [...new Set(Object.values(STUCK_LINE_STATUSES).flat())];

/** Sorts one page of candidate payments into the work a sweeper should re-enqueue. */
export function classifyStuck(candidates: readonly Payment[], cutoff: Date): StuckWork {
  const work: StuckWork = { payments: [], lines: [], completable: [] };
  for (const payment of candidates) {
    // A payment under risk review is the operator's to start (hub/risk), never the sweep's.
    const neverStarted =
      payment.status === 'captured' &&
      !settlementWaitsForReview(payment) &&
      payment.lines.some((line) => line.status === 'pending');
    if (neverStarted && payment.updatedAt < cutoff) work.payments.push(payment);
    if (payment.status === 'settling' && payment.updatedAt < cutoff && finalPaymentStatus(payment.lines)) {
      work.completable.push(payment);
    }
    const stuckStatuses = STUCK_LINE_STATUSES[payment.status] ?? [];
    for (const line of payment.lines) {
      if (!stuckStatuses.includes(line.status) || line.changedAt >= cutoff) continue;
      work.lines.push({
        paymentId: payment._id,
        paymentStatus: payment.status,
        lineId: line._id,
        status: line.status,
        attempts: line.attempts,
        changedAt: line.changedAt,
      });
    }
  }
  return work;
}
