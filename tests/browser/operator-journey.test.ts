import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { rupeeAmounts } from './support/checks.js';
import { PHONE } from './support/chromium.js';
import { FAILURE_DIR } from './support/failure-shots.js';
import { type Identity, signInAtIdp } from './support/idp-pages.js';
import { closeJourney, startJourney } from './support/journey-stack.js';
import { journeySteps } from './support/journey-steps.js';
import { appCode, OPERATOR, OPERATOR_TEAM } from './support/operator.js';
import { testId } from './support/portal-pages.js';
import type { Stack } from './support/stack.js';
import { AxeJourneyLog } from './support/visit-log.js';

/** The citizen whose payment the operator looks after: a new account, signing in with a mobile number. */
const CITIZEN: Identity = { identifier: '98450 13579', to: '+919845013579', name: 'Farida Khan' };
/** The electricity sandbox's fixture consumer (adapters/electricity-discom/sandbox/data.ts). */
const CONSUMER = '1002003004';
const REASON = 'Biller confirmed its posting service is back after the outage; re-posting under the same reference.';
/** Where this journey leaves a 390 px screenshot of some console pages, to be looked at. */
const SHOT_DIR = join(FAILURE_DIR, 'operator');

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Text as a reader sees it: runs of white space as one space, none at either end. */
const words = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** A full-page screenshot at phone width (the harness saves them only on failure). */
async function phoneShot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOT_DIR, { recursive: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * When the page is wider than its window (a horizontal scroll bar) at the width it has now: the
 * innermost elements reaching past its right edge, outside any region that scrolls on its own
 * (tag, class, start of their text); else none.
 */
const sidewaysCulprits = (page: Page) =>
  page.evaluate(() => {
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const win = globalThis as any;
    const doc = win.document;
    const edge = doc.documentElement.clientWidth;
    if (doc.documentElement.scrollWidth <= edge) return [] as string[];
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const past = (el: any) => el.getBoundingClientRect().right > edge + 1;
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const all: any[] = [...doc.body.querySelectorAll('*')];
    // An element inside a region that scrolls (or clips) sideways is that region's business.
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const scrolled = (el: any) => {
      for (let up = el.parentElement; up && up !== doc.body; up = up.parentElement) {
        if (win.getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    return all
      .filter((el) => past(el) && !scrolled(el) && ![...el.children].some(past))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 40)}"`);
  });

/** Makes the electricity sandbox answer every call for CONSUMER with a 5xx (on), or clears its faults (off). */
async function billerDown(stack: Stack, down: boolean): Promise<void> {
  const url = `${stack.sandboxes.electricity}/__sandbox/faults`;
  const res = down
    ? await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ consumer: CONSUMER, kind: 'error_5xx', times: 10_000 }),
        signal: AbortSignal.timeout(5_000),
      })
    : await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(5_000) });
  if (res.status !== 204) throw new Error(`the sandbox's fault control answered ${res.status}`);
}

/**
 * The operator journey in headless Chromium against the whole stack (idp with a roles file
 * naming an operations team, hub and worker, sandboxes and gateway, operator console): a citizen
 * pays an electricity bill while the biller is failing, so the bill's outcome is unknown, and
 * reports it from the payment page (a complaint); the citizen opening the console is told they are
 * not an operator; the operator, without an
 * authenticator app, is refused on a code alone and told to turn the app on, turns it on at the
 * idp's account page (codes computed from its secret with otplib, as the app would), and signs in
 * with a one-time code and the app's code; finds the payment by the citizen's phone, reads its
 * timeline and ledger entries, sees it in the unknown-outcome queue, re-posts the line with a
 * reason once the biller is back, and sees the notice, the audit entry naming them and their
 * reason, and the line settled; then Queues, Complaints (the citizen's complaint, opened), Risk and
 * Metrics show their counts.
 * axe-core checks every console page at 390 and 1280 px, none of which scrolls sideways at 390 px.
 */
