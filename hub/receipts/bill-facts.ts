import type { Bill } from '../../adapters/sdk/index.js';
import { payableToday } from '../bills/payable-today.js';
import type { LineBill } from '../payments/index.js';

/**
 * What a checkout line keeps of its bill for the receipt: the period, the itemised charges and
 * taxes, the plain amount due, and the rebate or late fee that applied on `day` (YYYY-MM-DD, IST),
 * by the same rule as the amount checked at checkout (payableToday). Bills are fetched fresh at
 * checkout, so these are the facts the citizen paid against.
 */
export function lineBillFacts(bill: Bill, day: string): LineBill {
  const today = payableToday(bill, day);
  const kind = today.applied === 'early_payment_rebate' ? 'rebate' : today.applied === 'late_fee' ? 'late_fee' : null;
  return {
    ...(bill.periodStart ? { periodStart: bill.periodStart } : {}),
    ...(bill.periodEnd ? { periodEnd: bill.periodEnd } : {}),
    amountDueMinor: bill.amountDueMinor,
    breakup: bill.breakup.map(({ label, amountMinor }) => ({ label, amountMinor })),
    ...(kind && today.adjustmentMinor !== 0 ? { adjustment: { kind, amountMinor: today.adjustmentMinor } } : {}),
  };
}
