import { type Bill, payableOn } from '../../adapters/sdk/index.js';

/** Which of a bill's amounts applies on a day: its early-payment rebate, its late fee, or neither. */
export type PayableRule = 'early_payment_rebate' | 'late_fee' | 'none';

/** What a bill asks for on one Indian day (integer paise), and why. */
export interface PayableToday {
  /** YYYY-MM-DD in IST: the day the amount holds for. */
  day: string;
  /** The amount a checkout must offer today (the SDK's payableOn). */
  amountMinor: number;
  /** The plain amount due, before any rebate or late fee. */
  amountDueMinor: number;
  applied: PayableRule;
  /** amountMinor - amountDueMinor: negative for a rebate, positive for a late fee. */
  adjustmentMinor: number;
}

/**
 * The amount payable on `day` by the SDK's rules (payableOn: the early amount up to and including
 * `earlyPayment.until`, the late amount from `latePayment.from`) and which of the two applied;
 * `applied` mirrors payableOn's own order of checks so the two never disagree.
 */
export function payableToday(bill: Bill, day: string): PayableToday {
  const amountMinor = payableOn(bill, day);
  const applied: PayableRule =
    bill.earlyPayment && day <= bill.earlyPayment.until
      ? 'early_payment_rebate'
      : bill.latePayment && day >= bill.latePayment.from
        ? 'late_fee'
        : 'none';
  return {
    day,
    amountMinor,
    amountDueMinor: bill.amountDueMinor,
    applied,
    adjustmentMinor: amountMinor - bill.amountDueMinor,
  };
}
