import { describe, expect, it } from 'vitest';
import { validateNewDemand } from '../../hub/demands/new-demand-rules.js';
import { hallRent, hallRentInThree, TODAY } from './fixtures.js';

const errorsOf = (input: unknown) => {
  const check = validateNewDemand(input, { today: TODAY });
  return check.ok ? [] : check.errors;
};

describe('validating a new demand', () => {
  it('accepts a demand with its tax breakup and normalises the payer (E.164 phone, lowercased email)', () => {
    const check = validateNewDemand(hallRent({ payer: { phone: '98765 43210', email: ' Asha@Example.IN ' } }), {
      today: TODAY,
    });
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.demand.payer).toEqual({ phone: '+919876543210', email: 'asha@example.in' });
  });

  it('refuses instalments that do not add up exactly to the total, naming the field', () => {
    const demand = hallRentInThree();
    const plan = demand.instalments?.map((p) => ({ ...p })) ?? [];
    (plan[2] as { amountMinor: number }).amountMinor -= 1;
    expect(errorsOf({ ...demand, instalments: plan })).toEqual([
      { field: 'instalments', message: 'add up to ₹35,399.99, not the total of ₹35,400.00' },
    ]);
  });

  it('refuses instalment due dates that do not strictly increase, or a last one other than the due date', () => {
    const demand = hallRentInThree();
    const plan = [
      { dueDate: '2027-01-10', amountMinor: 1_180_000 },
      { dueDate: '2027-01-10', amountMinor: 1_180_000 },
      { dueDate: '2027-03-09', amountMinor: 1_180_000 },
    ];
    expect(errorsOf({ ...demand, instalments: plan }).map((e) => e.field)).toEqual([
      'instalments.1.dueDate',
      'instalments.2.dueDate',
    ]);
  });

  it('refuses a tax breakup that does not add up to the line tax, or mixes IGST with CGST', () => {
    const line = hallRent().lines[0];
    if (!line) throw new Error('fixture has a line');
    const wrongSum = {
      ...line,
      taxes: [
        { name: 'CGST', amountMinor: 270_000 },
        { name: 'SGST', amountMinor: 269_999 },
      ],
    };
    expect(errorsOf(hallRent({ lines: [wrongSum as never] }))).toEqual([
      { field: 'lines.0.taxes', message: "tax components add up to ₹5,399.99, not the line's tax of ₹5,400.00" },
    ]);
    const mixed = {
      ...line,
      taxes: [
        { name: 'IGST', amountMinor: 270_000 },
        { name: 'CGST', amountMinor: 270_000 },
      ],
    };
    expect(errorsOf(hallRent({ lines: [mixed as never] })).map((e) => e.message)).toContain(
      'IGST (inter-state) cannot be combined with CGST, SGST or UTGST',
    );
  });

  it('refuses amounts that are not whole paise, a payer with neither phone nor email, and unknown fields', () => {
    const line = { ...hallRent().lines[0], amountMinor: 100.5 };
    const errors = errorsOf({ ...hallRent({ lines: [line as never], payer: {} }), dueDte: '2027-01-10' });
    expect(errors.map((e) => e.field).sort()).toEqual(['', 'lines.0.amountMinor', 'payer']);
  });

  it('refuses a due date in the past, a stated total that differs from the lines, and an impossible date', () => {
    expect(errorsOf(hallRent({ dueDate: '2026-11-30' }))).toEqual([{ field: 'dueDate', message: 'is in the past' }]);
    expect(errorsOf(hallRent({ totalMinor: 3_000_000 })).map((e) => e.field)).toEqual(['totalMinor']);
    expect(errorsOf(hallRent({ dueDate: '2027-02-30' })).map((e) => e.field)).toEqual(['dueDate']);
  });

  it('refuses a flat early discount as large as an instalment, and one that ends after the due date', () => {
    const errors = errorsOf(
      hallRentInThree({ earlyDiscount: { off: { kind: 'flat', amountMinor: 1_180_000 }, until: '2027-03-11' } }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual(['earlyDiscount.off', 'earlyDiscount.until']);
  });

  it('reports a past due date together with a field that does not parse, not after it is fixed', () => {
    const errors = errorsOf(hallRent({ dueDate: '2020-01-01', payer: { email: 'not-an-email' } }));
    expect(errors).toEqual([
      { field: 'payer.email', message: 'is not an email address' },
      { field: 'dueDate', message: 'is in the past' },
    ]);
  });
});
