import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineDeps, LineNews } from './deps.js';

/** One run of a line's job. */
export interface LineRun {
  paymentId: string;
  lineId: string;
  /** Status checks already made of a posting the biller left pending. */
  polls: number;
  /** The job's last try: a biller still unavailable now leaves the line's outcome unknown instead of retrying. */
  lastAttempt: boolean;
  /**
   * The line's next post is already counted in `attempts`: the transition that moved it to posting
   * counted it (the payment's move to settling, PaymentStore.startSettling, for the first run of the
   * job enqueued then; or this run's own `pending → posting`). A retry, a stalled job run again, a
   * swept job or a poll counts its post with recordLineAttempt, just before the call.
   */
  firstPostCounted?: boolean;
}

/**
 * Whether the line's next post is counted already by the settling transition that moved it to
 * posting (PaymentStore.startSettling, captureAndSettle): posting with its one attempt.
 */
export const postCountedBySettling = (line: Pick<PaymentLine, 'status' | 'attempts'>) =>
  line.status === 'posting' && line.attempts === 1;

/** How a run ends when it does not throw. */
export type LineOutcome =
  | { kind: 'final'; status: 'settled' | 'refunded' }
  /** The biller has not decided: check again after the poll delay. */
  | { kind: 'poll'; polls: number }
  /** Out of the automatic queue: unknown waits for a status enquiry, held for an operator. */
  | { kind: 'waiting'; status: 'unknown' | 'held' }
  /** Nothing to do now: no such payment or line, or the payment is not settling yet. */
  | { kind: 'idle'; reason: string };

/** A step's result: the payment after its transition, null when the transition lost a race, or the run's end. */
export type StepResult = Payment | null | LineOutcome;

export const isOutcome = (result: StepResult): result is LineOutcome => result !== null && 'kind' in result;

/**
 * Passes a transition's result on, after telling the hook of the change when this run made it
 * (`moved` is null when another run did, and that run tells). The hook's failure is only logged.
 */
export async function tellLineChange(
  deps: Pick<LineDeps, 'log' | 'onLineChange'>,
  moved: Payment | null,
  lineId: string,
  news: LineNews,
): Promise<Payment | null> {
  if (!moved || !deps.onLineChange) return moved;
  try {
    await deps.onLineChange(moved, lineId, news);
  } catch (error) {
    deps.log.error({ err: error, paymentId: moved._id, lineId, news }, 'onLineChange failed');
  }
  return moved;
}
