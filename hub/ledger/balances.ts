import { accountInfo, normalBalance } from './accounts.js';
import type { LedgerModel } from './ledger-model.js';

/** One account's totals in one currency, in minor units. */
export interface AccountBalance {
  account: string;
  currency: string;
  /** asset, expense or liability; null for a name outside the chart (only a tampered ledger has one). */
  type: string | null;
  debitMinor: number;
  creditMinor: number;
  /** On the account's normal side: what an asset holds or a liability owes. */
  balanceMinor: number;
}

export interface BalancesOptions {
  /** Only transactions recorded at or before this time: the books as they stood then. */
  asOf?: Date;
}

/** Totals per account and currency, sorted by account then currency. */
export function toBalances(sums: Iterable<{ account: string; currency: string; debit: number; credit: number }>) {
  const rows: AccountBalance[] = [];
  for (const { account, currency, debit, credit } of sums) {
    rows.push({
      account,
      currency,
      type: accountInfo(account)?.type ?? null,
      debitMinor: debit,
      creditMinor: credit,
      balanceMinor: normalBalance(account, debit - credit),
    });
  }
  return rows.sort((a, b) => (a.account === b.account ? cmp(a.currency, b.currency) : cmp(a.account, b.account)));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every account's balance, summed by the database, as of a time (by when each transaction was
 * recorded; the ledger is append-only, so the books as of a past time never change).
 */
export async function accountBalances(ledger: LedgerModel, options: BalancesOptions = {}): Promise<AccountBalance[]> {
  const rows = await ledger.aggregate<{ _id: { account: string; currency: string }; debit: number; credit: number }>([
    { $match: options.asOf ? { createdAt: { $lte: options.asOf } } : {} },
    { $unwind: '$entries' },
    {
      $group: {
        _id: { account: '$entries.account', currency: '$currency' },
        debit: { $sum: '$entries.debitMinor' },
        credit: { $sum: '$entries.creditMinor' },
      },
    },
  ]);
  return toBalances(rows.map((r) => ({ ...r._id, debit: r.debit, credit: r.credit })));
}
