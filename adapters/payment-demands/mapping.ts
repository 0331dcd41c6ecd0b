import type { AmountOption, Bill, BillLine, CollectionEntry, PostingResult } from '../sdk/contract.js';
import { maskName } from '../sdk/mask.js';
import type { DemandPortRecord, DemandQuote, InstalmentCost } from './port.js';

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

/** "Instalment 2 of 3", or "Instalments 2-3 of 3" for a run of them. */
export function instalmentsLabel(numbers: readonly number[], count: number): string {
  const first = numbers[0];
  const last = numbers[numbers.length - 1];
  return numbers.length === 1 ? `Instalment ${first} of ${count}` : `Instalments ${first}-${last} of ${count}`;
}

/**
 * The lines of a payment of `paid` (a run of open instalments): each one's base amount, its late
 * fee and its discount (negative), adding up to exactly what they cost. The fee and discount
 * lines name their instalment when there are several.
 */
function breakupOf(paid: readonly InstalmentCost[], count: number): BillLine[] {
  const several = paid.length > 1;
  return paid.flatMap((cost) => {
    const of = several ? ` (instalment ${cost.instalment})` : '';
    return [
      { label: instalmentsLabel([cost.instalment], count), amountMinor: cost.baseMinor },
      ...(cost.lateFeeMinor > 0 ? [{ label: `Late fee${of}`, amountMinor: cost.lateFeeMinor }] : []),
      ...(cost.discountMinor > 0 ? [{ label: `Early-payment discount${of}`, amountMinor: -cost.discountMinor }] : []),
    ];
  });
}

/**
 * The amount options of a demand's bill (BBPS "amount options"): pay the next 1, 2, .. k open
 * instalments, codes `instalments-1` .. `instalments-k`, each with what that run costs on the
 * quote's day (every instalment with its own late fee or discount) and its breakup.
 */
export function amountOptionsOf(quote: DemandQuote): AmountOption[] {
  const open = quote.open.length > 0 ? quote.open : [costOfFirst(quote)];
  return open.map((_, k) => {
    const paid = open.slice(0, k + 1);
    return {
      code: `instalments-${k + 1}`,
      label: instalmentsLabel(
        paid.map((c) => c.instalment),
        quote.instalmentCount,
      ),
      amountMinor: paid.reduce((sum, cost) => sum + cost.payableMinor, 0),
      breakup: breakupOf(paid, quote.instalmentCount),
    };
  });
}

const costOfFirst = (quote: DemandQuote): InstalmentCost => ({
  instalment: quote.instalment,
  dueDate: quote.dueDate,
  baseMinor: quote.baseMinor,
  lateFeeMinor: quote.lateFeeMinor,
  discountMinor: quote.discountMinor,
  payableMinor: quote.payableMinor,
});

/**
 * The bill of a demand on a day: its number and amount due are the next open instalment's (its
 * payable amount, with a breakup of base, late fee and discount (negative) that adds up to it
 * exactly); its amount options offer that instalment alone or with the open ones after it.
 */
export function billFromQuote(quote: DemandQuote, fetchedAt: Date): Bill {
  const amountOptions = amountOptionsOf(quote);
  return {
    billNumber: billNumberOf(quote.reference, quote.instalment),
    customerName: maskPayer(quote.payerLabel),
    billDate: quote.createdAt.slice(0, 10),
    dueDate: quote.dueDate,
    amountDueMinor: quote.payableMinor,
    breakup: breakupOf([costOfFirst(quote)], quote.instalmentCount),
    amountOptions,
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