describe('an operator with an authenticator app finds a payment whose outcome is unknown and re-posts it, audited', () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let citizen: Page;
  let operator: Page;
  let current: Page | undefined;
  const axe = new AxeJourneyLog();
  // What the steps learn and later steps check.
  let paymentId = '';
  let lineId = '';
  let lineReference = '';
  let complaintId = '';

  /** From the console's start page: "Sign in", the operator's identifier, then the one-time code sent to them. */
  const signInWithCode = async (page: Page) => {
    await page.goto(`${stack.operatorConsoleUrl}/`);
    await testId(page, 'sign-in').click();
    await page.waitForURL((url) => url.href.startsWith(stack.idpUrl));
    const before = await stack.messageCount(OPERATOR.to);
    await page.locator('#identifier').fill(OPERATOR.identifier);
    await page.locator('form:has(#identifier) button[type=submit]').click();
    await page.locator('#code').waitFor();
    const { code } = await stack.nextCode(OPERATOR.to, before);
    await page.locator('#code').fill(code);
    await page.locator('form:has(#code) button[type=submit]').click();
  };
  let secret = '';
  let payableMinor = 0;
  const sideways: string[] = [];

  /** One step of the journey; once one fails the rest say so instead of failing obscurely. */
  const step = journeySteps(() => current);
  /** A fresh browser profile (its own cookies: its own idp session) and its page. */
  const newPage = async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-IN' });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    return context.newPage();
  };
  /** axe at both widths on a console page, and whether it scrolls sideways at 390 px. */
  const visitConsole = async (page: Page, label: string) => {
    await axe.check(page, `operator console: ${label}`, true);
    const culprits = await sidewaysCulprits(page);
    if (culprits.length) sideways.push(`${label} (${page.url()}): ${culprits.join('; ')}`);
  };
  const heading = async (page: Page) => words(await page.locator('h1').first().textContent());
  /** The payment's stored line, as the hub keeps it. */
  const storedLine = async () => {
    const payment = await stack.hub.mongo.collection('payments').findOne({ _id: paymentId as never });
    return (payment?.lines as { _id: string; status: string; reference: string }[] | undefined)?.[0];
  };

  beforeAll(async () => {
    ({ stack, browser } = await startJourney());
    [citizen, operator] = [await newPage(), await newPage()];
    current = citizen;
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts.slice(1)) await context.close().catch(() => {});
    await closeJourney(contexts[0], browser, stack);
  });

  step('a citizen pays an electricity bill while the biller fails, and the bill’s outcome is unknown', async () => {
    await citizen.goto(`${stack.portalUrl}/`);
    await testId(citizen, 'sign-in').click();
    await signInAtIdp(stack, citizen, CITIZEN, async () => {}, { keyboard: false, landsOn: /\/dashboard/ });
    await testId(citizen, 'nav-add-account').click();
    await citizen.locator('input[name=category][value=electricity]').check();
    await testId(citizen, 'continue').click();
    await citizen.locator('input[name=biller][value=state-electricity]').check();
    await testId(citizen, 'continue').click();
    await citizen.locator('#consumer-consumerNumber').fill(CONSUMER);
    await testId(citizen, 'add-account-submit').click();
    await citizen.waitForURL(/\/dashboard/);
    await expect.poll(() => testId(citizen, 'due-row').count()).toBe(1);
    [payableMinor = 0] = rupeeAmounts((await testId(citizen, 'due-payable').textContent()) ?? '');
    expect(payableMinor).toBeGreaterThan(0);
    await testId(citizen, 'due-select').check();
    await testId(citizen, 'pay-selected').click();
    await citizen.waitForURL((url) => url.href.startsWith(stack.gatewayUrl));
    // The bill is read and the checkout made; from now on the biller answers every call with a 5xx.
    await billerDown(stack, true);
    await citizen.locator('input[name=method][value=card]').check();
    await citizen.locator('input[name=outcome][value=success]').check();
    await citizen.locator('form button[type=submit]').click();
    await citizen.waitForURL(/\/payments\/[^/]+$/);
    paymentId = decodeURIComponent(new URL(citizen.url()).pathname.split('/').pop() as string);
    expect(paymentId).toMatch(/^PAY/);
    // Settlement retries the posting, then stops guessing: the line waits, unknown, for an operator.
    await expect.poll(async () => (await storedLine())?.status, { timeout: 60_000, interval: 250 }).toBe('unknown');
    const line = await storedLine();
    lineId = line?._id ?? '';
    lineReference = line?.reference ?? '';
    expect(lineId).toMatch(/^LIN/);
  });

  step('the citizen reports the problem with the bill from their payment page, and gets a complaint id', async () => {
    await testId(citizen, 'report-line-problem').first().click();
    await citizen.waitForURL(new RegExp(`/payments/${paymentId}/complaint\\?line=`));
    await citizen.getByLabel('Money was taken but the bill is not shown as paid').check();
    await citizen.locator('#description').fill('Money left my account but the electricity bill still shows unpaid.');
    await testId(citizen, 'complaint-submit').click();
    await citizen.waitForURL(/\/complaints\/CMP[0-9A-Z]{12}\/raised$/);
    complaintId = words(await testId(citizen, 'complaint-id').textContent());
    expect(complaintId).toMatch(/^CMP[0-9A-HJKMNP-TV-Z]{12}$/);
    // The pre-check asked the biller, which is still failing: the bill's outcome stays unknown.
    expect((await storedLine())?.status).toBe('unknown');
  });

  step('the citizen opening the operator console is signed in by the idp, and is not an operator', async () => {
    const codes = await stack.messageCount(CITIZEN.to);
    await citizen.goto(`${stack.operatorConsoleUrl}/`);
    await visitConsole(citizen, 'start page');
    await testId(citizen, 'sign-in').click();
    await testId(citizen, 'not-operator').waitFor();
    expect(new URL(citizen.url()).origin).toBe(stack.operatorConsoleUrl);
    // Single sign-on: no code was sent.
    expect(await stack.messageCount(CITIZEN.to)).toBe(codes);
    expect(await heading(citizen)).toBe('Your account is not an operator account');
    expect(await testId(citizen, 'nav-payments').count()).toBe(0);
    const response = await citizen.goto(`${stack.operatorConsoleUrl}/payments`);
    expect(response?.status()).toBe(403);
    await testId(citizen, 'not-operator').waitFor();
    await visitConsole(citizen, 'not an operator');
  });

  step(
    'the operator without an authenticator app signs in with a code alone and is told to turn the app on',
    async () => {
      current = operator;
      await signInWithCode(operator);
      // A new account is asked for a name first.
      await operator.locator('#name').fill(OPERATOR.name);
      await operator.locator('form:has(#name) button[type=submit]').click();
      await operator.locator('[data-testid=operator-app-required]').waitFor();
      expect(await heading(operator)).toBe('Turn on your authenticator app first');
      expect(new URL(operator.url()).origin).toBe(stack.idpUrl);
      await axe.check(operator, 'idp: turn on your authenticator app', true);
      // Nothing signed the operator in to the console.
      await operator.goto(`${stack.operatorConsoleUrl}/payments`);
      await operator.waitForURL((url) => url.href.startsWith(stack.idpUrl));
      expect(await testId(operator, 'nav-payments').count()).toBe(0);
    },
  );

  step('turns the authenticator app on at the idp’s account page, confirmed by its first code', async () => {
    await operator.goto(`${stack.idpUrl}/account`);
    // The refused sign-in may have left no idp session: then the account page asks for a code.
    const asked = await Promise.race([
      operator
        .locator('#identifier')
        .waitFor()
        .then(() => true),
      operator
        .locator('form[action="/account/totp/start"]')
        .waitFor()
        .then(() => false),
    ]);
    if (asked) {
      await signInAtIdp(stack, operator, OPERATOR, async () => {}, {
        keyboard: false,
        landsOn: new RegExp(`^${escapeRegExp(stack.idpUrl)}/account`),
      });
    }
    await operator.locator('form[action="/account/totp/start"] button').click();
    secret = words(await operator.locator('code').first().textContent());
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await axe.check(operator, 'idp: set up the authenticator app', true);
    await operator.locator('#code').fill(appCode(secret, 0));
    await operator.locator('form[action="/account/totp/confirm"] button').click();
    await operator.waitForURL(/\/account\?done=enabled$/);
    expect(await operator.locator('body').textContent()).toContain('Authenticator app turned on.');
  });

  step('signs in to the console in a fresh browser with a one-time code and the app’s code', async () => {
    operator = await newPage();
    current = operator;
    await signInWithCode(operator);
    // The one-time code is not enough: the app's code is asked for next.
    await operator.locator('#totp').waitFor();
    expect(await heading(operator)).toBe('Enter your authenticator code');
    await axe.check(operator, 'idp: enter your authenticator code', true);
    // The step enrolment used is spent: the app's next code.
    await operator.locator('#totp').fill(appCode(secret, 1));
    await operator.locator('form:has(#totp) button[type=submit]').click();
    await operator.waitForURL(`${stack.operatorConsoleUrl}/payments`);
    expect(await heading(operator)).toBe('Payments');
    expect(words(await testId(operator, 'signed-in-as').textContent())).toBe(`${OPERATOR.name}, ${OPERATOR_TEAM.name}`);
    for (const section of ['payments', 'queues', 'complaints', 'risk', 'metrics', 'audit']) {
      await testId(operator, `nav-${section}`).waitFor();
    }
    await visitConsole(operator, 'payments, latest');
  });

  step('the unknown-outcome queue lists the citizen’s bill', async () => {
    await testId(operator, 'nav-queues').click();
    await operator.waitForURL(/\/queues$/);
    expect(await testId(operator, 'count-unknown').textContent()).toBe('1');
    const row = testId(operator, 'unknown-row');
    expect(await row.count()).toBe(1);
    expect(await row.locator(`a[href="/payments/${paymentId}#actions"]`).textContent()).toBe(lineId);
    expect(rupeeAmounts((await row.locator('td[data-label=Amount]').textContent()) ?? '')).toEqual([payableMinor]);
    await visitConsole(operator, 'queues, one unknown');
    await phoneShot(operator, '01-queues-one-unknown');
  });

  step('finds the payment by the citizen’s mobile number, and by the bill’s HUB reference', async () => {
    await testId(operator, 'nav-payments').click();
    await operator.waitForURL(/\/payments$/);
    await operator.locator('#phone').fill(CITIZEN.identifier);
    await testId(operator, 'search').click();
    await operator.waitForURL(/phone=/);
    const rows = testId(operator, 'payment-row');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('[data-testid=payment-link]').textContent()).toBe(paymentId);
    expect(words(await rows.locator('[data-testid=line-summary]').textContent())).toMatch(
      /^state-electricity, consumer \*+3004: ₹[\d,]+\.\d{2}, unknown$/,
    );
    expect(rupeeAmounts((await rows.locator('td[data-label=Total]').textContent()) ?? '')).toEqual([payableMinor]);
    // The citizen's complaint is counted on the payment's row.
    expect(words(await rows.locator('td[data-label=Payment]').textContent())).toContain('Complaints (1)');
    await visitConsole(operator, 'payments, by phone');
    await phoneShot(operator, '02-payments-by-phone');

    await operator.goto(`${stack.operatorConsoleUrl}/payments?reference=${encodeURIComponent(lineReference)}`);
    expect(await testId(operator, 'payment-link').allTextContents()).toEqual([paymentId]);
  });

  step(
    'opens the payment: its bill unknown, its timeline and its ledger entries, and the actions allowed',
    async () => {
      await testId(operator, 'payment-link').click();
      await operator.waitForURL(new RegExp(`/payments/${paymentId}$`));
      expect(await testId(operator, 'payment-id').textContent()).toBe(paymentId);
      const line = testId(operator, 'line');
      expect(await line.count()).toBe(1);
      expect(words(await line.locator('[data-testid=status]').textContent())).toBe('unknown');
      expect(words(await testId(operator, 'line-reference').textContent())).toBe(lineReference);
      // The timeline says what happened: captured, settling, the line gone unknown.
      const timeline = words(await testId(operator, 'timeline').textContent());
      expect(timeline).toContain('unknown');
      expect(await testId(operator, 'timeline').locator('li').count()).toBeGreaterThanOrEqual(2);
      // The capture is in the ledger, debits equal to credits.
      const entries = testId(operator, 'ledger-entry');
      expect(await entries.count()).toBeGreaterThanOrEqual(2);
      const debits = rupeeAmounts((await entries.locator('td:nth-child(3)').allTextContents()).join(' '));
      const credits = rupeeAmounts((await entries.locator('td:nth-child(4)').allTextContents()).join(' '));
      expect(debits.reduce((a, b) => a + b, 0)).toBe(credits.reduce((a, b) => a + b, 0));
      expect(debits).toContain(payableMinor);
      await testId(operator, `action-${lineId}-enquire`).waitFor();
      await testId(operator, `action-${lineId}-repost`).waitFor();
      await testId(operator, 'no-audit').waitFor();
      await visitConsole(operator, 'payment, bill unknown');
      await phoneShot(operator, '03-payment-unknown');
    },
  );

  step(
    'once the biller is back, re-posts the bill with a reason, and sees the notice and the audit entry naming them',
    async () => {
      await billerDown(stack, false);
      await operator.locator(`#reason-${lineId}-repost`).fill(REASON);
      await testId(operator, `submit-${lineId}-repost`).click();
      await operator.waitForURL(new RegExp(`/payments/${paymentId}\\?done=line\\.repost$`));
      expect(words(await testId(operator, 'done').textContent())).toContain(
        'Done and recorded in the audit log: line.repost',
      );
      const audit = testId(operator, 'audit').locator('li');
      expect(await audit.count()).toBe(1);
      const entry = words(await audit.first().textContent());
      expect(entry).toContain(`${OPERATOR.name}, line.repost on line ${lineId}, done.`);
      expect(entry).toContain(`Reason: “${REASON}”`);
      await visitConsole(operator, 'payment, re-posted');
      // The biller takes the posting under the same reference: the bill settles, the payment completes.
      await expect
        .poll(
          async () => {
            await operator.reload();
            return words(await testId(operator, 'payment-summary').locator('[data-testid=status]').textContent());
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toBe('completed');
      expect(words(await testId(operator, 'line').locator('[data-testid=status]').textContent())).toBe('settled');
      // The audit log page names the operator and their reason too.
      await testId(operator, 'nav-audit').click();
      await operator.waitForURL(/\/audit$/);
      const row = testId(operator, 'audit-row').filter({ hasText: lineId });
      expect(await row.count()).toBe(1);
      expect(words(await row.textContent())).toContain(REASON);
      expect(words(await row.textContent())).toContain(OPERATOR.name);
      await visitConsole(operator, 'audit log');
    },
  );

  step('Queues, Complaints, Risk and Metrics each show their counts', async () => {
    await testId(operator, 'nav-queues').click();
    await operator.waitForURL(/\/queues$/);
    expect(await testId(operator, 'count-unknown').textContent()).toBe('0');
    expect(await testId(operator, 'count-held').textContent()).toMatch(/^\d+$/);
    expect(await testId(operator, 'count-recon').textContent()).toMatch(/^\d+$/);
    await testId(operator, 'empty-unknown').waitFor();
    await visitConsole(operator, 'queues, none unknown');

    await testId(operator, 'nav-complaints').click();
    await operator.waitForURL(/\/complaints$/);
    expect(await heading(operator)).toBe('Complaints');
    await testId(operator, 'complaint-filters').waitFor();
    const complaints = testId(operator, 'complaint-row');
    expect(await complaints.count()).toBe(1);
    expect(await complaints.locator('[data-testid=complaint-link]').textContent()).toBe(complaintId);
    expect(words(await complaints.locator('td[data-label=Type]').textContent())).toBe(
      'Money was taken but the bill is not marked paid',
    );
    await visitConsole(operator, 'complaints');
    await complaints.locator('[data-testid=complaint-link]').click();
    await operator.waitForURL(new RegExp(`/complaints/${complaintId}$`));
    expect(await testId(operator, 'complaint-id').textContent()).toContain(complaintId);
    expect(await testId(operator, 'payment-link').getAttribute('href')).toBe(`/payments/${paymentId}`);
    expect(await testId(operator, 'timeline').locator('li').count()).toBeGreaterThan(0);
    await visitConsole(operator, 'a complaint');
    await phoneShot(operator, '04-complaint');

    await testId(operator, 'nav-risk').click();
    await operator.waitForURL(/\/risk$/);
    expect(words(await testId(operator, 'pending-count').textContent())).toMatch(/^\d+ waiting for a review/);
    expect(await testId(operator, 'rule').count()).toBeGreaterThan(0);
    await visitConsole(operator, 'risk');

    await testId(operator, 'nav-metrics').click();
    await operator.waitForURL(/\/metrics/);
    // The one bill captured today went unknown once.
    expect(words(await testId(operator, 'unknown-rate').textContent())).toMatch(/\(1 of 1 captured bills\)$/);
    expect(await testId(operator, 'biller-row').count()).toBeGreaterThan(0);
    await visitConsole(operator, 'metrics');
    await phoneShot(operator, '05-metrics');
  });

  step(
    'every console page visited passes axe-core (WCAG 2.2 A and AA) at 390 and 1280 px, and none scrolls sideways at 390 px',
    async () => {
      expect(axe.records.filter((r) => r.label.startsWith('operator console:')).length).toBeGreaterThanOrEqual(20);
      const problems = [...axe.problems(), ...sideways.map((page) => `scrolls sideways at 390 px: ${page}`)];
      expect(problems).toEqual([]);
    },
    { standalone: true },
  );
});
