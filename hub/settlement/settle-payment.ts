import type { AcceptedLine, Payment, PaymentLine } from '../payments/index.js';
import { finalPaymentStatus, type PaymentStatus, RUNNING_LINE_STATUSES } from '../payments/state-machine.js';
import { bookMissingMovements } from './book-ledger.js';
import type { LineDeps } from './deps.js';
import { isOutcome, type LineRun, postCountedBySettling } from './line-step.js';
import { acceptedChanges, answerLine, askBiller, type BillerAnswer } from './post-line.js';
import { announce } from './settle-line.js';

/** One run of a payment's settle-payment job. */
export interface PaymentRun {
  paymentId: string;
  /**
   * The job's very first run: only then are the lines the settling transition counted posted here
   * (see LineRun.firstPostCounted). A retried or stalled run hands every open line to its own job.
   */
  firstRun: boolean;
}

/** What a line's settle-line job starts with when this run hands the line over. */
export interface HandOverStart {
  /** Status checks already made (1 after a pending answer here). */
  polls?: number;
  /** Wait before the job runs, ms: the poll delay after a pending answer, the backoff after an outage. */
  delayMs?: number;
}

/** Adds the line's settle-line job (job id = line id; see handOverLine in queue.ts). */
export type HandOver = (paymentId: string, lineId: string, start: HandOverStart) => Promise<void>;

/** How a run ended, for the job's return value and tests. */
export interface PaymentRunOutcome {
  /** The payment's status after the run; absent when there is no such payment. */
  status?: PaymentStatus;
  /** Lines this run settled, in its one update. */
  settled: string[];
  /** Lines handed to their own settle-line jobs. */
  handedOver: string[];
}

/** The payment as it will be once `accepted` are settled: what the ledger is booked from before the write. */
function withSettled(payment: Payment, accepted: readonly AcceptedLine[]): Payment {
  const byId = new Map(accepted.map((a) => [a.lineId, a.changes]));
  return {
    ...payment,
    lines: payment.lines.map((line) => {
      const changes = byId.get(line._id);
      return changes ? { ...line, ...changes, status: 'settled' } : line;
    }),
  };
}

/**
 * Settles the accepted lines in one update. When that update also completes the payment, every
 * movement the ledger lacks is booked first (bookMissingMovements from the payment as it will be),
 * so a payment is never final with a movement missing. The billers have accepted these postings,
 * so the settlements are owed whatever happens next; if the update then loses a race (null), the
 * lines' own jobs re-post (the billers dedupe), settle them and find the movements booked.
 */
async function settleBatch(deps: LineDeps, payment: Payment, accepted: AcceptedLine[]): Promise<Payment | null> {
  const after = withSettled(payment, accepted);
  if (finalPaymentStatus(after.lines)) await bookMissingMovements(deps.ledger, after);
  return deps.payments.settleAccepted(payment, accepted);
}

/**
 * The settle-payment job: the first round of postings of a payment the capture moved to settling
 * (PaymentStore.startSettling / captureAndSettle moved each line to posting and counted its post).
 * Every such line is posted to its biller at once; the lines accepted are settled in one
 * conditional update, which also completes the payment when they were its last open lines (ledger
 * booked first). A payment whose billers all accept is thus settled in one ledger insert and one
 * update, where one job per line takes an update per line, an insert and an update.
 *
 * Any other answer goes through the line's own step (answerLine: a refusal fails the line, a
 * pending answer counts a poll), and the line is handed to its settle-line job (hand-over), which
 * carries on from where the line is: polls, retries with backoff after an outage (its own
 * attempts, after this run's post), refunds, the ledger of the payment's last running line and
 * its completion. A run that is not the job's first (a retry, a stalled job) posts nothing and
 * hands every open line over. A store failure throws, and the job's retry hands over.
 */
export async function settlePayment(deps: LineDeps, run: PaymentRun, handOver: HandOver): Promise<PaymentRunOutcome> {
  const payment = await deps.payments.findById(run.paymentId);
  if (!payment) return { settled: [], handedOver: [] };
  const open = payment.lines.filter((line) => RUNNING_LINE_STATUSES.includes(line.status));
  const batch = run.firstRun && payment.status === 'settling' ? open.filter(postCountedBySettling) : [];
  const handedOver: string[] = [];
  const pass = async (lineId: string, start: HandOverStart = {}) => {
    await handOver(payment._id, lineId, start);
    handedOver.push(lineId);
  };
  for (const line of open) if (!batch.includes(line)) await pass(line._id);
  if (batch.length === 0) return { status: payment.status, settled: [], handedOver };

  const runOf = (line: PaymentLine): LineRun => ({
    paymentId: payment._id,
    lineId: line._id,
    polls: 0,
    lastAttempt: false,
    firstPostCounted: true,
  });
  // A failure other than the biller's (a bug in an adapter) is that line's job's to retry.
  const answers = await Promise.all(
    batch.map((line) => askBiller(deps, payment, line, runOf(line)).catch((error: unknown) => ({ thrown: error }))),
  );
  const accepted: AcceptedLine[] = [];
  const rest: { line: PaymentLine; answer: BillerAnswer | { thrown: unknown } }[] = [];
  batch.forEach((line, i) => {
    const answer = answers[i] as BillerAnswer | { thrown: unknown };
    if ('result' in answer && answer.result.status === 'accepted') {
      accepted.push({ lineId: line._id, changes: acceptedChanges(answer.result) });
    } else rest.push({ line, answer });
  });

  let latest: Payment = payment;
  const settled: string[] = [];
  if (accepted.length > 0) {
    const moved = await settleBatch(deps, payment, accepted);
    if (moved) {
      latest = moved;
      for (const { lineId } of accepted) {
        settled.push(lineId);
        deps.onLineSettled?.(moved, lineId);
      }
    } else for (const { lineId } of accepted) await pass(lineId);
  }
  for (const { line, answer } of rest) {
    if ('thrown' in answer) {
      deps.log.error({ err: answer.thrown, paymentId: payment._id, lineId: line._id }, 'posting failed');
      await pass(line._id, { delayMs: deps.options.backoffMs });
      continue;
    }
    try {
      const result = await answerLine(deps, payment, line, runOf(line), answer);
      if (isOutcome(result) && result.kind === 'poll')
        await pass(line._id, { polls: result.polls, delayMs: deps.options.pollDelayMs });
      // Failed (refunded next), unknown (its job books before it waits) or moved by another run.
      else await pass(line._id);
    } catch {
      // A retryable outage: the biller may answer the line's job after the backoff.
      await pass(line._id, { delayMs: deps.options.backoffMs });
    }
  }
  // The one update above is the only move of the payment's status this run makes: to its final status.
  if (latest.status !== payment.status) await announce(deps, latest);
  return { status: latest.status, settled, handedOver };
}
