import type { Bill, BillLine, PostingResult } from '../sdk/contract.js';
import { type BillerError, BillerRejectedError, BillerUnavailableError, ConsumerNotFoundError } from '../sdk/errors.js';
import { maskName } from '../sdk/mask.js';
import { mapBillerStatus, type StatusVocabulary } from '../sdk/status-map.js';
import {
  type Collection,
  type CollectionRequest,
  type Fault,
  faultBodySchema,
  type InvoiceResponse,
  oauthErrorSchema,
  type WireAmount,
} from './wire.js';

/** Pure translations between Metro Gas's wire shapes and the hub's contract; no I/O here. */

const WHO = 'Metro Gas';
export const CURRENCY = 'INR';
/** Paise: the contract's minor unit for INR. */
const MINOR_DIGITS = 2;
/** Far beyond any real scale, and keeps the BigInt power below small. */
const MAX_SCALE = 18;

/**
 * value / 10^scale rupees to integer paise, exactly (BigInt, never floating point), or undefined
 * when the amount is not a whole number of paise or does not fit a safe integer.
 */
export function amountToMinor({ value, scale }: WireAmount): number | undefined {
  if (!Number.isSafeInteger(value) || !Number.isInteger(scale) || scale < 0 || scale > MAX_SCALE) return undefined;
  const shift = MINOR_DIGITS - scale;
  let minor: bigint;
  if (shift >= 0) {
    minor = BigInt(value) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (BigInt(value) % divisor !== 0n) return undefined;
    minor = BigInt(value) / divisor;
  }
  const safe = minor >= BigInt(Number.MIN_SAFE_INTEGER) && minor <= BigInt(Number.MAX_SAFE_INTEGER);
  return safe ? Number(minor) : undefined;
}

/** An answer the adapter cannot read: not the citizen's fault, and not a refusal either. */
export function unexpectedAnswer(what: string): BillerUnavailableError {
  return new BillerUnavailableError(`${WHO} sent an unreadable ${what}`);
}

function minorOrThrow(amount: WireAmount, what: string): number {
  const minor = amountToMinor(amount);
  if (minor === undefined) throw unexpectedAnswer(`${what} (value ${amount.value}, scale ${amount.scale})`);
  return minor;
}

/** The invoice as a contract Bill: paise, a masked holder name, and a breakup that sums to the amount due. */
export function toBill(wire: InvoiceResponse, fetchedAt: string): Bill {
  const { bp, invoice } = wire;
  const amountDueMinor = minorOrThrow(invoice.totalPayable, 'total payable');
  const breakup: BillLine[] = invoice.charges.map((charge) => ({
    label: charge.desc?.trim() || charge.code,
    amountMinor: minorOrThrow(charge.amt, `charge ${charge.code}`),
  }));
  // The total is what the company collects; arrears or credits it does not itemise still show up.
  const itemised = breakup.reduce((sum, line) => sum + line.amountMinor, 0);
  if (itemised !== amountDueMinor) breakup.push({ label: 'Other adjustments', amountMinor: amountDueMinor - itemised });
  const period = invoice.billingPeriod;
  return {
    billNumber: invoice.invoiceId,
    customerName: maskName(`${bp.holder.firstName} ${bp.holder.lastName}`),
    ...(period ? { periodStart: period.start.slice(0, 10), periodEnd: period.end.slice(0, 10) } : {}),
    billDate: invoice.invoiceDt.slice(0, 10),
    dueDate: invoice.payBy.slice(0, 10),
    amountDueMinor,
    breakup,
    currency: CURRENCY,
    fetchedAt,
  };
}

export function toCollectionRequest(
  bpNo: string,
  posting: { reference: string; billNumber: string; amountMinor: number; paidAt: string },
): CollectionRequest {
  return {
    bpNo,
    invoiceId: posting.billNumber,
    collectedAmount: { value: posting.amountMinor, scale: MINOR_DIGITS },
    partnerRef: posting.reference,
    collectedAt: posting.paidAt,
  };
}

/**
 * Only POSTED is a success, and only REJECTED or REFUNDED (the company gave the money back) a
 * failure. IN_PROCESS, UNDER_REVIEW and any word added later stay pending.
 */
export const COLLECTION_STATES: StatusVocabulary = { accepted: ['POSTED'], rejected: ['REJECTED', 'REFUNDED'] };

export function toPostingResult(reference: string, collection: Collection): PostingResult {
  return {
    reference,
    status: mapBillerStatus(collection.state, COLLECTION_STATES),
    billerReference: collection.collectionId,
    billerStatus: collection.state,
  };
}

/** The collection recorded under the hub's reference, if the company has one. */
export function findCollection(reference: string, items: Collection[]): Collection | undefined {
  return items.find((item) => item.partnerRef === reference);
}

export function faultOf(body: unknown): Fault | undefined {
  const parsed = faultBodySchema.safeParse(body);
  return parsed.success ? parsed.data.fault : undefined;
}

function unexpectedStatus(what: string, status: number, fault: Fault | undefined): BillerUnavailableError {
  return new BillerUnavailableError(`${WHO} answered ${status} to ${what}`, fault?.code ?? String(status));
}

/** A non-200 answer to an invoice fetch. Only the company's BP_NOT_FOUND means the consumer does not exist. */
export function invoiceError(status: number, body: unknown): BillerError {
  const fault = faultOf(body);
  if (status === 404 && fault?.code === 'BP_NOT_FOUND') {
    return new ConsumerNotFoundError(`no such BP number at ${WHO}`, fault.code);
  }
  return unexpectedStatus('an invoice fetch', status, fault);
}

/** Answers that refuse this very request for good; 403, 408 and 429 may pass, so they are not among them. */
const REFUSALS = new Set([400, 409, 422]);

/** A non-200 answer to a collection: an explicit refusal carrying the company's code is final. */
export function collectionError(status: number, body: unknown): BillerError {
  const fault = faultOf(body);
  if (status === 404 && fault?.code === 'BP_NOT_FOUND') {
    return new ConsumerNotFoundError(`no such BP number at ${WHO}`, fault.code);
  }
  if (fault && REFUSALS.has(status)) {
    const text = fault.text?.trim().slice(0, 200);
    return new BillerRejectedError(text || `${WHO} refused the payment (${fault.code})`, fault.code);
  }
  return unexpectedStatus('a collection', status, fault);
}

/**
 * A refused token request. Wrong credentials are an operator's fix, not the citizen's fault nor a
 * refusal of the payment, so postings stay retryable until the credentials are right.
 */
export function tokenError(status: number, body: unknown): BillerUnavailableError {
  const parsed = oauthErrorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.error : String(status);
  if (code === 'invalid_client') {
    return new BillerUnavailableError(`${WHO} refused the client credentials (check clientId and clientSecret)`, code);
  }
  return new BillerUnavailableError(`${WHO} answered ${status} to the token request`, code);
}

/** A non-200 answer to a status query: nothing there is final, the hub asks again later. */
export function statusQueryError(status: number, body: unknown): BillerUnavailableError {
  return unexpectedStatus('a status query', status, faultOf(body));
}
