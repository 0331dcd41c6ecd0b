import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type AutopayCharge, newChargeId } from '../../hub/autopay/charge-model.js';
import { type Autopay, AutopayStore } from '../../hub/autopay/index.js';
import { rupeeAmounts } from './support/checks.js';
import { newPhonePage, PHONE } from './support/chromium.js';
import { FAILURE_DIR } from './support/failure-shots.js';
import { type Identity, signInAtIdp } from './support/idp-pages.js';
import { closeJourney, startJourney } from './support/journey-stack.js';
import { journeySteps } from './support/journey-steps.js';
import { testId } from './support/portal-pages.js';
import type { Stack } from './support/stack.js';
import { AxeJourneyLog } from './support/visit-log.js';

/** A new citizen, signing in with a mobile number. */
const CITIZEN: Identity = { identifier: '98450 24680', to: '+919845024680', name: 'Meena Das' };
/** Where this journey leaves a 390 px screenshot of each autopay page, to be looked at. */
const SHOT_DIR = join(FAILURE_DIR, 'autopay');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Debits as the autopay jobs record them (hub/autopay scan-bills.ts, run-charges.ts), written
 * straight to the hub's store, since the jobs run hourly: one announced and due tomorrow, one
 * above the limit, one declined by the bank. Days are IST calendar days.
 */
async function recordDebits(store: AutopayStore, autopay: Autopay): Promise<void> {
  const now = Date.now();
  const istDay = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);
  const base = {
    autopayId: autopay._id,
    mandateId: autopay.mandate?.mandateId ?? '',
    citizenSub: autopay.citizenSub,
    accountId: autopay.accountId,
    billerId: autopay.billerId,
    currency: 'INR',
    enquiries: 0,
  };
  // Oldest first, each recorded a moment after the one before, as the jobs would (the API lists newest first).
  const debits: Omit<AutopayCharge, 'createdAt' | 'updatedAt'>[] = [
    {
      ...base,
      _id: newChargeId(),
      billKey: `${autopay.billerId}|journey|EB-JOURNEY-1`,
      billNumber: 'EB-JOURNEY-1',
      amountMinor: 150_000,
      dueDate: istDay(now - 50 * DAY),
      status: 'failed',
      reason: 'declined',
      noticeSentAt: new Date(now - 61 * DAY),
      chargeAt: new Date(now - 60 * DAY),
    },
    {
      ...base,
      _id: newChargeId(),
      billKey: `${autopay.billerId}|journey|EB-JOURNEY-2`,
      billNumber: 'EB-JOURNEY-2',
      amountMinor: 612_000,
      dueDate: istDay(now - 20 * DAY),
      status: 'over_limit',
      chargeAt: new Date(now - 30 * DAY),
    },
    {
      ...base,
      _id: newChargeId(),
      billKey: `${autopay.billerId}|journey|EB-JOURNEY-3`,
      billNumber: 'EB-JOURNEY-3',
      amountMinor: 182_607,
      dueDate: istDay(now + 10 * DAY),
      status: 'scheduled',
      noticeSentAt: new Date(now),
      chargeAt: new Date(now + DAY),
    },
  ];
  for (const [i, debit] of debits.entries()) {
    await store.charges.create({ ...debit, createdAt: new Date(now - (debits.length - i) * 60_000) });
  }
}

