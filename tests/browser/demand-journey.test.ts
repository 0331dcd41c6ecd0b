import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { demandPayUrl } from '../../hub/api/routes/demand-notice.js';
import { DemandStore } from '../../hub/demands/demand-store.js';
import { newReferenceNumber } from '../../hub/demands/reference-number.js';
import { hallRent } from '../hub-demands/fixtures.js';
import { rupeeAmounts } from './support/checks.js';
import { newPhonePage } from './support/chromium.js';
import { payDemandAtGateway } from './support/demand-checkout.js';
import { type Identity, signInAtIdp } from './support/idp-pages.js';
import { closeJourney, startJourney } from './support/journey-stack.js';
import { journeySteps } from './support/journey-steps.js';
import { testId } from './support/portal-pages.js';
import type { Stack } from './support/stack.js';
import { AxeJourneyLog } from './support/visit-log.js';

/** A payer who has never signed in: the demand names their mobile number. */
const PAYER: Identity = { identifier: '98450 67890', to: '+919845067890', name: 'Ravi Kumar' };
/** Hall rent ₹30,000 + CGST ₹2,700 + SGST ₹2,700, in one instalment. */
const TOTAL_MINOR = 3_540_000;

/**
 * The pay link of a demand in headless Chromium against the whole stack: a payer opens the link of
 * the demand_received message signed out, signs in with a one-time code (registering on the way),
 * lands back on the demand, pays it on the sandbox gateway's hosted page, and sees it paid. axe-core
 * checks each page at 390 px and 1280 px.
 */
describe('a payer opens a demand’s pay link signed out, signs in with a code and pays it', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe = new AxeJourneyLog();
  let reference = '';
  let payLink = '';

  /** One step of the journey; once one fails the rest say so instead of failing obscurely. */
  const step = journeySteps(() => page);

  beforeAll(async () => {
    ({ stack, browser } = await startJourney());
    const store = new DemandStore(stack.hub.mongo);
    const { demand } = await store.create(hallRent({ payer: { phone: PAYER.to } }), {
      actor: 'officer@city-halls',
      providerName: 'City Halls Department',
    });
    reference = demand.reference;
    // The link the demand_received SMS and email carry (hub/api/routes/demand-notice.ts).
    payLink = demandPayUrl(stack.portalUrl, reference);
    ({ context, page } = await newPhonePage(browser));
  }, 120_000);
  afterAll(() => closeJourney(context, browser, stack));

  step('the pay link, opened signed out, goes to the idp’s sign-in', async () => {
    expect(payLink).toBe(`${stack.portalUrl}/demands/${reference}`);
    await page.goto(payLink);
    await page.waitForURL((url) => url.href.startsWith(stack.idpUrl));
  });

  step('a new payer signs in with the code and lands back on the demand, in one step', async () => {
    const { registered } = await signInAtIdp(stack, page, PAYER, (label) => axe.check(page, label), {
      keyboard: false,
      landsOn: new RegExp(`/demands/${reference}$`),
    });
    expect(registered).toBe(true);
    expect(new URL(page.url()).pathname).toBe(`/demands/${reference}`);
    expect(await testId(page, 'demand-title').textContent()).toBe('Community hall booking, 14 January');
    expect(await testId(page, 'demand-provider').textContent()).toBe('From City Halls Department');
    expect(await testId(page, 'demand-status').getAttribute('data-status')).toBe('open');
    expect(await testId(page, 'demand-tax').allTextContents()).toEqual(['CGST ₹2,700.00', 'SGST ₹2,700.00']);
    expect(rupeeAmounts((await testId(page, 'demand-total').textContent()) ?? '')).toEqual([TOTAL_MINOR]);
    await axe.check(page, 'demand: open', true);
  });

  step('the demand is among the payer’s dues on the dashboard', async () => {
    await testId(page, 'nav-dashboard').click();
    await page.waitForURL(/\/dashboard$/);
    const row = page.locator(`[data-testid=due-row][data-demand-reference="${reference}"]`);
    expect(await row.getAttribute('data-state')).toBe('due');
    expect(rupeeAmounts((await row.locator('[data-testid=due-payable]').textContent()) ?? '')).toEqual([TOTAL_MINOR]);
    await axe.check(page, 'dashboard with a demand', true);
    await row.locator('[data-testid=due-demand-link]').click();
    await page.waitForURL(new RegExp(`/demands/${reference}$`));
  });

  step('pays it on the sandbox gateway’s hosted page for exactly the amount due', async () => {
    await payDemandAtGateway(page, stack.gatewayUrl, TOTAL_MINOR);
  });

  step('the demand page now says it is paid in full, with no way to pay it again', async () => {
    await page.goto(payLink);
    expect(await testId(page, 'demand-status').getAttribute('data-status')).toBe('paid');
    await testId(page, 'demand-paid').waitFor();
    expect(await testId(page, 'demand-pay').count()).toBe(0);
    expect(await testId(page, 'wallet-form').count()).toBe(0);
    expect(await page.locator('[data-testid=demand-instalment][data-status=paid]').count()).toBe(1);
    await axe.check(page, 'demand: paid', true);
  });

  step('a reference that is not the payer’s answers the not-found page', async () => {
    const response = await page.goto(`${stack.portalUrl}/demands/${newReferenceNumber()}`);
    expect(response?.status()).toBe(404);
    await testId(page, 'demand-not-found').waitFor();
    await axe.check(page, 'demand: not found', true);
  });

  step(
    'every demand page passes axe-core (WCAG 2.2 A and AA) at 390 px and 1280 px',
    async () => {
      expect(axe.records.length).toBeGreaterThan(0);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});
