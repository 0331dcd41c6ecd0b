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

/** A stub route's JSON answer: `body` serialised, with `status` (200 unless told). */
export const jsonAnswer = (body: unknown, status = 200) => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
});

/** A stub route's problem answer (RFC 9457) as the hub API gives it: `code` as type, title and detail. */
export const problemAnswer = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  status,
  type: 'application/problem+json',
  body: JSON.stringify({ type: `urn:problem:${code}`, title: code, status, code, detail: code, ...extra }),
});
