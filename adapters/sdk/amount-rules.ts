import type { AmountOption, Bill, Exactness } from './contract.js';

export type AmountCheck =
  | { ok: true; payableMinor: number; option?: AmountOption }
  | {
      ok: false;
      payableMinor: number;
      reason: 'not_positive_integer' | 'must_equal' | 'below_due' | 'above_due' | 'not_an_option';
    };

/** What the bill asks for on a given day: the early amount until its date, the late one from its date. */
export function payableOn(bill: Bill, day: string): number {
  if (bill.earlyPayment && day <= bill.earlyPayment.until) return bill.earlyPayment.amountMinor;
  if (bill.latePayment && day >= bill.latePayment.from) return bill.latePayment.amountMinor;
  return bill.amountDueMinor;
}

/**
 * Checks a payment amount against the bill on `day` (YYYY-MM-DD, in the biller's time zone).
 * Amounts are integer minor units; anything else is refused. A bill with amount options (BBPS
 * "amount options", Bill.amountOptions) takes exactly one of its options' amounts, whatever the
 * biller's exactness (`not_an_option` otherwise; `option` names the one paid); any other bill
 * follows the biller's exactness against payableOn.
 */
export function checkAmount(bill: Bill, exactness: Exactness, amountMinor: number, day: string): AmountCheck {
  const payableMinor = payableOn(bill, day);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    return { ok: false, payableMinor, reason: 'not_positive_integer' };
  }
  if (bill.amountOptions) {
    const option = bill.amountOptions.find((o) => o.amountMinor === amountMinor);
    return option ? { ok: true, payableMinor, option } : { ok: false, payableMinor, reason: 'not_an_option' };
  }
  switch (exactness) {
    case 'EXACT':
      return amountMinor === payableMinor
        ? { ok: true, payableMinor }
        : { ok: false, payableMinor, reason: 'must_equal' };
    case 'EXACT_AND_ABOVE':
      return amountMinor >= payableMinor
        ? { ok: true, payableMinor }
        : { ok: false, payableMinor, reason: 'below_due' };
    case 'EXACT_AND_BELOW':
      return amountMinor <= payableMinor
        ? { ok: true, payableMinor }
        : { ok: false, payableMinor, reason: 'above_due' };
    case 'ANY':
      return { ok: true, payableMinor };
  }
}
