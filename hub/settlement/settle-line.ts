import type { Payment } from '../payments/payment-model.js';
import { RUNNING_LINE_STATUSES } from '../payments/state-machine.js';
import { bookMissingMovements } from './book-ledger.js';
import type { LineDeps } from './deps.js';
import { isOutcome, type LineOutcome, type LineRun, type StepResult } from './line-step.js';
import { postLine, startPosting } from './post-line.js';
import { refundLine, startRefund } from './refund-line.js';

// pending → posting → failed → refunding → refunded, then the ledger: six steps at most; more is a bug.
const MAX_STEPS = 10;
const LINES_MOVE_IN = ['captured', 'settling'];

/**
 * Whether another line of the payment (as the last transition returned it) is still running. The
 * ledger is then left to the last run: it sees every other line at rest (the transitions of one
 * payment are serialised on its document, so the last one returns them all) and books every
 * movement missing in one insert. Nothing is lost: a run that dies before booking is retried
 * (BullMQ) or swept (a settling payment whose lines are all final), and finds the line at rest.
 */
const othersRunning = (payment: Payment, lineId: string) =>
  payment.lines.some((l) => l._id !== lineId && RUNNING_LINE_STATUSES.includes(l.status));

/** Runs the hook once per payment (by the run whose completion moved it); its failure does not undo settlement. */
export async function announce(deps: Pick<LineDeps, 'log' | 'onPaymentFinal'>, payment: Payment): Promise<void> {
  deps.log.info({ paymentId: payment._id, status: payment.status }, 'payment final');
  try {
    await deps.onPaymentFinal?.(payment);
  } catch (error) {
    deps.log.error({ err: error, paymentId: payment._id }, 'onPaymentFinal failed');
  }
}

/**
 * A final line: every movement the payment's final lines call for and the ledger lacks (this
 * line's, and any a lost write left out), then the payment's completion. Booking first means a
 * payment is never completed with a movement missing; a throw here leaves the payment settling,
 * for the job's retry or the sweep (completeIfFinal) to book and complete.
 */
export async function finish(
  deps: Pick<LineDeps, 'ledger' | 'payments' | 'log' | 'onPaymentFinal'>,
  payment: Payment,
): Promise<Payment | null> {
  await bookMissingMovements(deps.ledger, payment);
  // The payment in hand is what the last transition returned: its lines need no second read.
  const final = await deps.payments.settleCompletion(payment._id, payment);
  if (final) await announce(deps, final);
  return final;
}

/**
 * Moves one line as far as it can go now, one conditional transition per step, reading the payment
 * again whenever a transition finds the line moved by someone else. It starts from whatever status
 * the line is in, so a duplicate, replayed or swept job picks up where the last one stopped and
 * repeats nothing that has an effect: the biller dedupes postings on the reference, the gateway
 * refunds on the line id, the ledger movements on their keys. Retryable failures throw.
 */
export async function settleLine(deps: LineDeps, run: LineRun): Promise<LineOutcome> {
  let payment = await deps.payments.findById(run.paymentId);
  // Whether the next post is counted already: only until this run's first step that is not its own
  // `pending → posting` (which counts the post it leads to).
  let counted = run.firstPostCounted === true;
  for (let step = 0; step < MAX_STEPS; step++) {
    const line = payment?.lines.find((l) => l._id === run.lineId);
    if (!payment || !line) return { kind: 'idle', reason: 'no such payment or line' };
    if (line.status === 'settled' || line.status === 'refunded') {
      if (!othersRunning(payment, line._id)) await finish(deps, payment);
      return { kind: 'final', status: line.status };
    }
    // Open lines move only in these; another status here is a document no transition made.
    if (!LINES_MOVE_IN.includes(payment.status)) return { kind: 'idle', reason: `payment is ${payment.status}` };
    let result: StepResult;
    switch (line.status) {
      case 'pending':
        // Posting waits for settling: a captured payment is the sweeper's (or the capture's) to start.
        if (payment.status !== 'settling') return { kind: 'idle', reason: 'payment is not settling yet' };
        result = await startPosting(deps, payment, line);
        counted = result !== null;
        break;
      case 'posting':
        result = await postLine(deps, payment, line, { ...run, firstPostCounted: counted });
        counted = false;
        break;
      case 'failed':
        result = await startRefund(deps, payment, line);
        break;
      case 'refunding':
        result = await refundLine(deps, payment, line);
        break;
      case 'unknown':
      case 'held':
        // Out of the automatic queue: status enquiry resolves unknown lines, an operator held ones.
        // The last running line books what its siblings' final states call for before it waits.
        if (!othersRunning(payment, line._id)) await bookMissingMovements(deps.ledger, payment);
        return { kind: 'waiting', status: line.status };
    }
    if (line.status !== 'pending' && line.status !== 'posting') counted = false;
    if (isOutcome(result)) return result;
    payment = result ?? (await deps.payments.findById(run.paymentId));
  }
  throw new Error(`line ${run.lineId} did not come to rest in ${MAX_STEPS} steps`);
}
