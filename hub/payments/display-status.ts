import type { Payment } from './payment-model.js';
import type { LineStatus, PaymentStatus } from './state-machine.js';

/**
 * What the citizen is shown for a payment: its status, except that a settling payment with a line
 * whose biller outcome is unknown is `being_confirmed` (the hub is confirming with the biller; no
 * refund is made on a guess), and a held payment, or one with a held line, `under_review` (an
 * operator looks at it), as is a captured payment waiting for a risk review.
 */
export type DisplayStatus = PaymentStatus | 'being_confirmed' | 'under_review';

/** What the citizen is shown for a line: `being_confirmed` for unknown, `under_review` for held. */
export type LineDisplayStatus = Exclude<LineStatus, 'unknown' | 'held'> | 'being_confirmed' | 'under_review';

/**
 * The line's status as the citizen's view renders it (see LineDisplayStatus). A line still
 * `pending` on a payment that is `refunded` is a bill of a held payment an operator refunded
 * whole (state-machine.ts: held → refunded): never posted, its money back, so `refunded`.
 */
export function lineDisplayStatus(status: LineStatus, paymentStatus?: Payment['status']): LineDisplayStatus {
  if (status === 'pending' && paymentStatus === 'refunded') return 'refunded';
  if (status === 'unknown') return 'being_confirmed';
  if (status === 'held') return 'under_review';
  return status;
}

/** The payment's status as the citizen's view should render it (see DisplayStatus). */
export function displayStatus(payment: Pick<Payment, 'status' | 'lines' | 'risk'>): DisplayStatus {
  if (payment.status === 'held') return 'under_review';
  // Captured, and held back from settlement by a risk review (hub/risk): being checked.
  if (payment.status === 'captured' && payment.risk?.review?.status === 'pending') return 'under_review';
  if (payment.status !== 'settling') return payment.status;
  if (payment.lines.some((line) => line.status === 'unknown')) return 'being_confirmed';
  if (payment.lines.some((line) => line.status === 'held')) return 'under_review';
  return payment.status;
}
