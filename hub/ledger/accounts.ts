/** Money the gateway owes the hub for captured payments. */
export const GATEWAY_RECEIVABLE = 'gateway:receivable';
/** Captured money not yet settled with a biller nor refunded. */
export const PAYMENTS_IN_FLIGHT = 'payments:in_flight';
/** Money returned to citizens through the gateway. */
export const GATEWAY_REFUNDS = 'gateway:refunds';

const PAYABLE = /^biller:([^:]+):payable$/;

/** What the hub owes one biller for postings it accepted. */
export const billerPayable = (billerId: string): string => `biller:${billerId}:payable`;

/** Which of the invariant's quantities an account's balance measures. */
export type AccountRole = 'captured' | 'inFlight' | 'settled' | 'refunded';

export function accountRole(account: string): AccountRole | null {
  if (account === GATEWAY_RECEIVABLE) return 'captured';
  if (account === PAYMENTS_IN_FLIGHT) return 'inFlight';
  if (account === GATEWAY_REFUNDS) return 'refunded';
  return PAYABLE.test(account) ? 'settled' : null;
}

/**
 * The balance of an account in the direction its role grows: the receivable is a debit
 * balance (an asset); in flight, payables and refunds are credit balances.
 */
export function roleBalance(role: AccountRole, debitMinor: number, creditMinor: number): number {
  return role === 'captured' ? debitMinor - creditMinor : creditMinor - debitMinor;
}
