import type { Bill, CollectionEntry, PostingResult } from '../sdk/contract.js';
import { maskName } from '../sdk/mask.js';
import type { DemandPortRecord, DemandQuote } from './port.js';

export const BILLER_ID = 'payment-demands';
export const CURRENCY = 'INR';

/** A bill number names the demand and the instalment: `DM-7K2QX-9ZT4M-R/2` is its second instalment. */
export function billNumberOf(reference: string, instalment: number): string {
  return `${reference}/${instalment}`;
}

/** The instalment a bill number names, or undefined for one of another demand or malformed. */
export function instalmentOf(billNumber: string, reference: string): number | undefined {
  const match = /^(.+)\/(\d{1,2})$/.exec(billNumber.trim());
  if (!match || match[1] !== reference) return undefined;
  return Number(match[2]);
}

/** Masks a phone (keeps the last 4 digits) or an email (first letter of the name and the domain). */
export function maskPayer(label: string): string {
  const at = label.indexOf('@');
  if (at > 0) return `${maskName(label.slice(0, at))}${label.slice(at)}`;
  return label.length > 4 ? `${'*'.repeat(label.length - 4)}${label.slice(-4)}` : maskName(label || 'payer');
}

/**
 * The bill of a demand's next open instalment on a day: amount due = its payable amount, with a
 * breakup of base, late fee and discount (negative) that adds up to it exactly.
 */
export function billFromQuote(quote: DemandQuote, fetchedAt: Date): Bill {
  const breakup = [
    { label: `Instalment ${quote.instalment} of ${quote.instalmentCount}`, amountMinor: quote.baseMinor },
    ...(quote.lateFeeMinor > 0 ? [{ label: 'Late fee', amountMinor: quote.lateFeeMinor }] : []),
    ...(quote.discountMinor > 0 ? [{ label: 'Early-payment discount', amountMinor: -quote.discountMinor }] : []),
  ];
  return {
    billNumber: billNumberOf(quote.reference, quote.instalment),
    customerName: maskPayer(quote.payerLabel),
    billDate: quote.createdAt.slice(0, 10),
    dueDate: quote.dueDate,
    amountDueMinor: quote.payableMinor,
    breakup,
    currency: CURRENCY,
    fetchedAt: fetchedAt.toISOString(),
  };
}

/** A recorded payment as the contract reports a posting: accepted, the biller reference being the demand's. */
export function postingFromRecord(record: DemandPortRecord): PostingResult {
  return {
    reference: record.paymentId,
    status: 'accepted',
    billerReference: `${record.reference}/${record.instalments.join('+')}`,
    billerStatus: 'recorded',
  };
}

/** A recorded payment as the collection (MIS) file lists it, for the daily reconciliation. */
export function collectionEntryOf(record: DemandPortRecord): CollectionEntry {
  const posted = postingFromRecord(record);
  return {
    reference: record.paymentId,
    billerReference: posted.billerReference ?? record.reference,
    consumer: { demandReference: record.reference },
    billNumber: billNumberOf(record.reference, record.instalments[0] ?? 0),
    amountMinor: record.amountMinor,
    acceptedAt: record.at,
  };
}
