import { randomUUID } from 'node:crypto';
import type { DemandLine, NewDemand, NewDemandLine } from '../../hub/demands/demand-types.js';

/**
 * A "Hall rent" line of `rentMinor` paise with 18 % GST within a state, split evenly as CGST and
 * SGST (9 % each), as a provider raises it. Rent should be a multiple of 100 paise so the tax is whole.
 */
export function hallRentLine(rentMinor = 3_000_000): NewDemandLine {
  const halfTax = (rentMinor * 9) / 100;
  return {
    description: 'Hall rent',
    amountMinor: rentMinor,
    taxMinor: 2 * halfTax,
    taxes: [
      { name: 'CGST', amountMinor: halfTax },
      { name: 'SGST', amountMinor: halfTax },
    ],
  };
}

/** {@link hallRentLine} as the hub answers it: with the line's total (rent + GST) in paise. */
export function hallRentLineWithTotal(rentMinor = 3_000_000): DemandLine {
  const line = hallRentLine(rentMinor);
  return { ...line, totalMinor: line.amountMinor + line.taxMinor };
}

/** Three instalments of ₹11,800 due 2027-01-10, 2027-02-10 and 2027-03-10 (the ₹35,400 hall rent). */
export const THREE_INSTALMENTS = () => [
  { dueDate: '2027-01-10', amountMinor: 1_180_000 },
  { dueDate: '2027-02-10', amountMinor: 1_180_000 },
  { dueDate: '2027-03-10', amountMinor: 1_180_000 },
];

/** A late fee of 2 % per 30 days capped at ₹500 per instalment. */
export const LATE_FEE_2_PERCENT = () =>
  ({ charge: { kind: 'percent', basisPoints: 200 }, periodDays: 30, capMinor: 50_000 }) as const;

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
    lines: [hallRentLine()],
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
    instalments: THREE_INSTALMENTS(),
    lateFee: LATE_FEE_2_PERCENT(),
    ...overrides,
  });
}

/** A payment id as the hub's posting reference looks. */
export const paymentId = (): string => `HUB${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;

/** The fields a demand needs from the store's caller. */
export const BY = { actor: 'officer@municipality', today: TODAY } as const;
