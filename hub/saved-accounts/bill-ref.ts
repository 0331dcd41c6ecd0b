import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SavedAccountDoc } from './saved-account-model.js';

/**
 * An opaque name for one bill of a saved account, for checkout lines: /dues shows bill numbers
 * masked (they may embed the consumer number), yet a checkout must still say which bill the
 * citizen saw, so a newer bill is a 409 `bill_changed` rather than paid by mistake. It is an
 * HMAC-SHA256 of the bill number under the account's own random key (never shown), so it
 * reveals nothing of the number and cannot be made for another account. 22 base64url characters.
 */
export function billRefOf(account: Pick<SavedAccountDoc, '_id' | 'billRefKey'>, billNumber: string): string {
  // Accounts saved before keys existed fall back to their id: still opaque to a reader of /dues.
  return createHmac('sha256', account.billRefKey ?? account._id)
    .update(billNumber)
    .digest('base64url')
    .slice(0, 22);
}

/** Whether `billRef` names this account's bill `billNumber` (compared in constant time). */
export function billRefMatches(
  account: Pick<SavedAccountDoc, '_id' | 'billRefKey'>,
  billNumber: string,
  billRef: string,
): boolean {
  const expected = Buffer.from(billRefOf(account, billNumber));
  const given = Buffer.from(billRef);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
