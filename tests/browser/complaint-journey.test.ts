import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sessionCookie, signIn } from '../hub-portal/support/citizen.js';
import { complaintDesk, ESCALATED_ID, PAID_ID, REFUNDED_LINE } from '../hub-portal/support/complaint-desk-stub.js';
import { type StubbedPortal, startStubbedPortal } from '../hub-portal/support/stubbed-portal.js';
import { launchChromium, newPhonePage } from './support/chromium.js';
import { FAILURE_DIR } from './support/failure-shots.js';
import { type Identity, signInAtIdp } from './support/idp-pages.js';
import { closeJourney, startJourney } from './support/journey-stack.js';
import { journeySteps } from './support/journey-steps.js';
import { FINAL_STATUSES, testId } from './support/portal-pages.js';
import type { Stack } from './support/stack.js';
import { AxeJourneyLog, onSettledPage } from './support/visit-log.js';

/** A new citizen, signing in with a mobile number. */
const CITIZEN: Identity = { identifier: '98450 24680', to: '+919845024680', name: 'Meera Sen' };
/** The water board's disconnected connection: it refuses every payment (E210), so the hub refunds it. */
const REFUSED_WATER = { billerId: 'city-water', connectionId: 'W07-000313' };
/** Where the journey leaves its 390 px screenshots of the complaint pages (beside the failure shots). */
const SHOTS_DIR = join(FAILURE_DIR, 'complaint-journey');

/**
 * The citizen's complaint journey in headless Chromium against the whole stack: a citizen pays a
 * water bill that the board refuses, so the line ends refunded; says how paying was; reports a
 * problem with that line from the payment's page; sees the hub's answer at once with the refund
 * reference; finds the complaint in the list, opens it, and rates the answer. axe-core checks each
 * page at 390 px (key pages at 1280 px too).
 */
describe('a citizen complains about a refunded bill and rates the answer', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe = new AxeJourneyLog();
  let paymentId = '';
  let complaintId = '';

  const step = journeySteps(() => page);
  const shot = async (name: string) => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    ({ stack, browser } = await startJourney());
    ({ context, page } = await newPhonePage(browser));
  }, 120_000);
  afterAll(() => closeJourney(context, browser, stack));

  step('a new citizen signs in and looks up the water bill', async () => {
    await page.goto(`${stack.portalUrl}/auth/login?returnTo=/bills/lookup`);
    await signInAtIdp(stack, page, CITIZEN, async () => {}, { keyboard: false, landsOn: /\/bills\/lookup$/ });
    await page.locator(`input[name=biller][value=${REFUSED_WATER.billerId}]`).check();
    await testId(page, 'continue').click();
    await page.locator('#consumer-connectionId').fill(REFUSED_WATER.connectionId);
    await testId(page, 'lookup-submit').click();
    await testId(page, 'lookup-result').waitFor();
  });

  step('pays it on the gateway; the board refuses it and the payment ends refunded', async () => {
    await testId(page, 'pay-this-bill').click();
    await page.waitForURL((url) => url.href.startsWith(stack.gatewayUrl));
    await page.locator('input[name=method][value=upi]').check();
    await page.locator('input[name=outcome][value=success]').check();
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(/\/payments\/[^/]+$/);
    paymentId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);
    const final = page.locator(FINAL_STATUSES.map((s) => `[data-testid=payment-status][data-status=${s}]`).join(', '));
    const deadline = Date.now() + 75_000;
    while (!(await onSettledPage(page, async () => (await final.count()) > 0))) {
      if (Date.now() > deadline) throw new Error('the payment was not final after 75 s');
      await Promise.all([page.waitForEvent('load'), testId(page, 'check-again').click()]);
    }
    expect(await testId(page, 'payment-status').getAttribute('data-status')).toBe('refunded');
    expect(await testId(page, 'payment-line').textContent()).toContain('Refunded');
  });

  step('says how paying was, once: the form gives way to a thank-you and the score', async () => {
    await testId(page, 'feedback-form').waitFor();
    await axe.check(page, 'payment refunded: How was paying?', true);
    await page.getByLabel('Good', { exact: true }).check();
    await testId(page, 'feedback-form-comment').fill('Quick, but the water board refused it.');
    await testId(page, 'feedback-form-submit').click();
    await testId(page, 'feedback-thanks').waitFor();
    expect(await testId(page, 'feedback-score').textContent()).toContain('4 out of 5 (Good)');
    expect(await testId(page, 'feedback-form').count()).toBe(0);
  });

  step('reports a problem with the refunded line; an empty form is refused in an error summary', async () => {
    await testId(page, 'report-line-problem').first().click();
    await page.waitForURL(new RegExp(`/payments/${paymentId}/complaint\\?line=`));
    await axe.check(page, 'complaint form', true);
    await testId(page, 'complaint-submit').click();
    await testId(page, 'error-summary').waitFor();
    expect(await page.title()).toMatch(/^Error: /);
    await axe.check(page, 'complaint form: errors', true);
    await page.getByLabel('I have not received my refund').check();
    await page.locator('#description').fill('The water board refused my payment. I want to know where my money is.');
    await testId(page, 'complaint-submit').click();
    await page.waitForURL(/\/complaints\/CMP[0-9A-Z]{12}\/raised$/);
    complaintId = (await testId(page, 'complaint-id').textContent())?.trim() ?? '';
    expect(complaintId).toMatch(/^CMP[0-9A-HJKMNP-TV-Z]{12}$/);
  });

  step('sees the answer at once, with the refund reference', async () => {
    await testId(page, 'complaint-answer').waitFor();
    const reference = (await testId(page, 'complaint-evidence-refundReference').textContent())?.trim() ?? '';
    expect(reference.length).toBeGreaterThan(3);
    await axe.check(page, 'complaint raised: answered at once', true);
    await shot('raised-390');
  });

  step('finds the complaint in the list, answered, and opens it', async () => {
    await testId(page, 'nav-complaints').click();
    await page.waitForURL(/\/complaints$/);
    const row = page.locator(`[data-testid=complaint-row][data-complaint-id="${complaintId}"]`);
    expect(await row.getAttribute('data-status')).toBe('resolved');
    await axe.check(page, 'complaints list', true);
    await shot('list-390');
    await row.locator('[data-testid=complaint-link]').click();
    await page.waitForURL(new RegExp(`/complaints/${complaintId}$`));
    expect(await testId(page, 'complaint-event').count()).toBeGreaterThan(0);
    await testId(page, 'complaint-answer').waitFor();
    await axe.check(page, 'complaint page: answered', true);
  });

  step('rates the answer once: the form gives way to the rating', async () => {
    await page.getByLabel('Very good', { exact: true }).check();
    await testId(page, 'rating-form-submit').click();
    await page.waitForURL(new RegExp(`/complaints/${complaintId}\\?notice=rated`));
    await testId(page, 'notice').waitFor();
    expect(await testId(page, 'complaint-rating').textContent()).toContain('5 out of 5 (Very good)');
    expect(await testId(page, 'rating-form').count()).toBe(0);
    await axe.check(page, 'complaint page: rated', true);
    await shot('detail-390');
  });

  step('a complaint id that is not the citizen’s answers the not-found page', async () => {
    const response = await page.goto(`${stack.portalUrl}/complaints/CMP000000000000`);
    expect(response?.status()).toBe(404);
    await testId(page, 'complaint-not-found').waitFor();
    await axe.check(page, 'complaint not found');
  });

  step(
    'every complaint page passes axe-core (WCAG 2.2 A and AA) at 390 px and 1280 px',
    async () => {
      expect(axe.records.length).toBeGreaterThan(0);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});

