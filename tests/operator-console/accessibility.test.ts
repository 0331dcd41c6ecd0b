import type { Browser as Chromium, Page as ChromiumPage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from '../idp/support/browser.js';
import { completeInteraction } from '../idp/support/relying-party.js';
import {
  type AxeResult,
  axeSummary,
  expectAccessible as expectAccessibleAt,
  expectAccessibleSignedOut,
  launchChromium,
  tabWithCookiesOf,
} from '../idp-ui/support/chromium.js';
import { PAYMENT_ID, paymentDetailJson, paymentSummaryJson } from './fixtures.js';
import {
  type ConsoleStack,
  OPERATOR_WITHOUT_APP,
  type StubAnswer,
  type StubCall,
  signInOperator,
  startConsoleStack,
} from './support/console-stack.js';

function answer(call: StubCall): StubAnswer {
  if (call.path === `/operator/payments/${PAYMENT_ID}`) return { status: 200, json: paymentDetailJson() };
  if (call.path.startsWith('/operator/payments')) {
    return {
      status: 200,
      json: { payments: [paymentSummaryJson(), { ...paymentSummaryJson(), flags: 1 }], next: 'abc' },
    };
  }
  return { status: 404, json: { code: 'not_found', detail: 'stub' } };
}

/** Every operator console page passes axe-core (WCAG 2.2 A and AA plus best practices) at phone and desktop widths. */
describe('the operator console pages in headless Chromium', () => {
  let stack: ConsoleStack;
  let chromium: Chromium;
  const results: AxeResult[] = [];

  /** A Chromium tab with the cookies of a fetch browser that signed in (or tried to). */
  const tabOf = (who: Browser, url: string) => tabWithCookiesOf(chromium, who, url);

  const expectAccessible = (page: ChromiumPage, name: string) => expectAccessibleAt(page, name, results);

  beforeAll(async () => {
    stack = await startConsoleStack(answer);
    chromium = await launchChromium();
  });
  afterAll(async () => {
    console.info(axeSummary('axe-core on the operator console', results));
    await chromium?.close();
    await stack?.close();
  });

  it('the start page, the payments search (with results and with errors) and a payment have no violations', async () => {
    await expectAccessibleSignedOut(chromium, `${stack.consoleUrl}/`, 'start page', results);

    const { operator: who } = await signInOperator(stack, 'Axe Operator');
    const { context, page } = await tabOf(who, stack.consoleUrl);
    for (const [path, name] of [
      ['/payments', 'payments'],
      ['/payments?from=31%2F11%2F2026&to=x', 'payments with errors'],
      [`/payments/${PAYMENT_ID}`, 'payment'],
    ] as const) {
      await page.goto(`${stack.consoleUrl}${path}`);
      await expectAccessible(page, name);
    }
    await context.close();
  });

  it('the "not an operator" page and the idp\'s "turn on your authenticator app" page have no violations', async () => {
    const citizen = new Browser([`${stack.consoleUrl}/auth/callback`]);
    const start = await citizen.go(`${stack.consoleUrl}/auth/login`);
    await citizen.go(
      (await completeInteraction(stack.idp, citizen, start, { identifier: 'axe.citizen@example.org', name: 'Axe' }))
        .url,
    );
    const { context, page } = await tabOf(citizen, stack.consoleUrl);
    await page.goto(`${stack.consoleUrl}/payments`);
    expect(await page.locator('h1').textContent()).toContain('not an operator');
    await expectAccessible(page, 'not an operator');
    await context.close();

    const operator = new Browser([`${stack.consoleUrl}/auth/callback`]);
    let idpPage = await operator.go(`${stack.consoleUrl}/auth/login`);
    idpPage = await operator.submit(idpPage, '/identify', { identifier: OPERATOR_WITHOUT_APP });
    idpPage = await operator.submit(idpPage, '/verify', { code: await stack.idp.latestCode(OPERATOR_WITHOUT_APP) });
    idpPage = await operator.submit(idpPage, '/register', { name: 'Axe Operator Two' });
    expect(idpPage.status).toBe(403);
    // The page as the idp answered that POST, shown at its own address (its stylesheet from the idp).
    const tab = await tabOf(operator, stack.idp.issuer);
    await tab.page.route(idpPage.url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: idpPage.html }),
    );
    await tab.page.goto(idpPage.url);
    expect(await tab.page.locator('h1').textContent()).toContain('authenticator app');
    await expectAccessible(tab.page, 'operator app required (idp)');
    await tab.context.close();
  });
});
