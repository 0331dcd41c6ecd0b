import { describe, expect, it } from 'vitest';
import type { Bill } from '../../adapters/sdk/index.js';
import { maskBillNumber } from '../../hub/bills/consumer-key.js';
import { lineBillFacts } from '../../hub/receipts/bill-facts.js';
import { formatDateTimeIST, formatMoney, formatPeriod, formatRupees } from '../../hub/receipts/receipt-text.js';

const bill: Bill = {
  billNumber: 'EB1002003004-2611',
  customerName: 'M*** D**',
  periodStart: '2026-10-01',
  periodEnd: '2026-10-31',
  billDate: '2026-11-02',
  dueDate: '2026-11-20',
  amountDueMinor: 127_550,
  breakup: [
    { label: 'Energy charge', amountMinor: 117_550 },
    { label: 'Electricity duty', amountMinor: 10_000 },
  ],
  earlyPayment: { until: '2026-11-10', amountMinor: 125_050 },
  latePayment: { from: '2026-11-21', amountMinor: 130_050 },
  currency: 'INR',
  fetchedAt: '2026-11-05T04:00:00Z',
};

describe('how a receipt writes numbers, money and time', () => {
  it('masks all but the last four characters of a bill number, which may embed the consumer number', () => {
    expect(maskBillNumber('EB1002003004-2611')).toBe('*************2611');
    expect(maskBillNumber('1002003004')).toBe('******3004');
    expect(maskBillNumber('1002003004')).not.toContain('1002');
    expect(maskBillNumber('B-17')).toBe('B-17');
  });

  it('writes paise as rupees with ₹ and Indian digit grouping, exactly', () => {
    expect(formatMoney(18_260_700)).toBe('₹1,82,607.00');
    expect(formatMoney(1_23_45_678_09)).toBe('₹1,23,45,678.09');
    expect(formatMoney(5)).toBe('₹0.05');
    expect(formatMoney(-2_500)).toBe('-₹25.00');
    // Beyond what a double holds exactly as rupees, no paisa is lost.
    expect(formatMoney(9_007_199_254_740_991)).toBe('₹9,00,71,99,25,47,409.91');
    expect(() => formatMoney(1.5)).toThrow(RangeError);
  });

  it('keeps "Rs" for text messages, where ₹ would leave the GSM alphabet', () => {
    expect(formatRupees(125_050)).toBe('Rs 1,250.50');
    expect(formatRupees(1_23_45_678_09)).toBe('Rs 1,23,45,678.09');
    expect(formatRupees(5)).toBe('Rs 0.05');
  });

  it('shows instants in IST and billing periods as calendar days', () => {
    expect(formatDateTimeIST(new Date('2026-11-30T18:45:00Z'))).toBe('1 Dec 2026, 12:15 am IST');
    expect(formatPeriod({ from: '2026-10-01', to: '2026-10-31' })).toBe('1 Oct 2026 – 31 Oct 2026');
    expect(formatPeriod({ to: '2026-10-31' })).toBe('… – 31 Oct 2026');
    expect(formatPeriod(undefined)).toBeUndefined();
  });
});

describe('what a checkout line keeps of its bill for the receipt', () => {
  it('the period, the breakup and the early-payment rebate when paid on or before its day', () => {
    expect(lineBillFacts(bill, '2026-11-10')).toEqual({
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      amountDueMinor: 127_550,
      breakup: bill.breakup,
      adjustment: { kind: 'rebate', amountMinor: -2_500 },
    });
  });

  it('the late fee when paid on or after its day, and no adjustment in between', () => {
    expect(lineBillFacts(bill, '2026-11-21').adjustment).toEqual({ kind: 'late_fee', amountMinor: 2_500 });
    expect(lineBillFacts(bill, '2026-11-15')).not.toHaveProperty('adjustment');
  });
});
