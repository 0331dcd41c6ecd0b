import type { Payment } from '../payments/payment-model.js';

/** One run of a line's job. */
export interface LineRun {
  paymentId: string;
  lineId: string;
  /** Status checks already made of a posting the biller left pending. */
  polls: number;
  /** The job's last try: a biller still unavailable now leaves the line's outcome unknown instead of retrying. */
  lastAttempt: boolean;
}

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