/** A full-page screenshot at phone width (the harness saves them only on failure). */
async function phoneShot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOT_DIR, { recursive: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Autopay in headless Chromium against the whole stack: a new citizen signs in, links an
 * electricity account, finds Autopay in the navigation, is told clearly what is wrong with a limit,
 * sets one, approves the mandate on the sandbox gateway's hosted page, comes back to it on, sees it
 * on the dashboard, pauses and resumes it, and cancels it through the page that says what
 * cancelling does. axe-core checks each autopay page (and the gateway's approval page) at 390 px.
 */
describe('a citizen sets up autopay, approves the mandate at the gateway, pauses, resumes and cancels it', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axe = new AxeJourneyLog();
  let autopayId = '';

  /** One step of the journey; once one fails the rest say so instead of failing obscurely. */
  const step = journeySteps(() => page);
  const card = () => page.locator(`[data-testid=autopay][data-autopay-id="${autopayId}"]`);
  const statusText = async () => ((await card().locator('[data-testid=autopay-status]').textContent()) ?? '').trim();

  beforeAll(async () => {
    ({ stack, browser } = await startJourney());
    ({ context, page } = await newPhonePage(browser));
  }, 120_000);
  afterAll(() => closeJourney(context, browser, stack));

  step('signs in with a code and links an electricity account', async () => {
    await page.goto(`${stack.portalUrl}/`);
    await testId(page, 'sign-in').click();
    await signInAtIdp(stack, page, CITIZEN, async () => {}, { keyboard: false, landsOn: /\/dashboard/ });
    await testId(page, 'nav-add-account').click();
    await page.locator('input[name=category][value=electricity]').check();
    await testId(page, 'continue').click();
    await page.locator('input[name=biller][value=state-electricity]').check();
    await testId(page, 'continue').click();
    await page.locator('#consumer-consumerNumber').fill('1002003004');
    await testId(page, 'add-account-submit').click();
    await page.waitForURL(/\/dashboard/);
    await expect.poll(() => testId(page, 'due-row').count()).toBe(1);
  });

  step('the dashboard says autopay is off for the account and offers to set it up', async () => {
    const cell = testId(page, 'due-autopay');
    expect(await cell.getAttribute('data-autopay-status')).toBe('none');
    expect(await cell.textContent()).toContain('Off');
    expect(await testId(page, 'due-autopay-set-up').getAttribute('href')).toMatch(/^\/autopay\?account=ACC/);
    await axe.check(page, 'dashboard: autopay off', true);
    await phoneShot(page, '01-dashboard-autopay-off');
  });

  step('opens Autopay from the navigation: nothing set up yet, the account offered', async () => {
    await testId(page, 'nav-autopay').click();
    await page.waitForURL(/\/autopay$/);
    expect((await page.locator('h1').textContent())?.trim()).toBe('Autopay');
    await testId(page, 'no-autopay').waitFor();
    // The one saved account is offered, and chosen already.
    expect(await page.locator('input[name=accountId]').count()).toBe(1);
    expect(await page.locator('input[name=accountId]').isChecked()).toBe(true);
    await axe.check(page, 'autopay: none yet', true);
    await phoneShot(page, '02-autopay-empty');
  });

  step('a limit that is not rupees, and one above the highest allowed, are refused with clear errors', async () => {
    await page.locator('#limit').fill('lots');
    await testId(page, 'autopay-submit').click();
    await testId(page, 'error-summary').waitFor();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await testId(page, 'error-summary').textContent()).toContain(
      'Enter the limit in rupees, like 2500 or 2500.50',
    );
    // The summary links the field, and the field says it too.
    expect(await testId(page, 'error-summary').locator('a[href="#limit"]').count()).toBe(1);
    expect(await page.locator('#limit-error').textContent()).toContain('Enter the limit in rupees');
    await axe.check(page, 'autopay: limit not rupees');
    await phoneShot(page, '03-autopay-limit-error');

    await page.locator('#limit').fill('20,000');
    await testId(page, 'autopay-submit').click();
    await page.locator('#limit-error').waitFor();
    expect(await page.locator('#limit-error').textContent()).toContain('The limit must be ₹15,000.00 or less');
    // What was typed and chosen is kept.
    expect(await page.locator('#limit').inputValue()).toBe('20,000');
    expect(await page.locator('input[name=accountId]:checked').inputValue()).toMatch(/^ACC/);
    await axe.check(page, 'autopay: limit too high');
  });

  step('sets a limit and approves the mandate on the sandbox gateway’s hosted page', async () => {
    await page.locator('#limit').fill('5,000');
    await testId(page, 'autopay-submit').click();
    await page.waitForURL((url) => url.href.startsWith(`${stack.gatewayUrl}/mandates/`));
    await page.locator('h1').waitFor();
    // The gateway shows the limit the citizen set as the most per debit.
    expect(rupeeAmounts((await page.locator('body').textContent()) ?? '')).toContain(500_000);
    await axe.check(page, 'sandbox gateway: mandate approval', true);
    await phoneShot(page, '04-gateway-mandate-approval');
    await page.locator('button[name=decision][value=approve]').click();
    await page.waitForURL(/\/autopay\?notice=active$/);
  });

  step('back on the portal, autopay is on with its limit', async () => {
    expect(await testId(page, 'notice').textContent()).toContain('Autopay is on.');
    autopayId = (await testId(page, 'autopay').first().getAttribute('data-autopay-id')) ?? '';
    expect(autopayId).toMatch(/^AUT[0-9A-F]{20}$/);
    expect(await card().getAttribute('data-status')).toBe('active');
    expect(await statusText()).toBe('On');
    expect(rupeeAmounts((await card().locator('[data-testid=autopay-limit-shown]').textContent()) ?? '')).toEqual([
      500_000,
    ]);
    // The account now has autopay: it is not offered for another.
    expect(await testId(page, 'autopay-form').count()).toBe(0);
    await axe.check(page, 'autopay: on', true);
    await phoneShot(page, '05-autopay-on');
  });

  step('recent debits show their state in words, with dates and amounts', async () => {
    const store = new AutopayStore(stack.hub.mongo);
    const stored = await store.autopays.findById(autopayId).lean<Autopay>().exec();
    if (!stored) throw new Error(`autopay ${autopayId} is not in the hub's store`);
    await recordDebits(store, stored);
    await page.reload();
    const rows = card().locator('[data-testid=autopay-charge]');
    expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status')))).toEqual([
      'scheduled',
      'over_limit',
      'failed',
    ]);
    const states = await card().locator('[data-testid=autopay-charge-state]').allTextContents();
    expect(states[0]).toMatch(/^You were told about this payment\. It will be paid automatically from .+ IST\.$/);
    expect(states[1]).toContain('Not paid: ₹6,120.00 is above your limit of ₹5,000.00. Pay this bill yourself');
    expect(states[2]).toContain('Your bank declined the payment.');
    await axe.check(page, 'autopay: on, with debits', true);
    await phoneShot(page, '05b-autopay-debits');
  });

  step('the dashboard shows autopay on with its limit and a link to manage it', async () => {
    await testId(page, 'nav-dashboard').click();
    await page.waitForURL(/\/dashboard/);
    const cell = testId(page, 'due-autopay');
    expect(await cell.getAttribute('data-autopay-status')).toBe('active');
    expect(rupeeAmounts((await cell.textContent()) ?? '')).toEqual([500_000]);
    expect(await testId(page, 'due-autopay-manage').getAttribute('href')).toBe(`/autopay#autopay-${autopayId}`);
    await axe.check(page, 'dashboard: autopay on');
    await phoneShot(page, '06-dashboard-autopay-on');
    await testId(page, 'due-autopay-manage').click();
    await page.waitForURL(/\/autopay/);
  });

  step('pauses and resumes autopay', async () => {
    await card().locator('[data-testid=autopay-pause]').click();
    await page.waitForURL(/notice=pause$/);
    expect(await statusText()).toBe('Paused');
    await card().locator('[data-testid=autopay-paused-note]').waitFor();
    await axe.check(page, 'autopay: paused');
    await phoneShot(page, '07-autopay-paused');
    await card().locator('[data-testid=autopay-resume]').click();
    await page.waitForURL(/notice=resume$/);
    expect(await statusText()).toBe('On');
  });

  step('cancelling first says what it does, then cancels autopay', async () => {
    await card().locator('[data-testid=autopay-cancel]').click();
    await page.waitForURL(new RegExp(`/autopay/${autopayId}/cancel$`));
    expect((await page.locator('h1').textContent())?.trim()).toBe('Cancel autopay?');
    const effects = (await testId(page, 'autopay-cancel-effects').textContent()) ?? '';
    expect(effects).toContain('no bill of this account is paid automatically any more');
    expect(effects).toContain('we ask your bank to end the mandate');
    expect(rupeeAmounts((await testId(page, 'autopay-cancel-account').textContent()) ?? '')).toEqual([500_000]);
    // The debit already announced is named as one that will not be made.
    expect(rupeeAmounts((await testId(page, 'autopay-cancel-waiting').textContent()) ?? '')).toEqual([182_607]);
    await axe.check(page, 'autopay: cancel?', true);
    await phoneShot(page, '08-autopay-cancel-confirm');
    // "No, keep autopay" changes nothing.
    await testId(page, 'autopay-cancel-back').click();
    await page.waitForURL(/\/autopay$/);
    expect(await statusText()).toBe('On');
    await card().locator('[data-testid=autopay-cancel]').click();
    await testId(page, 'autopay-cancel-confirm').click();
    await page.waitForURL(/notice=cancel$/);
    expect(await testId(page, 'notice').textContent()).toContain('Autopay is cancelled.');
    expect(await card().getAttribute('data-status')).toBe('cancelled');
    expect(await statusText()).toBe('Cancelled');
    // The account is free again for a new autopay.
    await testId(page, 'autopay-form').waitFor();
    await axe.check(page, 'autopay: cancelled');
    await phoneShot(page, '09-autopay-cancelled');
  });

  step(
    'every autopay page and the gateway’s approval page pass axe-core (WCAG 2.2 A and AA) at 390 px',
    async () => {
      expect(axe.records.filter((r) => r.width === PHONE.width).length).toBeGreaterThanOrEqual(9);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});
