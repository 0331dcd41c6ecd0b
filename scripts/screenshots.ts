/**
 * `npm run screenshots [folder]`: starts the whole stack as the browser suite does (a private
 * MongoDB and Redis unless MONGODB_URI / REDIS_URL are set, the sandboxes, the gateway, the
 * idp, the hub with its portal and the settlement worker, all on free ports), walks a citizen's
 * journey in headless Chromium and saves a 390 px full-page screenshot of every page it shows,
 * numbered in order, into the folder (test-results/screenshots/ by default), which it prints.
 * Exits 1 naming the page where the walk stopped; the screenshots taken until then are kept.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DemandStore } from '../hub/demands/demand-store.js';
import { DESKTOP, launchChromium, PHONE } from '../tests/browser/support/chromium.js';
import { type Identity, signInAtIdp } from '../tests/browser/support/idp-pages.js';
import { THREE_BILLS, testId } from '../tests/browser/support/portal-pages.js';
import { type Stack, startStack } from '../tests/browser/support/stack.js';
import { onSettledPage } from '../tests/browser/support/visit-log.js';
import { hallRentLine, LATE_FEE_2_PERCENT, THREE_INSTALMENTS } from '../tests/hub-demands/fixtures.js';
import { startLocalServices } from './local-services/index.js';

const ROOT = resolve(import.meta.dirname, '..');
const outDir = resolve(process.argv[2] ?? join(ROOT, 'test-results/screenshots'));
const CITIZEN: Identity = { identifier: '98450 12345', to: '+919845012345', name: 'Lakshmi Iyer' };

const slug = (label: string) =>
  label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

let taken = 0;
/** Saves a full-page screenshot of `page` as the next numbered file. */
async function shoot(page: Page, label: string): Promise<void> {
  const file = join(outDir, `${String(++taken).padStart(2, '0')}-${slug(label)}.png`);
  await onSettledPage(page, () => page.screenshot({ path: file, fullPage: true, timeout: 30_000 }));
  console.log(`  ${label.padEnd(34)} ${relative(process.cwd(), file)}`);
}

/** The journey, page by page: what the browser suite does, without its checks. */
async function walk(stack: Stack, browser: Browser): Promise<void> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-IN' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  current = page;

  await page.goto(`${stack.portalUrl}/`);
  await shoot(page, 'landing');
  await testId(page, 'sign-in').click();
  await signInAtIdp(stack, page, CITIZEN, (label) => shoot(page, label), { keyboard: false, landsOn: /\/dashboard/ });
  await shoot(page, 'dashboard (no accounts)');

  for (const [i, bill] of THREE_BILLS.entries()) {
    await page.goto(`${stack.portalUrl}/accounts/new`);
    if (i === 0) await shoot(page, 'add account: category');
    await page.locator(`input[name=category][value=${bill.category}]`).check();
    await testId(page, 'continue').click();
    await page.locator(`input[name=biller][value=${bill.billerId}]`).check();
    if (i === 0) await shoot(page, 'add account: biller');
    await testId(page, 'continue').click();
    await page.waitForURL(new RegExp(`/accounts/new/${bill.billerId}$`));
    for (const [name, value] of Object.entries(bill.consumer)) await page.locator(`#consumer-${name}`).fill(value);
    if (i === 0) await shoot(page, 'add account: consumer number');
    await testId(page, 'add-account-submit').click();
    await page.waitForURL(/\/dashboard/);
  }
  await testId(page, 'due-row').nth(2).waitFor();
  await shoot(page, 'dashboard (three bills due)');

  await page.goto(`${stack.portalUrl}/bills/lookup`);
  await shoot(page, 'look up: biller');
  await page.locator('input[name=biller][value=city-water]').check();
  await testId(page, 'continue').click();
  await page.locator('#consumer-connectionId').fill('W12-004512');
  await shoot(page, 'look up: consumer number');
  await testId(page, 'lookup-submit').click();
  await testId(page, 'lookup-result').waitFor();
  await shoot(page, 'look up: the bill');

  await page.goto(`${stack.portalUrl}/dashboard`);
  for (const box of await testId(page, 'due-select').all()) await box.check();
  await testId(page, 'pay-selected').click();
  await page.waitForURL((url) => url.href.startsWith(stack.gatewayUrl));
  await shoot(page, 'gateway: hosted checkout');
  // While the gateway's page is open the payment waits (not final): its status page in a second
  // tab shows "Check again" and, once asked, checking automatically, whatever the settlement's pace.
  const waiting = await context.newPage();
  current = waiting;
  await waiting.goto(`${stack.portalUrl}/dashboard`);
  const statusHref = (await testId(waiting, 'due-payment-link').first().getAttribute('href')) ?? '';
  await waiting.goto(`${stack.portalUrl}${statusHref}`);
  await testId(waiting, 'check-automatically').click();
  await testId(waiting, 'stop-checking').waitFor();
  await shoot(waiting, 'return page (checking automatically, not paid yet)');
  await waiting.close();
  current = page;
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/payments\/[^/]+$/);
  await shoot(page, 'return page (first view)');
  // The page reloads itself only when asked: "Check again" until the receipt is ready.
  const deadline = Date.now() + 90_000;
  while (!(await onSettledPage(page, () => testId(page, 'receipt-link').isVisible()))) {
    if (Date.now() > deadline) throw new Error('the payment was not final after 90 s');
    await Promise.all([page.waitForEvent('load'), testId(page, 'check-again').click()]);
  }
  await shoot(page, 'return page (final)');

  await testId(page, 'receipt-link').click();
  await testId(page, 'receipt-summary').waitFor();
  await shoot(page, 'receipt');
  const verifyUrl = (await testId(page, 'receipt-verify-link').getAttribute('href')) ?? '';

  await page.goto(`${stack.portalUrl}/history`);
  await testId(page, 'history-row').first().waitFor();
  await shoot(page, 'history');

  await demandPages(stack, page);
  await page.goto(`${stack.portalUrl}/settings`);
  await shoot(page, 'settings');

  // The verify page as a counter clerk sees it: public, not signed in.
  const clerk = await browser.newContext({ viewport: PHONE, locale: 'en-IN' });
  const clerkPage = await clerk.newPage();
  current = clerkPage;
  await clerkPage.goto(verifyUrl);
  await testId(clerkPage, 'verify-result').waitFor();
  await shoot(clerkPage, 'verify (public)');
  await clerk.close();
  current = page;

  await page.goto(`${stack.portalUrl}/dashboard`);
  await testId(page, 'language-hi').click();
  await page.locator('html[lang=hi]').waitFor({ state: 'attached' });
  await shoot(page, 'dashboard in Hindi');
  await context.close();
}

