import { BillerError, BillerUnavailableError, type PostingResult } from '../../adapters/sdk/index.js';
import type { Payment, PaymentLine } from '../payments/payment-model.js';
import type { LineDeps } from './deps.js';
import type { LineRun, StepResult } from './line-step.js';

/** When the gateway took the money: what the biller is told the citizen paid at. */
function paidAt(payment: Payment): string {
  const captured = payment.timeline.findLast((entry) => entry.to === 'captured');
  return (captured?.at ?? new Date()).toISOString();
}

export function startPosting(deps: LineDeps, payment: Payment, line: PaymentLine): Promise<Payment | null> {
  return deps.payments.transitionLine(payment._id, line._id, 'pending', 'posting', 'settlement.posting');
}

export function failLine(
  deps: LineDeps,
  payment: Payment,
  line: PaymentLine,
  failureCode: string,
  message: string | undefined,
): Promise<Payment | null> {
  deps.log.warn({ paymentId: payment._id, lineId: line._id, failureCode }, 'line failed to settle; refunding it');
  return deps.payments.transitionLine(payment._id, line._id, ['pending', 'posting'], 'failed', 'settlement.failed', {
    failureCode,
    ...(message ? { failureMessage: message.slice(0, 300) } : {}),
  });
}

/**
 * The first post, or a re-post after a retry or a crash: the biller dedupes on the reference, so it
 * answers with the posting it already has. While polling, the status is read instead, and only a
 * posting the biller never received is sent again.
 */
async function askBiller(deps: LineDeps, payment: Payment, line: PaymentLine, polls: number): Promise<PostingResult> {
  const biller = deps.billers.get(line.billerId);
  // Treated as an outage: a registry without this biller may be fixed before the attempts run out.
  if (!biller) throw new BillerUnavailableError(`biller ${line.billerId} is not configured`);
  if (polls > 0) {
    const status = await biller.operations.paymentStatus(line.reference);
    if (status.status !== 'not_found') return status;
  }
  await deps.payments.recordLineAttempt(payment._id, line._id);
  return biller.operations.postPayment({
    reference: line.reference,
    consumer: line.consumer,
    billNumber: line.billNumber,
    amountMinor: line.amountMinor,
    paidAt: paidAt(payment),
  });
}

/** One posting step of a line that is posting: settled, failed, polled again later, or thrown to retry. */
export async function postLine(deps: LineDeps, payment: Payment, line: PaymentLine, run: LineRun): Promise<StepResult> {
  let result: PostingResult;
  try {
    result = await askBiller(deps, payment, line, run.polls);
  } catch (error) {
    if (!(error instanceof BillerError)) throw error;
    if (!error.retryable) return failLine(deps, payment, line, error.billerCode ?? error.code, error.message);
    if (run.lastAttempt) return failLine(deps, payment, line, 'biller_unavailable', error.message);
    throw error;
  }
  if (result.status === 'accepted') {
    return deps.payments.transitionLine(payment._id, line._id, 'posting', 'settled', 'settlement.settled', {
      ...(result.billerReference ? { billerReference: result.billerReference } : {}),
      ...(result.billerStatus ? { billerStatus: result.billerStatus } : {}),
    });
  }
  if (result.status === 'rejected') {
    return failLine(deps, payment, line, result.billerStatus ?? 'rejected', result.message);
  }
  // Pending (or, oddly, not_found right after a post): only an explicit answer is final.
  if (run.polls >= deps.options.maxPolls) {
    return failLine(deps, payment, line, 'biller_pending_timeout', `still pending after ${run.polls} status checks`);
  }
  return { kind: 'poll', polls: run.polls + 1 };
}
