import type { AmountOption, Bill } from '../../adapters/sdk/index.js';

/**
 * The bill as paid through one of its amount options, for what a checkout line keeps for its
 * receipt: the option's amount as the amount due and its breakup (or one line, its label, when it
 * has none), so the receipt's rows add up to what was paid. The first option is the bill itself.
 */
export function billOfOption(bill: Bill, option: AmountOption): Bill {
  if (option.amountMinor === bill.amountDueMinor) return bill;
  const { earlyPayment: _early, latePayment: _late, ...rest } = bill;
  return {
    ...rest,
    amountDueMinor: option.amountMinor,
    breakup: option.breakup ?? [{ label: option.label, amountMinor: option.amountMinor }],
  };
}
