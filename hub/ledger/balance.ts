import { accountInfo } from './accounts.js';

/** One side of a movement on one account, in integer minor units: exactly one of the two is above zero. */
export interface LedgerEntry {
  account: string;
  debitMinor: number;
  creditMinor: number;
}

const isAmount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Why a set of entries is not a valid double-entry transaction (empty when it is): at least two
 * entries on accounts of the chart (accounts.ts), each with exactly one side a positive integer, debits equal to credits.
 */
export function entryProblems(entries: readonly LedgerEntry[] | undefined): string[] {
  if (!Array.isArray(entries) || entries.length < 2) return ['needs at least two entries'];
  const problems: string[] = [];
  let debits = 0;
  let credits = 0;
  entries.forEach((entry, i) => {
    if (typeof entry?.account !== 'string' || accountInfo(entry.account) === null) {
      problems.push(`entry ${i} has an unknown account ${JSON.stringify(entry?.account)}`);
    }
    if (!isAmount(entry?.debitMinor) || !isAmount(entry?.creditMinor)) {
      problems.push(`entry ${i} is not in non-negative integer minor units`);
      return;
    }
    if (entry.debitMinor > 0 === entry.creditMinor > 0) {
      problems.push(`entry ${i} must have exactly one of debit and credit above zero`);
    }
    debits += entry.debitMinor;
    credits += entry.creditMinor;
  });
  if (!Number.isSafeInteger(debits) || !Number.isSafeInteger(credits)) problems.push('totals are not safe integers');
  else if (debits !== credits) problems.push(`unbalanced: debits ${debits} ≠ credits ${credits}`);
  return problems;
}
