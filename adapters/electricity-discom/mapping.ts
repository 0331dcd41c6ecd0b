import {
  type Bill,
  type BillerError,
  BillerRejectedError,
  BillerUnavailableError,
  type BillLine,
  ConsumerNotFoundError,
  decimalToMinor,
  InvalidConsumerNumberError,
  mapBillerStatus,
  maskName,
  type PaymentPosting,
  type PostingResult,
  type StatusVocabulary,
} from '../sdk/index.js';
import {
  WIRE_ERRORS,
  type WireBillResponse,
  type WirePaymentRequest,
  wireBillResponseSchema,
  wireErrorSchema,
  wirePaymentSchema,
} from './wire.js';

/** Pure translation between the discom's JSON and the biller contract: no I/O here. */

export const BILLER_ID = 'state-electricity';
export const CURRENCY = 'INR';

/** Only SUCCESS is paid and only FAILED or REVERSED is final the other way; anything else is pending. */
export const STATUS_VOCABULARY: StatusVocabulary = {
  accepted: ['SUCCESS'],
  rejected: ['FAILED', 'REVERSED'],
};

/** The discom's answer could not be read as its API promises: worth trying again, not the citizen's fault. */
function malformed(what: string): BillerUnavailableError {
  return new BillerUnavailableError(`${BILLER_ID} answered ${what}`, 'MALFORMED_RESPONSE');
}

/** A rupee string ("1234.50") to integer paise, exactly, or a malformed-answer error naming the field. */
export function rupeesToPaise(value: string, field: string): number {
  const minor = decimalToMinor(value);
  if (minor === undefined) throw malformed(`a bill with an unreadable ${field} (${JSON.stringify(value)})`);
  return minor;
}

/** Integer paise to the discom's rupee string, by string arithmetic so no float ever touches money. */
export function paiseToRupees(amountMinor: number): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new BillerRejectedError(`amount must be a positive whole number of paise, got ${amountMinor}`);
  }
  const digits = String(amountMinor).padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The calendar day after an ISO date: the discom charges the late fee from the day after the due date. */
