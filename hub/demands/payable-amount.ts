import { daysBetween } from './calendar-day.js';
import type { Charge, EarlyDiscount, LateFeeRule } from './demand-types.js';

/** What one instalment costs on one Indian day, paise: payable = base + late fee - discount. */
export interface InstalmentQuote {
  number: number;
  baseMinor: number;
  lateFeeMinor: number;
  discountMinor: number;
  payableMinor: number;
  /** Late-fee periods charged (0 when on time); before the cap. */
  periodsLate: number;
}

/**
 * `basisPoints` of `amountMinor`, rounded half up to the paisa (0.5 paise and above rounds up):
 * 1.25 % (125 bp) of 999 paise is 12.4875 -> 12; of 1,000 paise 12.5 -> 13. Integer arithmetic in
 * BigInt, so no amount that fits in a safe integer loses a paisa to floating point.
 */
export function percentOf(amountMinor: number, basisPoints: number): number {
  return Number((BigInt(amountMinor) * BigInt(basisPoints) + 5_000n) / 10_000n);
}

const chargeOn = (charge: Charge, baseMinor: number): number =>
  charge.kind === 'flat' ? charge.amountMinor : percentOf(baseMinor, charge.basisPoints);

/**
 * The late fee of an instalment paid on `day`: one charge for each period of `periodDays` days,
 * or part of one, since its due date (paid on the due date: none; the day after: one period;
 * with 30-day periods, day 31 after: two), at most `capMinor`. A percentage charge is a percentage
 * of the instalment's own amount (never of fees already charged), rounded once per period.
 */
export function lateFeeOn(rule: LateFeeRule | undefined, dueDate: string, baseMinor: number, day: string) {
  const daysLate = daysBetween(dueDate, day);
  if (!rule || daysLate <= 0) return { periodsLate: 0, lateFeeMinor: 0 };
  const periodsLate = Math.ceil(daysLate / rule.periodDays);
  return { periodsLate, lateFeeMinor: Math.min(rule.capMinor, periodsLate * chargeOn(rule.charge, baseMinor)) };
}

/**
 * The early-payment discount of an instalment paid on `day`: applies on or before both the
 * discount's `until` and the instalment's due date (so a day never has both a discount and a late
 * fee). Flat: that amount off each instalment; percentage: of the instalment, rounded half up.
 */
export function discountOn(discount: EarlyDiscount | undefined, dueDate: string, baseMinor: number, day: string) {
  if (!discount || day > discount.until || day > dueDate) return 0;
  return Math.min(chargeOn(discount.off, baseMinor), baseMinor - 1);
}

/** The amount payable for one instalment on `day` (an Indian calendar day), with its parts. */
export function quoteInstalment(
  instalment: { number: number; dueDate: string; amountMinor: number },
  rules: { lateFee?: LateFeeRule; earlyDiscount?: EarlyDiscount },
  day: string,
): InstalmentQuote {
  const baseMinor = instalment.amountMinor;
  const { periodsLate, lateFeeMinor } = lateFeeOn(rules.lateFee, instalment.dueDate, baseMinor, day);
  const discountMinor = discountOn(rules.earlyDiscount, instalment.dueDate, baseMinor, day);
  return {
    number: instalment.number,
    baseMinor,
    lateFeeMinor,
    discountMinor,
    payableMinor: baseMinor + lateFeeMinor - discountMinor,
    periodsLate,
  };
}