/**
 * A payment demand raised for the citizen's phone (three instalments, GST, a late fee and an early
 * discount): the dashboard row, its page at phone and desktop widths, the wallet form's errors, the
 * not-found page, and the page once paid in full.
 */
async function demandPages(stack: Stack, page: Page): Promise<void> {
  const store = new DemandStore(stack.hub.mongo);
  const { demand } = await store.create(
    {
      providerId: 'city-halls',
      payer: { phone: CITIZEN.to },
      title: 'Community hall booking, 14 January',
      lines: [hallRentLine()],
      dueDate: '2027-03-10',
      instalments: THREE_INSTALMENTS(),
      lateFee: LATE_FEE_2_PERCENT(),
      earlyDiscount: { off: { kind: 'percent', basisPoints: 150 }, until: '2027-01-05' },
    },
    { actor: 'officer@city-halls', providerName: 'City Halls Department' },
  );
  const link = `${stack.portalUrl}/demands/${demand.reference}`;
  await page.goto(`${stack.portalUrl}/dashboard`);
  await shoot(page, 'dashboard with a demand');
  await page.goto(link);
  await shoot(page, 'demand (open)');
  await page.setViewportSize(DESKTOP);
  await shoot(page, 'demand (open, 1280 px)');
  await page.setViewportSize(PHONE);
  await testId(page, 'wallet-submit').click();
  await testId(page, 'error-summary').waitFor();
  await shoot(page, 'demand: wallet form errors');
  await page.goto(`${stack.portalUrl}/demands/DM-00000-00000-0`);
  await shoot(page, 'demand not found');
  // Paid in full: every open instalment in one checkout (the last amount option, when offered).
  await page.goto(link);
  const options = page.locator('input[name=option]');
  if ((await options.count()) > 0) await options.last().check();
  await testId(page, 'demand-pay').click();
  await page.waitForURL((url) => url.href.startsWith(stack.gatewayUrl));
  await page.locator('form button[type=submit]').click();
  await page.waitForURL(/\/payments\/[^/]+$/);
  const deadline = Date.now() + 90_000;
  while (!(await onSettledPage(page, () => testId(page, 'receipt-link').isVisible()))) {
    if (Date.now() > deadline) throw new Error('the demand payment was not final after 90 s');
    await Promise.all([page.waitForEvent('load'), testId(page, 'check-again').click()]);
  }
  await page.goto(link);
  await shoot(page, 'demand (after paying)');
}

let current: Page | undefined;
mkdirSync(outDir, { recursive: true });
// A numbered set from an earlier run would mix with this one.
for (const old of readdirSync(outDir).filter((name) => /^\d{2}-.*\.png$/.test(name))) rmSync(join(outDir, old));
console.log(`Screenshots (390 px, full page) go to ${outDir}`);
const services = await startLocalServices({ mode: 'test' });
let stack: Stack | undefined;
let browser: Browser | undefined;
let exitCode = 0;
try {
  [stack, browser] = await Promise.all([startStack(services), launchChromium()]);
  await walk(stack, browser);
  console.log(`${taken} screenshots in ${outDir}`);
} catch (error) {
  exitCode = 1;
  const where = current && !current.isClosed() ? current.url() : '(no page)';
  console.error(`\nThe walk stopped at ${where}:\n${(error as Error).message}`);
  if (current && !current.isClosed()) await shoot(current, 'where the walk stopped').catch(() => {});
} finally {
  await browser?.close();
  await stack?.close();
  await services.stop();
}
process.exit(exitCode);
