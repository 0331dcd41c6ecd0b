import { describe, expect, it } from 'vitest';
import { billFromQuote } from '../../adapters/payment-demands/mapping.js';
import { amountOptionProblems } from '../../adapters/sdk/amount-options.js';
import { checkAmount } from '../../adapters/sdk/amount-rules.js';
import type { Bill } from '../../adapters/sdk/contract.js';
import { demandQuoteOf } from '../../hub/demands/demand-biller-port.js';
import type { Instalment } from '../../hub/demands/demand-types.js';
import { instalmentsForAmount } from '../../hub/demands/payment-rules.js';

const instalment = (number: number, dueDate: string, status: Instalment['status'] = 'open'): Instalment => ({
  number,
  dueDate,
  amountMinor: 1_180_000,
  status,
  paidMinor: status === 'paid' ? 1_180_000 : 0,
});

/**
 * Three instalments of ₹11,800 (10 Jan, 10 Feb, 10 Mar 2027), a late fee of 2 % per 30 days or part
 * (₹236 a period, capped at ₹500) and ₹100 off each instalment paid by 10 February.
 */
const demand = (
  instalments = [instalment(1, '2027-01-10'), instalment(2, '2027-02-10'), instalment(3, '2027-03-10')],
) => ({
  reference: 'DM-7K2QX-9ZT4M-R',
  title: 'Community hall booking',
  payer: { phone: '+919876543210' },
  status: instalments.some((i) => i.status === 'paid') ? ('partly_paid' as const) : ('open' as const),
  instalments,
  lateFee: { charge: { kind: 'percent' as const, basisPoints: 200 }, periodDays: 30, capMinor: 50_000 },
  earlyDiscount: { off: { kind: 'flat' as const, amountMinor: 10_000 }, until: '2027-02-10' },
  createdAt: new Date('2026-12-01T05:00:00Z'),
});

const billOn = (day: string, d = demand()): Bill => {
  const quote = demandQuoteOf(d, day);
  if (!quote) throw new Error('nothing open');
  return billFromQuote(quote, new Date(`${day}T06:00:00Z`));
};

