import { describe, expect, it } from 'vitest';
import type { Bill } from '../../adapters/sdk/index.js';
import type { BillService } from '../../hub/bills/bill-service.js';
import { collectDues } from '../../hub/bills/dues.js';
import { todayInIndia } from '../../hub/bills/indian-day.js';
import { payableToday } from '../../hub/bills/payable-today.js';
import type { SavedAccountDoc } from '../../hub/saved-accounts/saved-account-model.js';

const bill = {
  billNumber: 'EB-1002003004-2611',
  amountDueMinor: 100_000,
  earlyPayment: { until: '2026-11-20', amountMinor: 98_000 },
  latePayment: { from: '2026-12-06', amountMinor: 102_500 },
} as Bill;

describe("today's payable amount of a due", () => {
  it('applies the early-payment rebate up to and including its last day', () => {
    expect(payableToday(bill, '2026-11-20')).toEqual({
      day: '2026-11-20',
      amountMinor: 98_000,
      amountDueMinor: 100_000,
      applied: 'early_payment_rebate',
      adjustmentMinor: -2_000,
    });
  });

  it('asks the plain amount between the rebate and the late fee, and the late fee from its first day', () => {
    expect(payableToday(bill, '2026-11-21')).toMatchObject({
      amountMinor: 100_000,
      applied: 'none',
      adjustmentMinor: 0,
    });
    expect(payableToday(bill, '2026-12-06')).toMatchObject({ amountMinor: 102_500, applied: 'late_fee' });
  });

  it('counts the day by the Indian date: 20:00 UTC on the rebate day is already the next day in IST', () => {
    expect(todayInIndia(new Date('2026-11-20T20:00:00Z'))).toBe('2026-11-21');
    expect(todayInIndia(new Date('2026-11-20T18:00:00Z'))).toBe('2026-11-20');
  });

  it('/dues gives the amount payable today and a checkout line naming the saved account, without internals', async () => {
    const account = {
      _id: 'ACC0001',
      __v: 0,
      citizenSub: 'citizen-1',
      billerId: 'state-electricity',
      consumer: { consumerNumber: '1002003004' },
      consumerKey: '1002003004',
      consumerMasked: '******3004',
      nickname: 'Home',
      createdAt: new Date('2026-11-01T00:00:00Z'),
    } as SavedAccountDoc;
    const bills = {
      fetch: async (_billerId: string, consumer: Record<string, string>) => ({ bill, consumer, cached: false }),
    } as unknown as BillService;

    const [due] = await collectDues([account], bills, undefined, new Date('2026-12-10T06:00:00Z'));

    expect(due?.payable).toMatchObject({ day: '2026-12-10', amountMinor: 102_500, applied: 'late_fee' });
    expect(due?.checkoutLine).toEqual({ accountId: 'ACC0001', billNumber: bill.billNumber, amountMinor: 102_500 });
    expect(due?.account).toEqual({
      id: 'ACC0001',
      billerId: 'state-electricity',
      nickname: 'Home',
      consumerMasked: '******3004',
      createdAt: account.createdAt,
    });
    const text = JSON.stringify(due?.account);
    for (const internal of ['_id', '__v', 'citizenSub', 'consumerKey', '1002003004']) {
      expect(text).not.toContain(internal);
    }
  });
});
