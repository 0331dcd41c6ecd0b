import { AppError } from '../../infra/errors.js';

/*
 * Payment
 *   created ──────────► awaiting_payment ──► captured ──► settling ──► completed | partially_refunded | refunded
 *   created | awaiting_payment ──► failed | expired | cancelled
 *                                    cancelled: a newer checkout for one of its bills superseded it, and
 *                                    its gateway order was cancelled first
 *   captured ──► refunded            every line was refunded before settlement started
 *   failed | expired | cancelled ──► captured
 *                                    a late capture: the gateway took the money after all, so it must be
 *                                    accounted for (and then settled or refunded), never ignored
 *   awaiting_payment | failed | expired | cancelled ──► held
 *                                    the capture does not match the payment (amount or currency): nothing
 *                                    is settled, an operator decides
 *   held ──► refunded                an operator refunded the whole capture at the gateway (the lines were
 *                                    never posted; the hold stays on the payment as the record why)
 *   completed, partially_refunded and refunded are final; held waits for an operator.
 *
 * Line
 *   pending ──► posting ──► settled
 *   posting ──► pending              a retryable biller error: back off, then post again
 *   posting ──► unknown              the biller's answer was neither acceptance nor rejection (a timeout
 *                                    on the last attempt, still pending after the poll limit): resolved by
 *                                    status enquiry and reconciliation, never refunded on a guess
 *   unknown ──► settled | failed     the biller confirmed the posting, or rejected it / has no such posting
 *   unknown ──► posting              re-post with the same reference (the biller dedupes it)
 *   pending | posting ──► failed ──► refunding ──► refunded
 *   refunding ──► held ──► refunding the gateway refused the refund for good: out of the automatic queue
 *                                    until an operator sends it back
 *   settled and refunded are final.
 *
 * A line moves only while its payment is captured or settling, and starts posting only once
 * the payment is settling. A payment's final status follows from its lines (finalPaymentStatus).
 */

export const PAYMENT_STATUSES = [
  'created',
  'awaiting_payment',
  'captured',
  'settling',
  'completed',
  'partially_refunded',
  'refunded',
  'failed',
  'expired',
  'cancelled',
  'held',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const LINE_STATUSES = [
  'pending',
  'posting',
  'unknown',
  'settled',
  'failed',
  'refunding',
  'refunded',
  'held',
] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  created: ['awaiting_payment', 'failed', 'expired', 'cancelled'],
  awaiting_payment: ['captured', 'failed', 'expired', 'cancelled', 'held'],
  captured: ['settling', 'refunded'],
  settling: ['completed', 'partially_refunded', 'refunded'],
  completed: [],
  partially_refunded: [],
  refunded: [],
  failed: ['captured', 'held'],
  expired: ['captured', 'held'],
  cancelled: ['captured', 'held'],
  held: ['refunded'],
};

export const LINE_TRANSITIONS: Readonly<Record<LineStatus, readonly LineStatus[]>> = {
  pending: ['posting', 'failed'],
  posting: ['settled', 'failed', 'pending', 'unknown'],
  unknown: ['settled', 'failed', 'posting'],
  failed: ['refunding'],
  refunding: ['refunded', 'held'],
  held: ['refunding'],
  settled: [],
  refunded: [],
};

/** Statuses in which the gateway holds the citizen's money for this payment. */
export const CAPTURED_STATUSES: readonly PaymentStatus[] = [
  'captured',
  'settling',
  'completed',
  'partially_refunded',
  'refunded',
  'held',
];
/** A payment in one of these may still expire, or be cancelled by a newer checkout for one of its bills. */
export const EXPIRABLE_STATUSES: readonly PaymentStatus[] = ['created', 'awaiting_payment'];
/** Never paid, as far as the hub knows: a capture arriving for one of these is a late capture. */
export const UNPAID_FINAL_STATUSES: readonly PaymentStatus[] = ['failed', 'expired', 'cancelled'];
export const FINAL_LINE_STATUSES: readonly LineStatus[] = ['settled', 'refunded'];
export const OPEN_LINE_STATUSES: readonly LineStatus[] = LINE_STATUSES.filter((s) => !FINAL_LINE_STATUSES.includes(s));
/** Open lines that the automatic settlement queue leaves alone: status enquiry resolves unknown, an operator held. */
export const WAITING_LINE_STATUSES: readonly LineStatus[] = ['unknown', 'held'];
/** Open lines the automatic settlement queue moves on (pending, posting, failed, refunding): a job is theirs. */
export const RUNNING_LINE_STATUSES: readonly LineStatus[] = OPEN_LINE_STATUSES.filter(
  (s) => !WAITING_LINE_STATUSES.includes(s),
);

/** A caller asked for a move the state machine does not have: a bug, not bad input. */
export class IllegalTransitionError extends AppError {
  constructor(kind: 'payment' | 'line', from: readonly string[], to: string) {
    super(500, 'illegal_transition', `${kind} cannot move from ${from.join(' | ') || '(nothing)'} to ${to}`);
  }
}

export const canMovePayment = (from: PaymentStatus, to: PaymentStatus): boolean =>
  PAYMENT_TRANSITIONS[from].includes(to);

export const canMoveLine = (from: LineStatus, to: LineStatus): boolean => LINE_TRANSITIONS[from].includes(to);

/** Throws unless every one of `from` may move to `to`. */
export function assertPaymentTransition(from: readonly PaymentStatus[], to: PaymentStatus): void {
  if (from.length === 0 || !from.every((status) => PAYMENT_TRANSITIONS[status]?.includes(to))) {
    throw new IllegalTransitionError('payment', from, to);
  }
}

export function assertLineTransition(from: readonly LineStatus[], to: LineStatus): void {
  if (from.length === 0 || !from.every((status) => LINE_TRANSITIONS[status]?.includes(to))) {
    throw new IllegalTransitionError('line', from, to);
  }
}

/** The payment statuses in which a line may move to `to`: posting waits for settlement to start. */
export function paymentStatusesForLineMove(to: LineStatus): readonly PaymentStatus[] {
  return to === 'posting' ? ['settling'] : ['captured', 'settling'];
}

/** A payment in one of these has every line final after a capture: its outcome is known, its receipt due. */
export const FINAL_PAYMENT_STATUSES = ['completed', 'partially_refunded', 'refunded'] as const;
export type FinalPaymentStatus = (typeof FINAL_PAYMENT_STATUSES)[number];

/** Whether a payment status (any string, e.g. as stored) is final (FINAL_PAYMENT_STATUSES). */
export const isFinalPaymentStatus = (status: string): status is FinalPaymentStatus =>
  (FINAL_PAYMENT_STATUSES as readonly string[]).includes(status);

/** The payment's final status once every line is final; null while any line is still open. */
export function finalPaymentStatus(lines: readonly { status: LineStatus }[]): FinalPaymentStatus | null {
  if (lines.length === 0 || !lines.every((line) => FINAL_LINE_STATUSES.includes(line.status))) return null;
  const settled = lines.filter((line) => line.status === 'settled').length;
  if (settled === lines.length) return 'completed';
  return settled === 0 ? 'refunded' : 'partially_refunded';
}
