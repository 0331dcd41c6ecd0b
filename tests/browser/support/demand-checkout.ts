import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { rupeeAmounts } from './checks.js';
import { testId } from './portal-pages.js';
import { onSettledPage } from './visit-log.js';

/**
 * From a demand page with its pay option chosen: presses "Pay", checks the sandbox gateway's hosted
 * page (at `gatewayUrl`) asks for exactly `totalMinor` paise, pays by UPI with a successful outcome,
 * and waits (up to 75 s, pressing "check again") until the payment is final with a receipt; then
 * expects its status to be `completed`. Throws if it is not final by then.
 */
export async function payDemandAtGateway(page: Page, gatewayUrl: string, totalMinor: number): Promise<void> {
  await testId(page, 'demand-pay').click();
  await page.waitForURL((url) => url.href.startsWith(gatewayUrl));
  await page.locator('h1').waitFor();
  expect(rupeeAmounts((await page.locator('h1').textContent()) ?? '')).toEqual([totalMinor]);
  await page.locator('input[name=method][value=upi]').check();
  await page.locator('input[name=outcome][value=success]').check();
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/payments\/[^/]+$/);
  // Settlement posts it to the payment-demands biller; the payment is final once its receipt shows.
  const deadline = Date.now() + 75_000;
  while (!(await onSettledPage(page, () => testId(page, 'receipt-link').isVisible()))) {
    if (Date.now() > deadline) throw new Error('the payment was not final with a receipt after 75 s');
    await Promise.all([page.waitForEvent('load'), testId(page, 'check-again').click()]);
  }
  expect(await testId(page, 'payment-status').getAttribute('data-status')).toBe('completed');
}
