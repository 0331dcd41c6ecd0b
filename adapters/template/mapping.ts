import {
  type Bill,
  type BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  ConsumerNotFoundError,
  mapBillerStatus,
  maskName,
  type PaymentPosting,
  type PostingResult,
  type StatusVocabulary,
} from '../sdk/index.js';
import { WIRE_ERRORS, type WirePaymentRequest, wireBillSchema, wireErrorSchema, wirePaymentSchema } from './wire.js';

/** Pure translation between the biller's JSON and the biller contract: no I/O here. */

export const BILLER_ID = 'template-biller';
export const CURRENCY = 'INR';

/** Only POSTED is paid and only FAILED or REVERSED is final the other way; anything else is pending. */
export const STATUS_VOCABULARY: StatusVocabulary = { accepted: ['POSTED'], rejected: ['FAILED', 'REVERSED'] };

const isSuccess = (status: number) => status >= 200 && status < 300;
const malformed = (what: string) => new BillerUnavailableError(`${BILLER_ID} answered ${what}`, 'MALFORMED_RESPONSE');

/** A non-2xx answer as the contract's error: only the biller's explicit codes are final refusals. */
export function refusal(status: number, body: unknown): BillerError {
  const parsed = wireErrorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const message = `${BILLER_ID}: ${parsed.success ? (parsed.data.error.message ?? code) : `answered ${status}`}`;
  if (status === 404 && code === WIRE_ERRORS.accountNotFound) return new ConsumerNotFoundError(message, code);
  if ((status === 409 || status === 422) && code) return new BillerRejectedError(message, code);
  return new BillerUnavailableError(`${BILLER_ID} answered ${status}${code ? ` ${code}` : ''}`, code ?? String(status));
}

/** GET /api/v1/accounts/{accountNo}/bill answered: the bill (paise, masked name), or its error. */
export function billFromResponse(accountNo: string, status: number, body: unknown, now: Date): Bill {
  if (!isSuccess(status)) throw refusal(status, body);
  const parsed = wireBillSchema.safeParse(body);
  if (!parsed.success) throw malformed(`a bill it does not document (${parsed.error.issues[0]?.message})`);
  const { account, bill } = parsed.data;
  if (account.accountNo !== accountNo) throw malformed('the bill of another account');
  const breakup = bill.lines.map((line) => ({ label: line.label, amountMinor: line.amountPaise }));
  if (breakup.reduce((sum, line) => sum + line.amountMinor, 0) !== bill.totalPaise) {
    throw malformed(`bill ${bill.billNo} whose lines differ from its total`);
  }
  return {
    billNumber: bill.billNo,
    customerName: maskName(account.name),
    billDate: bill.billDate,
    dueDate: bill.dueDate,
    amountDueMinor: bill.totalPaise,
    breakup,
    currency: CURRENCY,
    fetchedAt: now.toISOString(),
  };
}

/** The posting in the biller's shape. */
export function toPaymentRequest(posting: PaymentPosting, accountNo: string): WirePaymentRequest {
  return {
    accountNo,
    billNo: posting.billNumber,
    amountPaise: posting.amountMinor,
    reference: posting.reference,
    paidAt: posting.paidAt,
  };
}

/** A payment record as a posting result; an unreadable record, or one for another reference, is pending. */
function toPostingResult(reference: string, body: unknown): PostingResult {
  const parsed = wirePaymentSchema.safeParse(body);
  if (!parsed.success || parsed.data.payment.reference !== reference) {
    return { reference, status: 'pending', message: `${BILLER_ID} answered an unreadable record` };
  }
  const { receiptNo, state } = parsed.data.payment;
  return {
    reference,
    status: mapBillerStatus(state, STATUS_VOCABULARY),
    ...(receiptNo ? { billerReference: receiptNo } : {}),
    billerStatus: state,
  };
}

/** POST /api/v1/payments answered (201 new, 200 the same reference again): the result, or the refusal. */
export function postingFromResponse(reference: string, status: number, body: unknown): PostingResult {
  if (!isSuccess(status)) throw refusal(status, body);
  return toPostingResult(reference, body);
}

/** GET /api/v1/payments/{reference} answered: only the biller's explicit PAYMENT_NOT_FOUND means not_found. */
export function statusFromResponse(reference: string, status: number, body: unknown): PostingResult {
  const parsed = wireErrorSchema.safeParse(body);
  if (status === 404 && parsed.success && parsed.data.error.code === WIRE_ERRORS.paymentNotFound) {
    return { reference, status: 'not_found', billerStatus: parsed.data.error.code };
  }
  if (!isSuccess(status)) throw refusal(status, body);
  return toPostingResult(reference, body);
}
