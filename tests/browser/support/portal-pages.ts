import type { Locator, Page } from 'playwright-core';

/**
 * The portal's stable hooks (hub/portal/views/*.njk: `data-testid`, field ids) in one place,
 * so the journey reads as what the citizen does.
 */
export const testId = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`);

/** Billers of the sandboxes, the category they are filed under, and a consumer they serve. */
export interface LinkedBiller {
  category: 'electricity' | 'water' | 'gas';
  billerId: string;
  /** The biller's consumer fields by parameter name (the form's ids are `consumer-<name>`). */
  consumer: Record<string, string>;
}

/**
 * The sandboxes' fixture consumers (adapters/sandboxes/* data.ts FIXTURES): active accounts
 * with an open bill each; every run starts the sandboxes afresh, so their bills are unpaid.
 */
export const THREE_BILLS: LinkedBiller[] = [
  { category: 'electricity', billerId: 'state-electricity', consumer: { consumerNumber: '1002003004' } },
  { category: 'water', billerId: 'city-water', consumer: { connectionId: 'W12-004512' } },
  { category: 'gas', billerId: 'metro-gas', consumer: { bpNumber: '5001234567' } },
];

/** Payment statuses after which the return page stops refreshing itself. */
export const FINAL_STATUSES = ['completed', 'partially_refunded', 'refunded', 'failed', 'expired', 'cancelled', 'held'];

/** True when the text has Devanagari letters (Hindi). */
export const hasDevanagari = (text: string) => /[\u0900-\u097f]/.test(text);

/** The IST calendar day of `date` as YYYY-MM-DD. */
export const istDay = (date = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(date);
