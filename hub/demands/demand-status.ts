import type { DemandStatus, Instalment } from './demand-types.js';

/**
 * A live demand's status follows from its instalments: all paid -> paid, some -> partly_paid,
 * none -> open. Cancelled is set by a cancellation only, never derived.
 */
export function derivedStatus(instalments: readonly Pick<Instalment, 'status'>[]): DemandStatus {
  const paid = instalments.filter((i) => i.status === 'paid').length;
  if (paid === 0) return 'open';
  return paid === instalments.length ? 'paid' : 'partly_paid';
}

/** What the payer has paid in all, paise (late fees included, discounts taken off). */
export const paidTotal = (instalments: readonly Pick<Instalment, 'paidMinor'>[]): number =>
  instalments.reduce((sum, i) => sum + i.paidMinor, 0);

/** What is left to pay, paise, before any late fee or discount: the open instalments' amounts. */
export const outstandingTotal = (instalments: readonly Pick<Instalment, 'status' | 'amountMinor'>[]): number =>
  instalments.filter((i) => i.status === 'open').reduce((sum, i) => sum + i.amountMinor, 0);
