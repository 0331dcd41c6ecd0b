import type { Payment } from './payment-model.js';
import type { LineStatus, PaymentStatus } from './state-machine.js';

export interface StuckLine {
  paymentId: string;
  paymentStatus: PaymentStatus;
  lineId: string;
  status: LineStatus;
  attempts: number;
  changedAt: Date;
}

export interface StuckWork {
  /** Captured before the cutoff with lines never started: settlement was never enqueued. */
  payments: Payment[];
  /** Open lines unchanged since the cutoff: a job that crashed, or an enqueue that was lost. */
  lines: StuckLine[];
}

/** Lines that can be stuck in a payment of each status (a captured payment's pending lines are its own case). */
const STUCK_LINE_STATUSES: Partial<Record<PaymentStatus, readonly LineStatus[]>> = {
  captured: ['failed', 'refunding'],
  settling: ['pending', 'posting', 'failed', 'refunding'],
};

/** Sorts candidate payments into the work a sweeper should re-enqueue. */
export function classifyStuck(candidates: readonly Payment[], cutoff: Date): StuckWork {
  const work: StuckWork = { payments: [], lines: [] };
  for (const payment of candidates) {
    const neverStarted = payment.status === 'captured' && payment.lines.some((line) => line.status === 'pending');
    if (neverStarted && payment.updatedAt < cutoff) work.payments.push(payment);
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
