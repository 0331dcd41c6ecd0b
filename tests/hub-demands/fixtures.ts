import { randomUUID } from 'node:crypto';
import type { NewDemand } from '../../hub/demands/demand-types.js';

/** The Indian day the tests treat as today: every due date below lies after it. */
export const TODAY = '2026-12-01';

/**
 * Hall rent of ₹30,000 with 18 % GST within a state (CGST ₹2,700 + SGST ₹2,700): ₹35,400 in all,
 * one payment due 2027-01-10, for a provider of its own.
 */
export function hallRent(overrides: Partial<NewDemand> = {}): NewDemand {
  return {
    providerId: `provider-${randomUUID()}`,
    payer: { phone: '+919876543210', email: 'asha@example.in' },
    title: 'Community hall booking, 14 January',
    lines: [
      {
        description: 'Hall rent',
        amountMinor: 3_000_000,
        taxMinor: 540_000,
        taxes: [
          { name: 'CGST', amountMinor: 270_000 },
          { name: 'SGST', amountMinor: 270_000 },
        ],
      },
    ],
    dueDate: '2027-01-10',
    ...overrides,
  };
}

/**
 * The hall rent in three instalments of ₹11,800 (2027-01-10, 2027-02-10, 2027-03-10) with a late
 * fee of 2 % per 30 days (₹236 a period) capped at ₹500 per instalment.
 */
export function hallRentInThree(overrides: Partial<NewDemand> = {}): NewDemand {
  return hallRent({
    dueDate: '2027-03-10',
    instalments: [
      { dueDate: '2027-01-10', amountMinor: 1_180_000 },
      { dueDate: '2027-02-10', amountMinor: 1_180_000 },
      { dueDate: '2027-03-10', amountMinor: 1_180_000 },
    ],
    lateFee: { charge: { kind: 'percent', basisPoints: 200 }, periodDays: 30, capMinor: 50_000 },
    ...overrides,
  });
}

/** A payment id as the hub's posting reference looks. */
export const paymentId = (): string => `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;

/** The fields a demand needs from the store's caller. */
export const BY = { actor: 'officer@municipality', today: TODAY } as const;