describe("a demand's amount options (pay the next 1..k instalments)", () => {
  it('builds one option per open instalment, the first late with its fee and the later two with their discount', () => {
    // 20 January: the first is 10 days late (one period, ₹236); the others are before 10 February (₹100 off).
    const bill = billOn('2027-01-20');
    expect(bill.amountDueMinor).toBe(1_203_600);
    expect(bill.amountOptions).toEqual([
      {
        code: 'instalments-1',
        label: 'Instalment 1 of 3',
        amountMinor: 1_203_600,
        breakup: [
          { label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
          { label: 'Late fee', amountMinor: 23_600 },
        ],
      },
      {
        code: 'instalments-2',
        label: 'Instalments 1-2 of 3',
        amountMinor: 1_203_600 + 1_170_000,
        breakup: [
          { label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
          { label: 'Late fee (instalment 1)', amountMinor: 23_600 },
          { label: 'Instalment 2 of 3', amountMinor: 1_180_000 },
          { label: 'Early-payment discount (instalment 2)', amountMinor: -10_000 },
        ],
      },
      {
        code: 'instalments-3',
        label: 'Instalments 1-3 of 3',
        amountMinor: 1_203_600 + 1_170_000 + 1_170_000,
        breakup: [
          { label: 'Instalment 1 of 3', amountMinor: 1_180_000 },
          { label: 'Late fee (instalment 1)', amountMinor: 23_600 },
          { label: 'Instalment 2 of 3', amountMinor: 1_180_000 },
          { label: 'Early-payment discount (instalment 2)', amountMinor: -10_000 },
          { label: 'Instalment 3 of 3', amountMinor: 1_180_000 },
          { label: 'Early-payment discount (instalment 3)', amountMinor: -10_000 },
        ],
      },
    ]);
    // The bill's own breakup is its first option's, and every option keeps the documented invariants.
    expect(bill.breakup).toEqual(bill.amountOptions?.[0]?.breakup);
    expect(amountOptionProblems(bill)).toEqual([]);
  });

  it('offers only the open instalments once some are paid, numbered as in the plan', () => {
    // 20 March, instalments 1 and 2 paid: the third, 10 days late, is the one option.
    const bill = billOn(
      '2027-03-20',
      demand([instalment(1, '2027-01-10', 'paid'), instalment(2, '2027-02-10', 'paid'), instalment(3, '2027-03-10')]),
    );
    expect(bill.billNumber).toBe('DM-7K2QX-9ZT4M-R/3');
    expect(bill.amountOptions).toEqual([
      {
        code: 'instalments-1',
        label: 'Instalment 3 of 3',
        amountMinor: 1_203_600,
        breakup: [
          { label: 'Instalment 3 of 3', amountMinor: 1_180_000 },
          { label: 'Late fee', amountMinor: 23_600 },
        ],
      },
    ]);
  });

  it('has no bill at all for a cancelled demand', () => {
    expect(demandQuoteOf({ ...demand(), status: 'cancelled' }, '2027-01-05')).toBeUndefined();
  });
});

describe('which instalments an amount pays', () => {
  const day = '2027-01-20';

  it('maps each option amount to the next 1, 2 or 3 instalments', () => {
    expect(instalmentsForAmount(demand(), { first: 1, amountMinor: 1_203_600 }, day)).toEqual({
      ok: true,
      instalments: [1],
    });
    expect(instalmentsForAmount(demand(), { first: 1, amountMinor: 2_373_600 }, day)).toEqual({
      ok: true,
      instalments: [1, 2],
    });
    expect(instalmentsForAmount(demand(), { first: 1, amountMinor: 3_543_600 }, day)).toEqual({
      ok: true,
      instalments: [1, 2, 3],
    });
  });

  it('refuses an amount between two options, naming what each number of instalments costs', () => {
    const between = instalmentsForAmount(demand(), { first: 1, amountMinor: 2_000_000 }, day);
    expect(between).toMatchObject({ ok: false, reason: 'amount_mismatch' });
    expect(between.ok ? '' : between.message).toContain('2 cost 2373600');
    // The two-instalment amount of another day (no late fee yet on 5 January) is not today's.
    expect(instalmentsForAmount(demand(), { first: 1, amountMinor: 2_360_000 - 20_000 }, day)).toMatchObject({
      reason: 'amount_mismatch',
    });
  });

  it('refuses a run that does not start at the next open instalment, and a demand that is not payable', () => {
    expect(instalmentsForAmount(demand(), { first: 2, amountMinor: 1_170_000 }, day)).toMatchObject({
      ok: false,
      reason: 'out_of_order',
    });
    expect(instalmentsForAmount({ ...demand(), status: 'cancelled' }, { first: 1, amountMinor: 1 }, day)).toMatchObject(
      { ok: false, reason: 'not_payable' },
    );
  });
});

describe('checking an amount against a bill with amount options', () => {
  const bill = billOn('2027-01-20');

  it("takes exactly one option's amount, whatever the biller's exactness, and names the option", () => {
    for (const exactness of ['EXACT', 'EXACT_AND_ABOVE', 'ANY'] as const) {
      expect(checkAmount(bill, exactness, 2_373_600, '2027-01-20')).toMatchObject({
        ok: true,
        option: { code: 'instalments-2' },
      });
      expect(checkAmount(bill, exactness, 2_373_601, '2027-01-20')).toMatchObject({
        ok: false,
        reason: 'not_an_option',
      });
    }
  });

  it('finds what breaks the invariants of a bill with options', () => {
    const options = bill.amountOptions ?? [];
    const [first] = options;
    if (!first) throw new Error('no options');
    expect(amountOptionProblems({ ...bill, amountOptions: [] })).toEqual(['amountOptions is empty']);
    expect(amountOptionProblems({ ...bill, amountOptions: options.slice(1) })).toHaveLength(1);
    expect(
      amountOptionProblems({ ...bill, amountOptions: [...options, { code: 'x', label: 'x', amountMinor: 0.5 }] }),
    ).toEqual(['option 3 amount 0.5 is not a positive integer']);
    expect(amountOptionProblems({ ...bill, amountOptions: [...options, { ...first, code: 'again' }] })).toEqual([
      'option 3 repeats amount 1203600',
    ]);
    expect(amountOptionProblems({ ...bill, earlyPayment: { until: '2027-01-25', amountMinor: 1 } })).toHaveLength(1);
  });
});
