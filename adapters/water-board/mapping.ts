import type { z } from 'zod';
import {
  type Bill,
  type BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  type BillLine,
  ConsumerNotFoundError,
  isDuplicateReference,
  mapBillerStatus,
  maskName,
  type PostingResult,
  type StatusVocabulary,
} from '../sdk/index.js';
import {
  type BillFetchAnswer,
  type BoardAnswer,
  type BoardFailure,
  type PaymentAnswer,
  RESULT,
  resultSchema,
  type TxnStatusAnswer,
} from './wire.js';

export const CURRENCY = 'INR';

/** S settled; F failed and R reversed both leave the payment unapplied; P and any other word stay pending. */
export const TXN_STATUS: StatusVocabulary = { accepted: ['S'], rejected: ['F', 'R'] };

/** Refusals of a posting the board documents as final. */
const POSTING_REFUSALS: readonly string[] = [RESULT.disconnected, RESULT.amountMismatch];

/**
 * Reads one answer. The board puts errors in `resultCode`, usually with HTTP 200, so the code
 * decides, not the HTTP status. An answer without a code, or a success that does not parse,
 * cannot be trusted either way: it is reported as retryable.
 */
export function readAnswer<T>(call: string, httpStatus: number, body: unknown, success: z.ZodType<T>): BoardAnswer<T> {
  const result = resultSchema.safeParse(body);
  if (!result.success) {
    throw new BillerUnavailableError(`${call} answered HTTP ${httpStatus} without a result code`, String(httpStatus));
  }
  const { resultCode, resultText } = result.data;
  if (resultCode !== RESULT.ok) return { ok: false, failure: { code: resultCode, text: resultText ?? resultCode } };
  const parsed = httpStatus === 200 ? success.safeParse(body) : undefined;
  if (!parsed?.success) {
    const fields = parsed ? [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ') : '';
    throw new BillerUnavailableError(
      `${call} answered HTTP ${httpStatus} success in an unexpected shape ${fields}`,
      '0',
    );
  }
  return { ok: true, value: parsed.data };
}

/** Failures that say nothing about the request itself: the same call may succeed later. */
function transientError(failure: BoardFailure): BillerError | undefined {
  if (failure.code === RESULT.busy) return new BillerUnavailableError('water board is busy', failure.code);
  if (failure.code === RESULT.signatureInvalid) {
    // Our configuration or clock, not the citizen's request: retryable once it is fixed.
    return new BillerUnavailableError(
      'water board refused the signature (agencyCode, hmacSecret or clock)',
      failure.code,
    );
  }
  return undefined;
}

/** A failed bill fetch as a contract error. */
export function fetchError(failure: BoardFailure): BillerError {
  const transient = transientError(failure);
  if (transient) return transient;
  if (failure.code === RESULT.connectionNotFound) {
    return new ConsumerNotFoundError('no such connection at the water board', failure.code);
  }
  return new BillerRejectedError(`water board refused the bill fetch: ${failure.text}`, failure.code);
}

/**
 * A failed posting: a documented refusal is final; a code the board does not document leaves
 * the posting pending, and its status call decides.
 */
export function postingFailure(reference: string, failure: BoardFailure): BillerError | PostingResult {
  const transient = transientError(failure);
  if (transient) return transient;
  if (failure.code === RESULT.connectionNotFound) {
    return new ConsumerNotFoundError('no such connection at the water board', failure.code);
  }
  // "Duplicate agencyTxnId" to a re-post: the board has the posting, so its status call decides.
  if (isDuplicateReference(failure.code, failure.text)) {
    return { reference, status: 'pending', billerStatus: failure.code, message: failure.text };
  }
  if (POSTING_REFUSALS.includes(failure.code)) return new BillerRejectedError(failure.text, failure.code);
  return { reference, status: 'pending', billerStatus: failure.code, message: failure.text };
}

/** A failed status call: E404 means the board has no posting with that reference. */
export function statusFailure(reference: string, failure: BoardFailure): BillerError | PostingResult {
  const transient = transientError(failure);
  if (transient) return transient;
  if (failure.code === RESULT.txnNotFound) return { reference, status: 'not_found', billerStatus: failure.code };
  return { reference, status: 'pending', billerStatus: failure.code, message: failure.text };
}

export function postingResult(reference: string, answer: TxnStatusAnswer): PostingResult {
  return {
    reference,
    status: mapBillerStatus(answer.txnStatus, TXN_STATUS),
    billerReference: answer.boardTxnId,
    billerStatus: answer.txnStatus,
  };
}

/** A posting's answer, which must echo the hub's reference when it carries one. */
export function paymentResult(reference: string, answer: PaymentAnswer): PostingResult {
  if (answer.agencyTxnId !== undefined && answer.agencyTxnId !== reference) {
    throw new BillerUnavailableError('water board answered a posting for another agencyTxnId', RESULT.ok);
  }
  return postingResult(reference, answer);
}

/** The demand's charges as bill lines; any gap to netAmount becomes an adjustment, so the lines add up. */
export function billLines(demand: BillFetchAnswer['demand']): BillLine[] {
  const water = demand.kilolitres === undefined ? 'Water charge' : `Water charge (${demand.kilolitres} kL)`;
  const lines: BillLine[] = [
    { label: water, amountMinor: demand.waterCharge },
    { label: 'Sewerage charge', amountMinor: demand.sewerageCharge },
    { label: 'Meter rent', amountMinor: demand.meterRent },
    { label: demand.arrears < 0 ? 'Advance credit' : 'Arrears', amountMinor: demand.arrears },
  ].filter((line) => line.amountMinor !== 0);
  const gap = demand.netAmount - lines.reduce((sum, line) => sum + line.amountMinor, 0);
  if (gap !== 0) lines.push({ label: 'Other charges and adjustments', amountMinor: gap });
  return lines;
}

/** The board's demand as a bill: netAmount is due, and netAmount - rebate until the rebate date. */
export function toBill(answer: BillFetchAnswer, connectionId: string, fetchedAt: Date): Bill {
  const { connection, demand } = answer;
  if (connection.id !== connectionId) {
    throw new BillerUnavailableError('water board answered for another connection', RESULT.ok);
  }
  const rebate = demand.rebateAmount ?? 0;
  const early =
    demand.rebateIfPaidBy && rebate > 0 && rebate < demand.netAmount
      ? { earlyPayment: { until: demand.rebateIfPaidBy, amountMinor: demand.netAmount - rebate } }
      : {};
  return {
    billNumber: demand.demandNo,
    customerName: maskName(connection.ownerName),
    periodStart: demand.fromDate,
    periodEnd: demand.toDate,
    billDate: demand.issueDate,
    dueDate: demand.dueDate,
    amountDueMinor: demand.netAmount,
    breakup: billLines(demand),
    ...early,
    currency: CURRENCY,
    fetchedAt: fetchedAt.toISOString(),
  };
}
