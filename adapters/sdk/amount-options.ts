import type { Bill } from './contract.js';

/**
 * What breaks the documented invariants of a bill's amount options (Bill.amountOptions), one
 * sentence each; none when the bill has no options or keeps them all: at least one option, the
 * first equal to amountDueMinor, amounts distinct positive safe integers, codes distinct and not
 * empty, a breakup (when given) adding up to its option's amount, and no earlyPayment/latePayment
 * beside them. The adapter contract test kit checks every fetched bill with it.
 */
export function amountOptionProblems(bill: Bill): string[] {
  const options = bill.amountOptions;
  if (options === undefined) return [];
  const problems: string[] = [];
  if (options.length === 0) problems.push('amountOptions is empty');
  if (options[0] && options[0].amountMinor !== bill.amountDueMinor) {
    problems.push(`the first option (${options[0].amountMinor}) is not amountDueMinor (${bill.amountDueMinor})`);
  }
  for (const [i, option] of options.entries()) {
    if (!Number.isSafeInteger(option.amountMinor) || option.amountMinor <= 0) {
      problems.push(`option ${i} amount ${option.amountMinor} is not a positive integer`);
    }
    if (option.code.trim() === '' || option.label.trim() === '') problems.push(`option ${i} has no code or label`);
    if (options.findIndex((o) => o.code === option.code) !== i)
      problems.push(`option ${i} repeats code ${option.code}`);
    if (options.findIndex((o) => o.amountMinor === option.amountMinor) !== i) {
      problems.push(`option ${i} repeats amount ${option.amountMinor}`);
    }
    const itemised = option.breakup?.reduce((sum, line) => sum + line.amountMinor, 0);
    if (itemised !== undefined && itemised !== option.amountMinor) {
      problems.push(`option ${i} breakup adds up to ${itemised}, not ${option.amountMinor}`);
    }
  }
  if (bill.earlyPayment || bill.latePayment) problems.push('a bill with amountOptions has earlyPayment or latePayment');
  return problems;
}
