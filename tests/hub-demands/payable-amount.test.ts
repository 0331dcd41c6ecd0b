import { describe, expect, it } from 'vitest';
import type { LateFeeRule } from '../../hub/demands/demand-types.js';
import { lateFeeOn, percentOf, quoteInstalment } from '../../hub/demands/payable-amount.js';

const instalment = { number: 1, dueDate: '2027-01-10', amountMinor: 1_180_000 };
const twoPercentMonthly: LateFeeRule = {
  charge: { kind: 'percent', basisPoints: 200 },
  periodDays: 30,
  capMinor: 50_000,
};

describe('the amount payable for an instalment on a day', () => {
  it('rounds a percentage half up to the paisa', () => {
    expect(percentOf(999, 125)).toBe(12); // 12.4875
    expect(percentOf(1_000, 125)).toBe(13); // 12.5
    expect(percentOf(1_001, 50)).toBe(5); // 5.005
    expect(percentOf(1_100, 50)).toBe(6); // 5.5
    expect(percentOf(Number.MAX_SAFE_INTEGER, 10_000)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('charges no late fee on the due date, one period the day after, and one per 30 days or part after that', () => {
    expect(lateFeeOn(twoPercentMonthly, '2027-01-10', 1_180_000, '2027-01-10')).toEqual({
      periodsLate: 0,
      lateFeeMinor: 0,
    });
    expect(lateFeeOn(twoPercentMonthly, '2027-01-10', 1_180_000, '2027-01-11')).toEqual({
      periodsLate: 1,
      lateFeeMinor: 23_600,
    });
    expect(lateFeeOn(twoPercentMonthly, '2027-01-10', 1_180_000, '2027-02-09')).toEqual({
      periodsLate: 1,
      lateFeeMinor: 23_600,
    });
    expect(lateFeeOn(twoPercentMonthly, '2027-01-10', 1_180_000, '2027-02-10')).toEqual({
      periodsLate: 2,
      lateFeeMinor: 47_200,
    });
  });

  it('caps the late fee per instalment', () => {
    expect(lateFeeOn(twoPercentMonthly, '2027-01-10', 1_180_000, '2027-03-15')).toEqual({
      periodsLate: 3,
      lateFeeMinor: 50_000,
    });
    const flatWeekly: LateFeeRule = { charge: { kind: 'flat', amountMinor: 10_000 }, periodDays: 7, capMinor: 25_000 };
    expect(lateFeeOn(flatWeekly, '2027-01-10', 1_180_000, '2027-01-24').lateFeeMinor).toBe(20_000);
    expect(lateFeeOn(flatWeekly, '2027-01-10', 1_180_000, '2027-01-25').lateFeeMinor).toBe(25_000);
  });

  it('takes the early discount off on and before its date, and not the day after', () => {
    const rules = { earlyDiscount: { off: { kind: 'percent' as const, basisPoints: 150 }, until: '2027-01-05' } };
    expect(quoteInstalment(instalment, rules, '2027-01-05')).toMatchObject({
      discountMinor: 17_700,
      payableMinor: 1_162_300,
    });
    expect(quoteInstalment(instalment, rules, '2027-01-06')).toMatchObject({
      discountMinor: 0,
      payableMinor: 1_180_000,
    });
    const flat = { earlyDiscount: { off: { kind: 'flat' as const, amountMinor: 20_000 }, until: '2027-01-05' } };
    expect(quoteInstalment(instalment, flat, '2026-12-20').payableMinor).toBe(1_160_000);
  });

  it('never gives a discount to an instalment paid after its own due date, even before the discount date', () => {
    const later = { number: 2, dueDate: '2027-01-03', amountMinor: 1_000 };
    const rules = {
      earlyDiscount: { off: { kind: 'flat' as const, amountMinor: 100 }, until: '2027-01-05' },
      lateFee: { charge: { kind: 'flat' as const, amountMinor: 50 }, periodDays: 1, capMinor: 500 },
    };
    expect(quoteInstalment(later, rules, '2027-01-04')).toMatchObject({
      discountMinor: 0,
      lateFeeMinor: 50,
      payableMinor: 1_050,
    });
  });
});
