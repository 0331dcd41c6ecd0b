import type { Bill } from '../../../adapters/sdk/index.js';

/**
 * A bill number as shown beside a masked consumer: all but its last four characters hidden.
 * Billers often build bill numbers from the consumer number (the electricity sandbox's is
 * `EB` + year and month + consumer number), so a full bill number would undo the consumer's mask.
 */
export function maskBillNumber(billNumber: string): string {
  return billNumber.length <= 4 ? billNumber : `${'*'.repeat(billNumber.length - 4)}${billNumber.slice(-4)}`;
}

/** A bill where its consumer is shown masked: `billNumberMasked` instead of `billNumber`. */
export type MaskedBill = Omit<Bill, 'billNumber'> & { billNumberMasked: string };

/** The bill with its number masked (see maskBillNumber); every other field as the adapter gave it. */
export function maskedBill({ billNumber, ...rest }: Bill): MaskedBill {
  return { ...rest, billNumberMasked: maskBillNumber(billNumber) };
}
