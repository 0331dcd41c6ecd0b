import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../../hub/portal/api/hub-api.js';
import { demandBodyOf, demandFormFields } from '../../provider-portal/forms/demand-form.js';
import { formErrorsOf } from '../../provider-portal/forms/problem-errors.js';

const TODAY = '2026-12-01';
const empty = () => Object.fromEntries(demandFormFields().map((name) => [name, '']));
const good = () => ({
  ...empty(),
  payerPhone: '98765 43210',
  title: 'Hall booking',
  line1Description: 'Hall rent',
  line1Amount: '1000',
  dueDate: '2027-01-10',
});
const errorsOf = (values: Record<string, string>) =>
  demandBodyOf(values, { today: TODAY }).errors.map((e) => [e.field, e.text]);

describe('the raise form reads and checks every field at once', () => {
  it('an empty form lists every missing field at once, each by its label on the form', () => {
    expect(errorsOf(empty())).toEqual([
      ['line1Description', 'Line item 1 description is required'],
      ['line1Amount', 'Line item 1 taxable value is required'],
      ['dueDate', 'Due date is required'],
      ['payerPhone', 'Payer needs a mobile number or an email address (or both)'],
      ['title', 'What the demand is for is required'],
    ]);
  });

  it('an amount that does not read does not hide a past due date or a bad email', () => {
    const errors = errorsOf({ ...good(), line1Amount: '1,500', dueDate: '2020-01-01', payerEmail: 'not-an-email' });
    expect(errors).toEqual(
      expect.arrayContaining([
        ['line1Amount', 'Line item 1 taxable value must be rupees like 1500 or 1500.50 (no commas or ₹)'],
        ['dueDate', 'Due date is in the past'],
        ['payerEmail', 'Email address is not an email address'],
      ]),
    );
    expect(errors).toHaveLength(3);
  });

  it('a late fee begun needs its other two fields, named as required, and an optional group left empty is no error', () => {
    expect(errorsOf({ ...good(), lateFee: '10' })).toEqual([
      ['lateFeePeriodDays', 'Late fee period, days is required with a late fee (fill in all three, or none)'],
      ['lateFeeCap', 'Most late fee per instalment is required with a late fee (fill in all three, or none)'],
    ]);
    expect(errorsOf(good())).toEqual([]);
  });

  it('a landline as the mobile number is refused in words on the Mobile number field', () => {
    expect(errorsOf({ ...good(), payerPhone: '022 2888 1234', line1Amount: '1,000' })).toEqual([
      ['line1Amount', 'Line item 1 taxable value must be rupees like 1500 or 1500.50 (no commas or ₹)'],
      [
        'payerPhone',
        'Mobile number must be an Indian mobile number: 10 digits starting with 6, 7, 8 or 9 (or +91 and them)',
      ],
    ]);
  });

  it('a 20-digit amount is too large, not "not rupees"', () => {
    expect(errorsOf({ ...good(), line1Amount: '99999999999999999999' })).toEqual([
      ['line1Amount', 'Line item 1 taxable value is too large: at most ₹10,00,00,000 (10 crore)'],
    ]);
  });

  it('with instalments and no due date, the due date is the last instalment’s', () => {
    const { body, errors } = demandBodyOf(
      {
        ...good(),
        dueDate: '',
        instalment1Due: '2027-01-10',
        instalment1Amount: '500',
        instalment2Due: '2027-02-10',
        instalment2Amount: '500',
      },
      { today: TODAY },
    );
    expect(errors).toEqual([]);
    expect(body.dueDate).toBe('2027-02-10');
  });
});

describe("the hub's refusals on the form", () => {
  it('name the form’s labels and speak rupees and percentages, never API paths, paise or basis points', () => {
    const problem = new ApiProblem(400, 'invalid_request', 'the demand breaks 5 rules', {
      errors: [
        { field: 'dueDate', message: 'is in the past' },
        { field: 'lines.0.amountMinor', message: 'must be more than zero' },
        { field: 'instalments.1.dueDate', message: 'must be after the previous instalment' },
        { field: 'earlyDiscount.off.basisPoints', message: 'must be at most 10000 basis points (100 %)' },
        { field: 'earlyDiscount.off', message: 'must be less than the smallest instalment' },
      ],
    });
    expect(formErrorsOf(problem, 'payerPhone').map((e) => [e.field, e.text])).toEqual([
      ['dueDate', 'Due date is in the past'],
      ['line1Amount', 'Line item 1 taxable value must be more than zero'],
      ['instalment2Due', 'Instalment 2 due date must be after the previous instalment'],
      ['discount', 'Discount per instalment must be at most 100%'],
      ['discount', 'Discount per instalment must be less than the smallest instalment'],
    ]);
  });

  it('a refusal without a field reads as a sentence with a capital letter', () => {
    const problem = new ApiProblem(409, 'conflict', 'a cancelled demand cannot be amended', {});
    expect(formErrorsOf(problem, 'title')).toEqual([{ field: 'title', text: 'A cancelled demand cannot be amended' }]);
  });
});
