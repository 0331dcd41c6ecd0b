import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { CapturedMessage } from '../../infra/notifier/index.js';
import { rupeeAmounts } from './support/checks.js';
import { DESKTOP, launchChromium, PHONE } from './support/chromium.js';
import { payDemandAtGateway } from './support/demand-checkout.js';
import { saveFailureShot } from './support/failure-shots.js';
import { type Identity, signInAtIdp } from './support/idp-pages.js';
import { journeySteps } from './support/journey-steps.js';
import { istDay, testId } from './support/portal-pages.js';
import { PROVIDER, PROVIDER_MEMBER } from './support/provider.js';
import { type Stack, startStack } from './support/stack.js';
import { AxeJourneyLog } from './support/visit-log.js';

/** The payer the provider names: a citizen who has never signed in. */
const PAYER: Identity = { identifier: '98450 23456', to: '+919845023456', name: 'Anjali Das' };
const PAYER_EMAIL = 'anjali.das@example.org';
/** Hall rent ₹20,000 + CGST ₹1,800 + SGST ₹1,800, in two instalments of ₹11,800. */
const TOTAL_MINOR = 2_360_000;
const INSTALMENT_MINOR = 1_180_000;

/** The Indian calendar day `days` from now (YYYY-MM-DD), as the demand form's date fields take it. */
const inDays = (days: number) => istDay(new Date(Date.now() + days * 86_400_000));
/** Text as a reader sees it: runs of white space as one space, none at either end. */
const words = (text: string) => text.replace(/\s+/g, ' ').trim();
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The provider journey in headless Chromium against the whole stack (idp with a roles
 * file, hub and worker, sandbox gateway, provider portal): a provider's member signs in to the
 * provider portal with a one-time code and raises a demand in two instalments through its form;
 * the payer's SMS and email (captured from the worker's notify jobs) carry the pay link; the payer,
 * in a browser of their own, opens it, signs in with a code, pays both instalments on the sandbox
 * gateway and sees the demand paid; the provider's dashboard then shows it paid with the totals
 * collected updated; and the payer, opening the provider portal, is signed in there by the idp's
 * session (no code) and told they are not a member. axe-core checks each provider portal page.
 * Set BROWSER_PAGE_SHOTS=1 to keep a screenshot of every page checked.
 */
