import { BillerError, BillerUnavailableError, type PostingResult } from '../../adapters/sdk/index.js';
import { todayInIndia } from '../bills/indian-day.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineDeps } from './deps.js';
import { type LineRun, type StepResult, tellLineChange } from './line-step.js';

/** When the gateway took the money: what the biller is told the citizen paid at. */
function paidAt(payment: Payment): string {
  const captured = payment.timeline.findLast((entry) => entry.to === 'captured');
  return (captured?.at ?? new Date()).toISOString();
}

/** `pending → posting`, counting the post that follows in the same update (see LineRun.firstPostCounted). */
export function startPosting(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<Payment | null> {
  return deps.payments.startLinePosting(payment._id, line._id);
}

/**
 * An explicit refusal by the biller (BillerRejectedError, or `rejected` from a status check):
 * the only answer of a posting that leads to a refund.
 */
export function failLine(
  deps: LineDeps,
  payment: Payment,
  line: PaymentLine,
  failureCode: string,
  message: string | undefined,
): Promise<Payment | null> {
  deps.log.warn({ paymentId: payment._id, lineId: line._id, failureCode }, 'biller refused the line; refunding it');
  return deps.payments.transitionLine(payment._id, line._id, ['pending', 'posting'], 'failed', 'settlement.failed', {
    failureCode,
    ...(message ? { failureMessage: message.slice(0, 300) } : {}),
  });
}

/**
 * An answer that is neither acceptance nor refusal (still pending after the poll limit, the biller
 * unreachable on the last attempt): the biller may have recorded the posting, so refunding now
 * could pay twice. The line leaves the automatic queue as `unknown`, and the status-enquiry job
 * asks the biller from `nextAttemptAt` on (hub/settlement/enquiry.ts).
 */
export async function markUnknown(
  deps: LineDeps,
  payment: Payment,
  line: PaymentLine,
  why: string,
): Promise<Payment | null> {
  deps.log.warn({ paymentId: payment._id, lineId: line._id, why }, 'line outcome unknown; asking the biller later');
  const moved = await deps.payments.transitionLine(
    payment._id,
    line._id,
    'posting',
    'unknown',
    'settlement.unknown',
    { enquiries: 0, nextAttemptAt: new Date(Date.now() + deps.options.enquiryDelayMs) },
    why.slice(0, 300),
  );
  return tellLineChange(deps, moved, line._id, 'unknown');
}

/** What a biller said to a post or status check: its result, or the BillerError it threw. */
export type BillerAnswer = { result: PostingResult } | { error: BillerError };

/**
 * Asks the line's biller: the first post, or a re-post after a retry or a crash (the biller dedupes
 * on the reference, so it answers with the posting it already has). While polling, the status is
 * read instead, and only a posting the biller never received is sent again. A BillerError is
 * returned as the answer; any other error (a store failure, a bug) throws.
 */
export async function askBiller(
  deps: LineDeps,
  payment: Payment,
  line: PaymentLine,
  run: LineRun,
): Promise<BillerAnswer> {
  try {
    return { result: await callBiller(deps, payment, line, run) };
  } catch (error) {
    if (error instanceof BillerError) return { error };
    throw error;
  }
}

async function callBiller(deps: LineDeps, payment: Payment, line: PaymentLine, run: LineRun): Promise<PostingResult> {
  const { polls } = run;
  const biller = deps.billers.get(line.billerId);
  // Treated as an outage: a registry without this biller may be fixed before the attempts run out.
  if (!biller) throw new BillerUnavailableError(`biller ${line.billerId} is not configured`);
  if (polls > 0) {
    const status = await biller.operations.paymentStatus(line.reference);
    if (status.status !== 'not_found') return status;
  }
  // Counted before the call: from then on the posting is in the biller's hands.
  if (polls > 0 || !run.firstPostCounted) await deps.payments.recordLineAttempt(payment._id, line._id);
  return biller.operations.postPayment({
    reference: line.reference,
    consumer: line.consumer,
    billNumber: line.billNumber,
    amountMinor: line.amountMinor,
    paidAt: paidAt(payment),
    // The checkout's day: what the bill cost when the citizen agreed to pay it.
    billedOn: todayInIndia(payment.createdAt),
  });
}

/** What `posting → settled` records of an accepted posting: the biller's reference and status, when given. */
export function acceptedChanges(result: PostingResult): { billerReference?: string; billerStatus?: string } {
  return {
    ...(result.billerReference ? { billerReference: result.billerReference } : {}),
    ...(result.billerStatus ? { billerStatus: result.billerStatus } : {}),
  };
}

/** One posting step of a line that is posting: settled, failed, unknown, polled again later, or thrown to retry. */
export async function postLine(deps: LineDeps, payment: Payment, line: PaymentLine, run: LineRun): Promise<StepResult> {
  return answerLine(deps, payment, line, run, await askBiller(deps, payment, line, run));
}

/**
 * Moves a posting line on from its biller's answer: `accepted` → settled; an explicit refusal →
 * failed (to be refunded); pending → polled again, or unknown after `maxPolls`; a retryable error
 * is thrown for the job to retry, or leaves the line unknown on the job's last attempt.
 */
export async function answerLine(
  deps: LineDeps,
  payment: Payment,
  line: PaymentLine,
  run: LineRun,
  answer: BillerAnswer,
): Promise<StepResult> {
  if ('error' in answer) {
    const { error } = answer;
    if (!error.retryable) return failLine(deps, payment, line, error.billerCode ?? error.code, error.message);
    // A timeout or 5xx says nothing about whether the biller recorded the posting.
    if (run.lastAttempt)
      return markUnknown(deps, payment, line, `biller unavailable on the last attempt: ${error.message}`);
    throw error;
  }
  const { result } = answer;
  if (result.status === 'accepted') {
    const settled = await deps.payments.transitionLine(
      payment._id,
      line._id,
      'posting',
      'settled',
      'settlement.settled',
      acceptedChanges(result),
    );
    if (settled) deps.onLineSettled?.(settled, line._id);
    return settled;
  }
  if (result.status === 'rejected') {
    return failLine(deps, payment, line, result.billerStatus ?? 'rejected', result.message);
  }
  // Pending (or, oddly, not_found right after a post): only an explicit answer is final.
  if (run.polls >= deps.options.maxPolls) {
    return markUnknown(deps, payment, line, `still pending after ${run.polls} status checks`);
  }
  return { kind: 'poll', polls: run.polls + 1 };
}