/**
 * The same pages on the contract's shapes, answered by a stub of the complaint desk in front of a
 * real hub (tests/hub-portal/support/complaint-desk-stub.ts): every state a citizen can meet
 * (the form and its errors, answered at once or waiting, overdue and escalated, rating) is checked
 * by axe-core at 390 px and 1280 px, and screenshotted at 390 px.
 */
describe('every complaint page state passes axe at 390 px and 1280 px (stubbed complaint desk)', () => {
  let portal: StubbedPortal | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe = new AxeJourneyLog();
  const step = journeySteps(() => page);
  let base = '';
  /** Opens `path`, checks it with axe at both widths and keeps a 390 px screenshot named `name`. */
  const visit = async (path: string, name: string) => {
    await page.goto(`${base}${path}`);
    await axe.check(page, name, true);
    mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOTS_DIR, `stub-${name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true });
  };

  beforeAll(async () => {
    const desk = complaintDesk();
    [portal, browser] = await Promise.all([startStubbedPortal(desk.route), launchChromium()]);
    base = portal.stack.portal;
    // Signed in through the real idp without script, then the session carried into Chromium.
    const citizen = await signIn(portal.stack);
    const session = (await sessionCookie(citizen.browser, base)) ?? '';
    ({ context, page } = await newPhonePage(browser));
    await context.addCookies([{ name: 'portal_session', value: session, url: base }]);
  }, 120_000);
  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await portal?.close();
  });

  step('the payment page with "Report a problem" and "How was paying?"', async () => {
    await visit(`/payments/${PAID_ID}`, 'payment with feedback form');
    await testId(page, 'feedback-form').waitFor();
  });

  step('the complaint form, then its errors', async () => {
    await visit(`/payments/${PAID_ID}/complaint?line=${REFUNDED_LINE}`, 'complaint form');
    await testId(page, 'complaint-submit').click();
    await testId(page, 'error-summary').waitFor();
    await axe.check(page, 'complaint form with errors', true);
    await page.screenshot({ path: join(SHOTS_DIR, 'stub-complaint-form-errors.png'), fullPage: true });
  });

  step('answered at once, then the list, the escalated complaint and the rating form', async () => {
    await page.getByLabel('I have not received my refund').check();
    await page.locator('#description').fill('Refused by the water board; where is my money?');
    await testId(page, 'complaint-submit').click();
    await page.waitForURL(/\/raised$/);
    await testId(page, 'complaint-answer').waitFor();
    await axe.check(page, 'complaint raised answered', true);
    await page.screenshot({ path: join(SHOTS_DIR, 'stub-complaint-raised.png'), fullPage: true });
    const id = (await testId(page, 'complaint-id').textContent())?.trim() ?? '';
    await visit('/complaints', 'complaints list');
    await visit(`/complaints/${ESCALATED_ID}`, 'complaint escalated');
    await visit(`/complaints/${id}`, 'complaint with rating form');
    await testId(page, 'rating-form').waitFor();
    await visit('/complaints/CMP000000000000', 'complaint not found');
  });

  step('in Bengali, the complaint form and the list', async () => {
    await page.goto(`${base}/complaints`);
    await testId(page, 'language-bn').click();
    await page.waitForURL(/\/complaints$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('bn');
    await axe.check(page, 'complaints list in Bengali', true);
    await page.screenshot({ path: join(SHOTS_DIR, 'stub-complaints-list-bn.png'), fullPage: true });
    await visit(`/payments/${PAID_ID}/complaint?line=${REFUNDED_LINE}`, 'complaint form in Bengali');
  });

  step(
    'no page has an axe violation',
    async () => {
      expect(axe.records.length).toBeGreaterThan(10);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});