describe('a provider raises a demand, the citizen receives the link and pays it, and the provider sees it paid', () => {
  let stack: Stack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let provider: Page;
  let citizen: Page;
  let current: Page | undefined;
  const axe = new AxeJourneyLog();
  // What the steps learn and later steps check.
  let reference = '';
  let payLink = '';
  let shots = 0;

  /** axe on `on` as it is now (key pages at both widths); with BROWSER_PAGE_SHOTS, screenshots at both too. */
  const visit =
    (on: Page) =>
    async (label: string, options: { key?: boolean } = {}) => {
      await axe.check(on, label, options.key);
      if (!process.env.BROWSER_PAGE_SHOTS) return;
      const name = `provider-journey-${++shots}-${label}`;
      await saveFailureShot(on, `${name}-phone`);
      await on.setViewportSize(DESKTOP);
      await saveFailureShot(on, `${name}-desktop`);
      await on.setViewportSize(PHONE);
    };
  /** One step of the journey; once one fails the rest say so instead of failing obscurely. */
  const step = journeySteps(() => current);
  /** A fresh browser profile (its own cookies: its own idp session) and its page. */
  const newPage = async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'en-IN' });
    contexts.push(context);
    context.setDefaultTimeout(30_000);
    return context.newPage();
  };
  /** The dashboard's row of the demand. */
  const demandRow = (page: Page) =>
    page.locator(`[data-testid=demand-row]:has(a[href="/demands/${encodeURIComponent(reference)}"])`);
  const amountsIn = async (page: Page, id: string) => rupeeAmounts((await testId(page, id).textContent()) ?? '');

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startStack({ mongoUri: inject('mongoUri'), redisUrl: inject('redisUrl') }),
      launchChromium(),
    ]);
    [provider, citizen] = [await newPage(), await newPage()];
    current = provider;
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await stack?.close();
  });

  step('the provider’s member signs in to the provider portal with a code and sees an empty dashboard', async () => {
    await provider.goto(`${stack.providerPortalUrl}/`);
    await testId(provider, 'sign-in').waitFor();
    await visit(provider)('provider portal: start page', { key: true });
    await testId(provider, 'sign-in').click();
    await provider.waitForURL((url) => url.href.startsWith(stack.idpUrl));
    const { registered } = await signInAtIdp(stack, provider, PROVIDER_MEMBER, async () => {}, {
      keyboard: false,
      landsOn: new RegExp(`^${escapeRegExp(stack.providerPortalUrl)}/demands$`),
    });
    expect(registered).toBe(true);
    expect(await provider.locator('h1').textContent()).toBe(`Demands of ${PROVIDER.name}`);
    expect(await testId(provider, 'signed-in-for').textContent()).toBe(`Signed in for ${PROVIDER.name}`);
    await testId(provider, 'no-demands').waitFor();
    expect(await amountsIn(provider, 'total-collected')).toEqual([0]);
    await visit(provider)('provider portal: dashboard, no demands yet', { key: true });
  });

  step('raises a demand in two instalments for a payer’s phone and email through the form', async () => {
    await testId(provider, 'nav-raise').click();
    await provider.waitForURL(/\/demands\/new$/);
    await testId(provider, 'demand-form').waitFor();
    await visit(provider)('provider portal: raise a demand', { key: true });
    const fill = (id: string, value: string) => provider.locator(`#${id}`).fill(value);
    await fill('payerPhone', PAYER.identifier);
    await fill('payerEmail', PAYER_EMAIL);
    await fill('title', 'Community hall booking, Durga Puja');
    await fill('line1Description', 'Hall rent, 3 days');
    await fill('line1Amount', '20000');
    await fill('line1Cgst', '1800');
    await fill('line1Sgst', '1800');
    // The instalments fold away until used: open them as a person would.
    await provider.locator('[data-testid=instalments] summary').click();
    await fill('instalment1Due', inDays(20));
    await fill('instalment1Amount', '11800');
    await fill('instalment2Due', inDays(50));
    await fill('instalment2Amount', '11800');
    await fill('dueDate', inDays(50));
    await testId(provider, 'raise').click();
    await provider.waitForURL(/\/demands\/[^/?]+\?raised=1$/);
    reference = decodeURIComponent(new URL(provider.url()).pathname.split('/').pop() as string);
    expect(reference).toMatch(/^DM-/);
    expect(await testId(provider, 'raised').textContent()).toContain(reference);
    const summary = (await testId(provider, 'demand-summary').textContent()) ?? '';
    expect(summary).toContain(PAYER.to);
    expect(summary).toContain(PAYER_EMAIL);
    expect(rupeeAmounts(summary).slice(0, 3)).toEqual([TOTAL_MINOR, 0, TOTAL_MINOR]);
    const instalments = await testId(provider, 'instalment-status').allTextContents();
    expect(instalments.map(words)).toEqual(['Open', 'Open']);
    await visit(provider)('provider portal: the demand, just raised', { key: true });
  });

  step(
    'the payer is told by SMS and email: the reference, the first instalment, the plan’s total and the pay link',
    async () => {
      const names = (message: CapturedMessage) => message.text.includes(reference);
      const sms = await stack.hubMessage(PAYER.to, names);
      const email = await stack.hubMessage(PAYER_EMAIL, names);
      expect(sms.channel).toBe('sms');
      expect(sms.text).toContain(PROVIDER.name);
      // English SMS write rupees "Rs" (GSM-7 has no ₹: hub/notifications/render.ts).
      // The first instalment, then "(instalment 1 of 2, total …)".
      expect(rupeeAmounts(sms.text.replace(/\bRs /g, '₹'))).toEqual([INSTALMENT_MINOR, TOTAL_MINOR]);
      expect(sms.text).toContain('1 of 2');
      expect(email.channel).toBe('email');
      expect(email.subject).toContain(reference);
      expect(rupeeAmounts(email.subject ?? '')).toEqual([INSTALMENT_MINOR]);
      // The link the citizen follows is the one in the SMS, as sent; the email carries the same.
      payLink = sms.text.match(/https?:\/\/\S+/)?.[0] ?? '';
      expect(payLink).toBe(`${stack.portalUrl}/demands/${reference}`);
      expect(email.text).toContain(payLink);
    },
  );

  step('the payer opens the link in their own browser, signs in with a code, and lands on the demand', async () => {
    current = citizen;
    await citizen.goto(payLink);
    await citizen.waitForURL((url) => url.href.startsWith(stack.idpUrl));
    const { registered } = await signInAtIdp(stack, citizen, PAYER, async () => {}, {
      keyboard: false,
      landsOn: new RegExp(`^${escapeRegExp(payLink)}$`),
    });
    expect(registered).toBe(true);
    expect(await testId(citizen, 'demand-title').textContent()).toBe('Community hall booking, Durga Puja');
    expect(await testId(citizen, 'demand-provider').textContent()).toBe(`From ${PROVIDER.name}`);
    expect(await testId(citizen, 'demand-status').getAttribute('data-status')).toBe('open');
    expect(await amountsIn(citizen, 'demand-total')).toEqual([TOTAL_MINOR]);
    expect(await citizen.locator('[data-testid=demand-instalment][data-status=open]').count()).toBe(2);
    // Paying the first instalment or both, the first chosen.
    const options = citizen.locator('input[name=option]');
    expect(await options.evaluateAll((all) => all.map((o) => (o as unknown as { value: string }).value))).toEqual([
      'instalments-1',
      'instalments-2',
    ]);
  });

  step('pays both instalments on the sandbox gateway and sees the payment completed', async () => {
    await citizen.locator('input[name=option][value=instalments-2]').check();
    await payDemandAtGateway(citizen, stack.gatewayUrl, TOTAL_MINOR);
    await citizen.goto(payLink);
    expect(await testId(citizen, 'demand-status').getAttribute('data-status')).toBe('paid');
    await testId(citizen, 'demand-paid').waitFor();
    expect(await citizen.locator('[data-testid=demand-instalment][data-status=paid]').count()).toBe(2);
  });

  step('the provider’s dashboard shows the demand paid and the totals collected updated', async () => {
    current = provider;
    await testId(provider, 'nav-demands').click();
    await provider.waitForURL(/\/demands$/);
    const row = demandRow(provider);
    expect(await row.locator('td[data-label=Status]').textContent()).toContain('Paid');
    expect(rupeeAmounts((await row.locator('td[data-label=Collected]').textContent()) ?? '')).toEqual([TOTAL_MINOR]);
    expect(rupeeAmounts((await row.locator('td[data-label=Outstanding]').textContent()) ?? '')).toEqual([0]);
    expect(await amountsIn(provider, 'total-collected')).toEqual([TOTAL_MINOR]);
    expect(await amountsIn(provider, 'total-outstanding')).toEqual([0]);
    // Each instalment says it is paid, and on which day.
    const paid = await row.locator('[data-testid=instalment-status]').allTextContents();
    expect(paid).toHaveLength(2);
    for (const text of paid) expect(text).toMatch(/paid on \d{4}-\d{2}-\d{2}$/);
    await visit(provider)('provider portal: dashboard, the demand paid', { key: true });
    // Filtered on "Paid", the demand is still there.
    await provider.locator('.govuk-details__summary').click();
    await provider.locator('input[name=status][value=paid]').check();
    await testId(provider, 'apply-filter').click();
    await provider.waitForURL(/status=paid/);
    expect(await demandRow(provider).count()).toBe(1);
    await row.locator('a').first().click();
    await provider.waitForURL(new RegExp(`/demands/${escapeRegExp(reference)}$`));
    const statuses = await testId(provider, 'instalment-status').allTextContents();
    expect(statuses).toHaveLength(2);
    for (const text of statuses) expect(words(text)).toMatch(/^Paid on \d{4}-\d{2}-\d{2}$/);
    expect(await testId(provider, 'cancel-form').count()).toBe(0);
    await visit(provider)('provider portal: the demand, paid', { key: true });
  });

  step(
    'the payer opening the provider portal is signed in by the idp without a code, and is not a member',
    async () => {
      current = citizen;
      const codes = await stack.messageCount(PAYER.to);
      const visited: string[] = [];
      // Every document request, redirects included (a redirect commits no page of its own).
      citizen.on('request', (request) => {
        if (request.isNavigationRequest()) visited.push(request.url());
      });
      await citizen.goto(`${stack.providerPortalUrl}/`);
      await testId(citizen, 'sign-in').click();
      // Nothing is typed: only the idp's session can bring the browser back signed in.
      const landed = await Promise.race([
        testId(citizen, 'not-member')
          .waitFor()
          .then(() => 'signed in' as const),
        citizen
          .locator('#identifier, #code')
          .first()
          .waitFor()
          .then(() => 'asked to sign in again' as const),
      ]);
      expect(landed).toBe('signed in');
      expect(new URL(citizen.url()).origin).toBe(stack.providerPortalUrl);
      // By way of the idp (single sign-on, not a session of the provider portal's own), and no code sent.
      expect(visited.filter((url) => url.startsWith(`${stack.idpUrl}/auth?`))).toHaveLength(1);
      expect(await stack.messageCount(PAYER.to)).toBe(codes);
      expect(await testId(citizen, 'not-member').textContent()).toBe(
        'Your account is not a member of a provider organisation',
      );
      // Signed in (a sign-out button), but offered no demand pages.
      await testId(citizen, 'sign-out').waitFor();
      expect(await testId(citizen, 'nav-demands').count()).toBe(0);
      const response = await citizen.goto(`${stack.providerPortalUrl}/demands`);
      expect(response?.status()).toBe(403);
      await visit(citizen)('provider portal: not a member', { key: true });
    },
  );

  step(
    'every provider portal page visited passes axe-core (WCAG 2.2 A and AA) at 390 px and 1280 px',
    async () => {
      expect(axe.records.length).toBeGreaterThan(0);
      axe.assertNoViolations();
    },
    { standalone: true },
  );
});
