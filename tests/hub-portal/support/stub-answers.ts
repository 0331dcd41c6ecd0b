import type { Bill } from '../../../hub/portal/api/types.js';

/**
 * A fetched bill as the hub API answers it inside a due: masked customer name, billed 2026-11-01,
 * due 2026-12-10, no breakup, fetched 2026-11-30 09:00 UTC; `amountDueMinor` in paise.
 */
export function stubBill(billNumber: string, amountDueMinor: number, extra: Partial<Bill> = {}): Bill {
  return {
    billNumber,
    customerName: 'A*** D***',
    billDate: '2026-11-01',
    dueDate: '2026-12-10',
    amountDueMinor,
    breakup: [],
    currency: 'INR',
    fetchedAt: '2026-11-30T09:00:00.000Z',
    ...extra,
  };
}
