import type { Due } from '../../bills/dues.js';
import { billRefOf } from '../../saved-accounts/bill-ref.js';
import type { SavedAccountDoc } from '../../saved-accounts/saved-account-model.js';
import { type MaskedBill, maskedBill } from './masked-bill.js';

/**
 * One entry of /dues as the API shows it: the bill number masked like its consumer, and a
 * checkout line naming the bill by its opaque `billRef` (see bill-ref.ts) rather than its number.
 */
export type DueView = Omit<Due, 'bill' | 'checkoutLine'> & {
  bill?: MaskedBill;
  /** POST it in a checkout's `lines` to pay today's amount of this bill. */
  checkoutLine?: { accountId: string; billRef: string; amountMinor: number };
};

/** The public shape of a due; `accounts` are the citizen's saved accounts the dues were collected for. */
export function dueView(due: Due, accounts: SavedAccountDoc[]): DueView {
  const { bill, checkoutLine, ...rest } = due;
  const account = accounts.find((a) => a._id === due.account.id);
  return {
    ...rest,
    ...(bill ? { bill: maskedBill(bill) } : {}),
    ...(checkoutLine && account
      ? {
          checkoutLine: {
            accountId: checkoutLine.accountId,
            billRef: billRefOf(account, checkoutLine.billNumber),
            amountMinor: checkoutLine.amountMinor,
          },
        }
      : {}),
  };
}
