import { createHash } from 'node:crypto';

// Crockford base32 like hub/payments/ids.ts. Derived, not random: a retry of the same transaction
// names the same claim and the same demand payment, which is what makes each of them happen once.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The claim's key: one per wallet provider and transaction id, across the whole hub. */
export const claimIdOf = (provider: string, transactionId: string): string => `${provider}:${transactionId}`;

/**
 * The payment id a wallet transfer is recorded under on the demand (and its receipt's number,
 * RCT + the same 20 characters): WLT + 20 characters of SHA-256 of the claim key.
 */
export function walletPaymentIdOf(claimId: string): string {
  let body = '';
  for (const byte of createHash('sha256').update(`wallet\u0000${claimId}`).digest().subarray(0, 20)) {
    body += ALPHABET[byte & 31];
  }
  return `WLT${body}`;
}
