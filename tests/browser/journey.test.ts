import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import { forgedJws } from '../support/forged-jws.js';
import { checkPdf, csvRows, rupeeAmounts } from './support/checks.js';
import { launchChromium, PHONE } from './support/chromium.js';
import { type Identity, signInAtIdp, signOutAtIdp } from './support/idp-pages.js';
import { journeySteps } from './support/journey-steps.js';
import { pressOn } from './support/keyboard.js';
import { FINAL_STATUSES, hasDevanagari, istDay, THREE_BILLS, testId } from './support/portal-pages.js';
import { type Stack, startStack } from './support/stack.js';
import { AxeJourneyLog, onSettledPage } from './support/visit-log.js';

/** A new citizen, signing in with a mobile number. */
const CITIZEN: Identity = { identifier: '98450 12345', to: '+919845012345', name: 'Lakshmi Iyer' };

/**
 * The journey in headless Chromium against the whole stack: sign in with a code from
 * the development message sink, link three utilities, pay them together on the sandbox
 * gateway's hosted page, follow the payment to its receipt and PDF, find it in history and its
 * CSV, switch to Hindi, sign out, and be signed out by a logout at the idp. Each step needs the
 * ones before it; axe-core checks every page on the way.
 */
describe('a citizen pays electricity, water and gas together in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let current: Page | undefined;
  const contexts: BrowserContext[] = [];
  const axe = new AxeJourneyLog();
  // What the steps learn and later steps check.
  let duesTotalMinor = 0;
  let paymentId = '';
  let verifyUrl = '';

  const visit =
    (on: Page) =>
    async (label: string, options: { key?: boolean } = {}) => {
      await axe.check(on, label, options.key);
    };
  /** One step of the journey; once one fails the rest say so instead of failing obscurely. */
  const step = journeySteps(() => current);
  /** A fresh browser profile's page; it stays open (for a failure's screenshot) until the suite ends. */
  const newPage = async () => {
    const ctx = await browser.newContext({ viewport: PHONE, locale: 'en-IN', acceptDownloads: true });
    contexts.push(ctx);
    ctx.setDefaultTimeout(30_000);
    const opened = await ctx.newPage();
    current = opened;
    return { ctx, opened };
  };

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ mongoUri: inject('mongoUri'), redisUrl: inject('redisUrl') }),
      launchChromium(),
    ]);
    ({ ctx: context, opened: page } = await newPage());
  }, 120_000);
  afterAll(async () => {
    axe.save();
    for (const ctx of contexts) await ctx.close().catch(() => {});
    await browser?.close();
    await stack?.close();
  });

  step('the landing page says what the service does and offers to sign in', async () => {
    await page.goto(`${stack.portalUrl}/`);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').count()).toBe(1);
    await testId(page, 'sign-in').waitFor();
    await visit(page)('landing', { key: true });
  });

  step('a new citizen signs in with the keyboard only, with a code from the message sink', async () => {
    await pressOn(page, testId(page, 'sign-in'), 'Enter');
    const { registered } = await signInAtIdp(stack, page, CITIZEN, visit(page), {
      keyboard: true,
      landsOn: /\/dashboard/,
    });
    expect(registered).toBe(true);
    await testId(page, 'no-accounts').waitFor();
    // The browser holds an opaque, HttpOnly, SameSite session id and never a token.
    const cookies = await context.cookies(stack.portalUrl);
    expect(cookies.find((c) => c.name === 'portal_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    for (const cookie of cookies) expect(cookie.value).not.toMatch(/^eyJ/);
    await visit(page)('dashboard: no accounts yet');
  });

  step('links an electricity, a water and a gas account by category, biller and consumer number', async () => {
    for (const [i, bill] of THREE_BILLS.entries()) {
      await testId(page, 'nav-add-account').click();
      await page.waitForURL(/\/accounts\/new$/);
      if (i === 0) await visit(page)('add account: category');
      await page.locator(`input[name=category][value=${bill.category}]`).check();
      await testId(page, 'continue').click();
      await page.locator(`input[name=biller][value=${bill.billerId}]`).waitFor();
      if (i === 0) await visit(page)('add account: biller');
      await page.locator(`input[name=biller][value=${bill.billerId}]`).check();
      await testId(page, 'continue').click();
      await page.waitForURL(new RegExp(`/accounts/new/${bill.billerId}$`));
      if (i === 0) await visit(page)('add account: consumer number', { key: true });
      for (const [name, value] of Object.entries(bill.consumer)) await page.locator(`#consumer-${name}`).fill(value);
      await testId(page, 'add-account-submit').click();
      await page.waitForURL(/\/dashboard/);
      await testId(page, 'notice').waitFor();
    }
    await expect.poll(() => testId(page, 'due-row').count()).toBe(3);
  });

  step("the dashboard shows each bill's masked consumer and the amount payable today", async () => {
    const rows = testId(page, 'due-row');
    const billers = await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-biller-id')));
    expect(billers.sort()).toEqual(THREE_BILLS.map((b) => b.billerId).sort());
    duesTotalMinor = 0;
    for (const row of await rows.all()) {
      expect(await row.getAttribute('data-state')).toBe('due');
      const consumer = (await row.locator('[data-testid=due-consumer]').textContent())?.trim() ?? '';
      // Masked: never the whole consumer number.
      for (const b of THREE_BILLS) for (const value of Object.values(b.consumer)) expect(consumer).not.toContain(value);
      // The checkbox's label is visible (the biller's name) and names the checkbox.
      const label = row.locator('[data-testid=due-select-label]');
      expect(await label.isVisible()).toBe(true);
      // The label's own text, before its visually hidden consumer number.
      const visibleName = ((await label.evaluate((el) => el.firstChild?.textContent)) ?? '').trim();
      expect(visibleName.length).toBeGreaterThan(3);
      expect(await row.getByRole('checkbox', { name: visibleName }).count()).toBe(1);
      const [payable] = rupeeAmounts((await row.locator('[data-testid=due-payable]').textContent()) ?? '');
      expect(payable).toBeGreaterThan(0);
      duesTotalMinor += payable as number;
    }
    await visit(page)('dashboard: three bills due', { key: true });
  });

  step('looks up a bill without saving it', async () => {
    await testId(page, 'nav-lookup').click();
    await page.waitForURL(/\/bills\/lookup$/);
    await visit(page)('look up a bill: biller');
    await page.locator('input[name=biller][value=city-water]').check();
    await testId(page, 'continue').click();
    await page.locator('#consumer-connectionId').waitFor();
    await visit(page)('look up a bill: consumer number');
    await page.locator('#consumer-connectionId').fill('W12-004512');
    await testId(page, 'lookup-submit').click();
    await testId(page, 'lookup-result').waitFor();
    expect(rupeeAmounts((await testId(page, 'lookup-payable').textContent()) ?? '')[0]).toBeGreaterThan(0);
    await visit(page)('look up a bill: the bill', { key: true });
    await testId(page, 'nav-dashboard').click();
    await page.waitForURL(/\/dashboard/);
    // Looking a bill up saved nothing.
    expect(await testId(page, 'due-row').count()).toBe(3);
  });

  step(
    'selects all three bills with the keyboard, follows the waiting payment, and pays them together on the gateway page',
    async () => {
      const boxes = await testId(page, 'due-select').all();
      expect(boxes).toHaveLength(3);
      for (const box of boxes) {
        await pressOn(page, box, 'Space');
        expect(await box.isChecked()).toBe(true);
      }
      await pressOn(page, testId(page, 'pay-selected'), 'Enter');
      await page.waitForURL((url) => url.href.startsWith(stack.gatewayUrl));
      await page.locator('h1').waitFor();
      await visit(page)('sandbox gateway: hosted checkout');
      // The gateway asks for exactly what the dashboard said was payable today, all three together.
      expect(rupeeAmounts((await page.locator('h1').textContent()) ?? '')).toEqual([duesTotalMinor]);

      // Before paying, the payment waits for the citizen: its status page (in a second tab) is the
      // not-final page every time, so its checks do not depend on how fast settlement is.
      const waiting = await context.newPage();
      current = waiting;
      await waiting.goto(`${stack.portalUrl}/dashboard`);
      const statusPath = (await testId(waiting, 'due-payment-link').first().getAttribute('href')) ?? '';
      expect(statusPath).toMatch(/^\/payments\/[^/?]+$/);
      await waiting.goto(`${stack.portalUrl}${statusPath}`);
      expect(await testId(waiting, 'payment-status').getAttribute('data-status')).toBe('awaiting_payment');
      expect(await waiting.locator('[role=status][data-testid=payment-status]').count()).toBe(1);
      // WCAG 2.2.1: no timed reload unless the citizen turns it on.
      expect(await waiting.locator('meta[http-equiv=refresh]').count()).toBe(0);
      await visit(waiting)('payment status: not paid yet', { key: true });
      // "Check again", with the keyboard, loads the same page afresh.
      await Promise.all([waiting.waitForEvent('load'), pressOn(waiting, testId(waiting, 'check-again'), 'Enter')]);
      expect(new URL(waiting.url()).pathname).toBe(statusPath);
      await testId(waiting, 'payment-status').waitFor();
      // Checking automatically: a 5-second meta refresh and a visible way to stop it.
      await pressOn(waiting, testId(waiting, 'check-automatically'), 'Enter');
      await waiting.waitForURL(/\?auto=1$/);
      await testId(waiting, 'stop-checking').waitFor();
      expect(
        await onSettledPage(waiting, () => waiting.locator('meta[http-equiv=refresh]').getAttribute('content')),
      ).toBe('5');
      // It does reload by itself, and stops when asked.
      await waiting.waitForEvent('load', { timeout: 15_000 });
      await onSettledPage(waiting, () => testId(waiting, 'stop-checking').click());
      await waiting.waitForURL((url) => url.pathname === statusPath && url.search === '');
      expect(await onSettledPage(waiting, () => waiting.locator('meta[http-equiv=refresh]').count())).toBe(0);
      await testId(waiting, 'check-automatically').waitFor();
      await waiting.close();
      current = page;

      await page.locator('input[name=method][value=card]').check();
      await page.locator('input[name=outcome][value=success]').check();
      await page.locator('form button[type=submit]').click();
      await page.waitForURL(/\/payments\/[^/]+$/);
      paymentId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() as string);
      expect(paymentId).toBeTruthy();
    },
  );

  step(
    'the return page shows the status in words, checks again when asked, and checks automatically once turned on',
    async () => {
      await testId(page, 'payment-status').waitFor();
      // WCAG 2.2.1: the page does not reload itself unless the citizen turns that on.
      expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(0);
      expect(await page.locator('[role=status][data-testid=payment-status]').count()).toBe(1);
      await visit(page)('payment status (return page)', { key: true });
      // The payment is final when the receipt link shows, or its status is another final one.
      const others = FINAL_STATUSES.filter((status) => status !== 'completed');
      const final = testId(page, 'receipt-link').or(
        page.locator(others.map((status) => `[data-testid=payment-status][data-status=${status}]`).join(', ')),
      );
      const isFinal = () => onSettledPage(page, async () => (await final.count()) > 0);
      if (!(await isFinal())) {
        // "Check again" (with the keyboard) loads the same page afresh.
        const statusPath = new URL(page.url()).pathname;
        await Promise.all([page.waitForEvent('load'), pressOn(page, testId(page, 'check-again'), 'Enter')]);
        expect(new URL(page.url()).pathname).toBe(statusPath);
        await testId(page, 'payment-status').waitFor();
      }
      if (!(await isFinal())) {
        await testId(page, 'check-automatically').click();
        await page.waitForURL(/\?auto=1$/);
        // Checking automatically: a 5-second meta refresh and a way to stop it, while not final.
        const shown = await onSettledPage(page, () =>
          page.evaluate(() => {
            // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
            const doc = (globalThis as any).document;
            return {
              final: Boolean(doc.querySelector('[data-testid=receipt-link]')),
              refresh: doc.querySelector('meta[http-equiv=refresh]')?.getAttribute('content') ?? null,
              stop: Boolean(doc.querySelector('[data-testid=stop-checking]')),
            };
          }),
        );
        if (!shown.final) expect(shown).toEqual({ final: false, refresh: '5', stop: true });
      }
      // The automatic checks (or the one before) end on a final page: wait for it, not for a time.
      await final.first().waitFor({ timeout: 75_000 });
      expect(await testId(page, 'payment-status').getAttribute('data-status')).toBe('completed');
      expect(await page.locator('meta[http-equiv=refresh]').count()).toBe(0);
      expect(await testId(page, 'stop-checking').count()).toBe(0);
      expect(await testId(page, 'payment-line').count()).toBe(3);
      expect(rupeeAmounts((await testId(page, 'payment-total').textContent()) ?? '')).toEqual([duesTotalMinor]);
      await visit(page)('payment status: completed');
    },
  );

  step('the receipt shows the three bills and downloads as a PDF', async () => {
    await testId(page, 'receipt-link').click();
    await page.waitForURL(/\/receipt$/);
    await testId(page, 'receipt-summary').waitFor();
    expect(await testId(page, 'receipt-line').count()).toBe(3);
    expect(rupeeAmounts((await testId(page, 'receipt-total').textContent()) ?? '')).toEqual([duesTotalMinor]);
    expect(await testId(page, 'receipt-summary').textContent()).toContain(CITIZEN.name);
    verifyUrl = (await testId(page, 'receipt-verify-link').getAttribute('href')) ?? '';
    expect(verifyUrl).toMatch(/\/verify\?t=/);
    await visit(page)('receipt', { key: true });

    const [download] = await Promise.all([page.waitForEvent('download'), testId(page, 'receipt-pdf-link').click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    checkPdf(await readFile(await download.path()));
  });

  step("the public verify page vouches for the receipt's QR link without signing in", async () => {
    const { ctx, opened } = await newPage();
    await opened.goto(verifyUrl);
    expect(await testId(opened, 'verify-result').getAttribute('data-genuine')).toBe('true');
    expect(await opened.textContent('body')).toContain(paymentId);
    await visit(opened)('verify a receipt (public)', { key: true });
    // A token whose signature is changed by one character is not vouched for.
    const url = new URL(verifyUrl);
    url.searchParams.set('t', forgedJws(url.searchParams.get('t') ?? ''));
    const forged = url.toString();
    await opened.goto(forged);
    expect(await testId(opened, 'verify-result').getAttribute('data-genuine')).toBe('false');
    await visit(opened)('verify a receipt: not genuine');
    await ctx.close();
    current = page;
  });

  step('history lists the payment, the filters find it, and the CSV has its three bills', async () => {
    await testId(page, 'nav-history').click();
    await page.waitForURL(/\/history/);
    await page.locator(`[data-testid=history-row][data-payment-id="${paymentId}"]`).waitFor();
    await visit(page)('payment history', { key: true });

    await page.locator('#biller').selectOption('metro-gas');
    await page.locator('#status').selectOption('paid');
    // Dates are typed as the hint says (year-month-day), not picked in the browser's own format.
    expect(await page.locator('#from').getAttribute('type')).toBe('text');
    await page.locator('#from').fill(istDay());
    await page.locator('#to').fill(istDay());
    await testId(page, 'history-apply').click();
    await page.waitForURL(/status=paid/);
    expect(
      await testId(page, 'history-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-payment-id'))),
    ).toEqual([paymentId]);
    await visit(page)('payment history: filtered');

    const [download] = await Promise.all([page.waitForEvent('download'), testId(page, 'history-csv-link').click()]);
    const rows = csvRows(await readFile(await download.path(), 'utf8'));
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.payment_id))).toEqual(new Set([paymentId]));
    expect(rows.map((r) => r.biller_id).sort()).toEqual(THREE_BILLS.map((b) => b.billerId).sort());
    expect(rows.reduce((sum, r) => sum + Math.round(Number(r.amount) * 100), 0)).toBe(duesTotalMinor);

    // A day with no payments filters it out.
    await page.locator('#from').fill('2020-01-01');
    await page.locator('#to').fill('2020-01-31');
    await testId(page, 'history-apply').click();
    await testId(page, 'history-empty').waitFor();
    await visit(page)('payment history: nothing found');
  });

  step('the settings page switches the portal to Hindi: Devanagari text and lang="hi"', async () => {
    await testId(page, 'nav-settings').click();
    await page.waitForURL(/\/settings/);
    await visit(page)('settings', { key: true });
    // The citizen signed in with a phone only: receipts by SMS is the choice offered first.
    expect(await page.locator('input[name=channel][value=sms]').isChecked()).toBe(true);
    await page.locator('input[name=language][value=hi]').check();
    await testId(page, 'settings-save').click();
    await page.waitForURL(/\/settings\?saved=1/);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('hi');
    await visit(page)('settings saved, in Hindi');
    await testId(page, 'nav-dashboard').click();
    await page.waitForURL(/\/dashboard/);
    expect(await page.locator('html').getAttribute('lang')).toBe('hi');
    expect(hasDevanagari((await page.locator('h1').textContent()) ?? '')).toBe(true);
    expect(hasDevanagari((await testId(page, 'nav-history').textContent()) ?? '')).toBe(true);
    // The three bills are marked paid now.
    const states = await testId(page, 'due-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
    expect(states).toEqual(['paid', 'paid', 'paid']);
    // Paid bills show "Paid" and their payment, not an amount to pay or a box to select.
    expect(await testId(page, 'due-payment-link').count()).toBe(3);
    expect(await testId(page, 'due-payable').count()).toBe(0);
    expect(await testId(page, 'due-select').count()).toBe(0);
    await visit(page)('dashboard in Hindi, bills paid', { key: true });
    // Back to English from the header's language switch.
    await testId(page, 'language-en').click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
  });

  step('signing out ends the portal session and the idp session', async () => {
    await testId(page, 'sign-out').click();
    // The idp asks to confirm (RP-initiated logout), then sends the citizen back to the portal.
    const confirm = page.locator('button[name=logout][value=yes]');
    await confirm.waitFor();
    await visit(page)('idp: sign out (from the portal)');
    await confirm.click();
    await page.waitForURL(`${stack.portalUrl}/`);
    await testId(page, 'sign-in').waitFor();
    await visit(page)('landing after signing out');
    // The dashboard is closed now, and the idp asks for a code again.
    await page.goto(`${stack.portalUrl}/dashboard`);
    await page.waitForURL((url) => !url.pathname.startsWith('/dashboard'));
    expect(await testId(page, 'due-row').count()).toBe(0);
    await context.close();
  });

  step(
    'a logout at the idp ends a second portal session through the back-channel',
    async () => {
      const { ctx, opened } = await newPage();
      await opened.goto(`${stack.portalUrl}/`);
      await testId(opened, 'sign-in').click();
      // The same citizen in a new browser: a code again, no new account (unless the first sign-in failed).
      await signInAtIdp(stack, opened, CITIZEN, async () => {}, { keyboard: false, landsOn: /\/dashboard/ });
      await testId(opened, 'nav-history').waitFor();

      const sessionCookie = async () => (await ctx.cookies(stack.portalUrl)).find((c) => c.name === 'portal_session');
      const before = await sessionCookie();
      expect(before).toBeDefined();
      await signOutAtIdp(stack, opened, visit(opened));
      // The browser never told the portal: only the idp's back-channel call can have ended it.
      expect((await sessionCookie())?.value).toBe(before?.value);
      await opened.goto(`${stack.portalUrl}/dashboard`);
      await opened
        .waitForURL((url) => !url.href.startsWith(`${stack.portalUrl}/dashboard`), { timeout: 15_000 })
        .catch(() => {
          throw new Error(
            'after a logout at the idp, /dashboard still shows the dashboard: the portal session lives on',
          );
        });
      expect(await testId(opened, 'nav-history').count()).toBe(0);
      await ctx.close();
    },
    { standalone: true },
  );

  step(
    'every page visited passes axe-core (WCAG 2.2 A and AA) at 390 px, the key pages at 1280 px too',
    async () => {
      expect(axe.records.length).toBeGreaterThan(0);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});
