import type { Bill } from '../../../adapters/sdk/index.js';
import { maskBillNumber } from '../../bills/consumer-key.js';

/** A bill where its consumer is shown masked: `billNumberMasked` instead of `billNumber`. */
export type MaskedBill = Omit<Bill, 'billNumber'> & { billNumberMasked: string };

/** The bill with its number masked (see maskBillNumber); every other field as the adapter gave it. */
export function maskedBill({ billNumber, ...rest }: Bill): MaskedBill {
  return { ...rest, billNumberMasked: maskBillNumber(billNumber) };
}