export function dayAfter(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

function slabLabel(slab: WireBillResponse['bill']['slabs'][number]): string {
  const units = slab.toUnit == null ? `${slab.fromUnit}+` : `${slab.fromUnit}-${slab.toUnit}`;
  return `Energy charge, units ${units} at ${slab.rate}/unit`;
}

/** The discom's bill as the contract's: paise, masked name, one line per charge, late amount from the day after due. */
export function toBill(wire: WireBillResponse, now: Date): Bill {
  const { bill, consumer } = wire;
  const lines: BillLine[] = [
    ...bill.slabs.map((slab, i) => ({
      label: slabLabel(slab),
      amountMinor: rupeesToPaise(slab.amount, `slabs[${i}]`),
    })),
    { label: 'Fixed charge', amountMinor: rupeesToPaise(bill.fixedCharge, 'fixedCharge') },
    { label: 'Electricity duty', amountMinor: rupeesToPaise(bill.electricityDuty, 'electricityDuty') },
    { label: 'Arrears', amountMinor: rupeesToPaise(bill.arrears, 'arrears') },
  ];
  const amountDueMinor = rupeesToPaise(bill.totalDue, 'totalDue');
  const sum = lines.reduce((total, line) => total + line.amountMinor, 0);
  // The discom promises the total is exactly its parts; if not, we would be guessing what is owed.
  if (sum !== amountDueMinor) {
    throw malformed(`bill ${bill.billNo} whose charges (${sum} paise) differ from its total (${amountDueMinor} paise)`);
  }
  const lateFeeMinor = bill.lateFee === undefined ? 0 : rupeesToPaise(bill.lateFee, 'lateFee');
  return {
    billNumber: bill.billNo,
    customerName: maskName(consumer.name),
    ...(bill.periodFrom ? { periodStart: bill.periodFrom } : {}),
    ...(bill.periodTo ? { periodEnd: bill.periodTo } : {}),
    billDate: bill.billDate,
    dueDate: bill.dueDate,
    amountDueMinor,
    // Zero lines (no arrears, say) add nothing for the citizen to read.
    breakup: lines.filter((line) => line.amountMinor !== 0),
    ...(lateFeeMinor > 0
      ? { latePayment: { from: dayAfter(bill.dueDate), amountMinor: amountDueMinor + lateFeeMinor } }
      : {}),
    currency: CURRENCY,
    fetchedAt: now.toISOString(),
  };
}

/**
 * A non-2xx answer as the contract's error. Only the discom's explicit codes become final
 * refusals; anything it did not explain stays retryable.
 */
export function refusal(status: number, body: unknown): BillerError {
  const parsed = wireErrorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.errorCode : undefined;
  const message = `${BILLER_ID}: ${parsed.success ? (parsed.data.message ?? code) : `answered ${status}`}`;
  if (status === 401 || status === 403) {
    // Our key is wrong or revoked: nothing was recorded, and a later call can work once operations fix it.
    return new BillerUnavailableError(`${BILLER_ID} refused our credentials (${status})`, code ?? String(status));
  }
  if (status === 404 && code === WIRE_ERRORS.consumerNotFound) return new ConsumerNotFoundError(message, code);
  if (status === 400 && code === WIRE_ERRORS.invalidConsumerNumber)
    return new InvalidConsumerNumberError(message, code);
  if ((status === 400 || status === 409 || status === 422) && code) return new BillerRejectedError(message, code);
  return new BillerUnavailableError(`${BILLER_ID} answered ${status}${code ? ` ${code}` : ''}`, code ?? String(status));
}

const isSuccess = (status: number) => status >= 200 && status < 300;

/** GET /v2/consumers/{n}/bill answered: the bill, or the error it amounts to. */
export function billFromResponse(consumerNumber: string, status: number, body: unknown, now: Date): Bill {
  if (!isSuccess(status)) throw refusal(status, body);
  const parsed = wireBillResponseSchema.safeParse(body);
  if (!parsed.success) throw malformed(`a bill it does not document (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  if (parsed.data.consumer.number !== consumerNumber) throw malformed('the bill of another consumer');
  return toBill(parsed.data, now);
}

/** The posting in the discom's shape. */
export function toPaymentRequest(posting: PaymentPosting, consumerNumber: string): WirePaymentRequest {
  return {
    consumerNumber,
    billNo: posting.billNumber,
    amount: paiseToRupees(posting.amountMinor),
    txnRef: posting.reference,
    txnDate: posting.paidAt,
  };
}

/** A payment record as a posting result; a record we cannot read, or for another reference, is pending. */
export function toPostingResult(reference: string, body: unknown): PostingResult {
  const parsed = wirePaymentSchema.safeParse(body);
  if (!parsed.success) return { reference, status: 'pending', message: `${BILLER_ID} answered an unreadable record` };
  const { receiptNo, txnRef, status } = parsed.data;
  if (txnRef !== reference) {
    return { reference, status: 'pending', billerStatus: status, message: `${BILLER_ID} answered for ${txnRef}` };
  }
  return {
    reference,
    status: mapBillerStatus(status, STATUS_VOCABULARY),
    ...(receiptNo ? { billerReference: receiptNo } : {}),
    billerStatus: status,
  };
}

/** POST /v2/payments answered (201 new, 200 repeat): the result, or the refusal as an error. */
export function postingFromResponse(reference: string, status: number, body: unknown): PostingResult {
  if (!isSuccess(status)) throw refusal(status, body);
  return toPostingResult(reference, body);
}

/** GET /v2/payments/{txnRef} answered: only the discom's explicit TXN_NOT_FOUND means not_found. */
export function statusFromResponse(reference: string, status: number, body: unknown): PostingResult {
  if (status === 404) {
    const parsed = wireErrorSchema.safeParse(body);
    if (parsed.success && parsed.data.errorCode === WIRE_ERRORS.txnNotFound) {
      return { reference, status: 'not_found', billerStatus: parsed.data.errorCode };
    }
  }
  if (!isSuccess(status)) throw refusal(status, body);
  return toPostingResult(reference, body);
}
