import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as oidc from 'openid-client';
import { generateSync } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationRequest, relyingParty } from '../idp/support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from '../idp/support/test-idp.js';
import {
  type AxeResult,
  axeSummary,
  expectAccessible as expectAccessibleAt,
  launchChromium,
  WIDTHS,
} from './support/chromium.js';

/** Where the 390 px screenshots go; CI prints this folder. */
const SHOTS = process.env.IDP_UI_SHOTS_DIR ?? join(tmpdir(), 'idp-ui-shots');
const SLOW = 60_000;

describe('the idp pages in headless Chromium', () => {
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;
  let hubRp: oidc.Configuration;
  let chromium: Browser;
  let context: BrowserContext;
  let page: Page;
  const email = 'axe.citizen@example.org';
  const results: AxeResult[] = [];
  /** CSP refusals the browser reported, and page resources (styles, icon, images) that failed. */
  const cspReports: string[] = [];
  const failedResources: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    partnerRp = await relyingParty(idp, idp.partner);
    hubRp = await relyingParty(idp, idp.hub);
    chromium = await launchChromium();
    context = await chromium.newContext({ viewport: WIDTHS[0], locale: 'en-IN' });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) cspReports.push(message.text());
    });
    page.on('response', (response) => {
      const type = response.request().resourceType();
      if (type !== 'document' && response.status() >= 400)
        failedResources.push(`${response.status()} ${response.url()}`);
    });
    page.on('requestfailed', (request) => {
      if (request.resourceType() !== 'document') failedResources.push(`failed ${request.url()}`);
    });
  });

  afterAll(async () => {
    console.info(axeSummary('axe-core on the idp pages', results));
    await chromium?.close();
    await idp?.close();
  });

  /** axe at 390 px and 1280 px; the page stays at 390 px afterwards. */
  async function expectAccessible(name: string) {
    await expectAccessibleAt(page, name, results);
    await page.setViewportSize(WIDTHS[0]);
  }

  const heading = async () => (await page.locator('h1').textContent())?.trim();
  /** The focused element's id, or its class when it has none (the DOM is evaluated in the page). */
  const focused = () => page.evaluate<string>('document.activeElement.id || document.activeElement.className');

  async function submitAndWait(button: string, nextTitle: string) {
    await page.getByRole('button', { name: button, exact: true }).click();
    await page.locator('h1', { hasText: nextTitle }).waitFor();
  }

  it('sign-in page, and its error moved into focus without script, pass axe at 390 and 1280 px', {
    timeout: SLOW,
  }, async () => {
    const request = await authorizationRequest(partnerRp, idp.partner, {
      scope: 'openid profile email bills:read payments:read payments:write',
      resource: HUB_API,
    });
    await page.goto(request.url.href);
    expect(await heading()).toBe('Sign in');
    await expectAccessible('sign in');

    await page.getByRole('button', { name: 'Send code' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    expect(await page.title()).toBe('Error: Sign in – Citizen BillPay');
    expect(await focused()).toContain('govuk-error-summary');
    await expectAccessible('sign in, with an error');
    // The summary's link goes to the field.
    await page.getByRole('link', { name: 'Enter a mobile number or an email address' }).click();
    expect(await focused()).toBe('identifier');
  });

  it('code page passes axe, with and without an error, and is saved as a 390 px screenshot', {
    timeout: SLOW,
  }, async () => {
    await page.getByLabel('Mobile number or email address').fill(email);
    await submitAndWait('Send code', 'Enter your code');
    await expectAccessible('code');
    await page.screenshot({ path: join(SHOTS, 'idp-code-390.png'), fullPage: true });

    const code = await idp.latestCode(email);
    await page.getByLabel('6-digit code').fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible('code, with an error');
    await page.screenshot({ path: join(SHOTS, 'idp-code-error-390.png'), fullPage: true });

    await page.getByLabel('6-digit code').fill(code);
    await submitAndWait('Continue', 'Create your account');
  });

  it('register page passes axe', { timeout: SLOW }, async () => {
    await expectAccessible('register');
    await page.getByLabel('Full name').fill('Axe Citizen');
    await submitAndWait('Create account', 'Allow access');
  });

  it('consent page passes axe, names the client and each scope, and is saved as a 390 px screenshot', {
    timeout: SLOW,
  }, async () => {
    expect(await page.locator('main').textContent()).toContain('Partner Portal wants to:');
    expect(await page.locator('main ul.govuk-list--bullet li').allTextContents()).toEqual([
      'know who you are each time you sign in',
      'see your name',
      'see your email address and whether it is verified',
      'look up a bill by consumer number, and see your saved accounts and what is due on them',
      'see your payments and receipts',
      'start payments for your bills',
    ]);
    await expectAccessible('consent');
    await page.screenshot({ path: join(SHOTS, 'idp-consent-390.png'), fullPage: true });

    // The language switch, followed as a citizen would: the same page, now in Hindi.
    await page.getByRole('link', { name: 'हिन्दी' }).click();
    await page.locator('h1', { hasText: 'पहुँच की अनुमति दें' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('hi');
    expect(await page.locator('main ul.govuk-list--bullet li').last().textContent()).toBe(
      'आपके बिलों के लिए भुगतान शुरू करना',
    );
    await expectAccessible('consent (hi)');
    await page.screenshot({ path: join(SHOTS, 'idp-consent-hi-390.png'), fullPage: true });
    await page.getByRole('link', { name: 'English' }).click();
    await page.locator('h1', { hasText: 'Allow access' }).waitFor();
  });

  it('account and authenticator set-up pages (QR code) pass axe', { timeout: SLOW }, async () => {
    await page.goto(`${idp.issuer}/account`);
    expect(await heading()).toBe('Your account');
    await expectAccessible('account');

    await submitAndWait('Set up authenticator app', 'Set up your authenticator app');
    const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
    // Decoded and drawn: the data: URL got past the page's CSP (img-src data:).
    const drawn = await qr.evaluate(
      (img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth,
    );
    expect(drawn).toBeGreaterThan(0);
    await expectAccessible('authenticator set-up');
    await page.screenshot({ path: join(SHOTS, 'idp-authenticator-setup-390.png'), fullPage: true });

    const secret = (await page.locator('main code').textContent()) ?? '';
    await page.getByLabel('Code from the app').fill(generateSync({ secret }));
    await submitAndWait('Turn on', 'Your account');
    expect(await page.getByRole('status').textContent()).toBe('Authenticator app turned on.');
    await expectAccessible('account, authenticator on');
  });

  it('connected services page passes axe in English and Hindi, before and after revoking the partner', {
    timeout: SLOW,
  }, async () => {
    // Allow the partner this time, then the account page links to the list. The redirect to the
    // partner's callback is awaited as a request: Chromium in a network namespace of its own
    // (`unshare -n`) sends a redirect's target past page.route, so nothing may depend on its answer.
    const back = `${idp.partner.redirectUri}**`;
    await page.route(back, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'partner' }));
    const request = await authorizationRequest(partnerRp, idp.partner, {
      scope: 'openid profile email bills:read payments:read payments:write',
      resource: HUB_API,
    });
    await page.goto(request.url.href);
    await page.locator('h1', { hasText: 'Allow access' }).waitFor();
    const toPartner = page.waitForRequest((sent) => sent.url().startsWith(`${idp.partner.redirectUri}?code=`));
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await toPartner;
    await page.unroute(back);
    await page.goto(`${idp.issuer}/account`);
    await page
      .getByRole('link', { name: 'See which other services can use your account, and revoke their access' })
      .click();
    await page.locator('h1', { hasText: 'Connected services' }).waitFor();
    expect(await page.locator('main h2').allTextContents()).toEqual(['Partner Portal']);
    expect(await page.locator('main ul.govuk-list--bullet li').allTextContents()).toContain(
      'start payments for your bills',
    );
    await expectAccessible('connected services');
    await page.screenshot({ path: join(SHOTS, 'idp-connected-390.png'), fullPage: true });

    await page.getByRole('link', { name: 'हिन्दी' }).click();
    await page.locator('h1', { hasText: 'जुड़ी हुई सेवाएँ' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('hi');
    await expectAccessible('connected services (hi)');
    await page.getByRole('link', { name: 'English' }).click();
    await page.locator('h1', { hasText: 'Connected services' }).waitFor();

    await submitAndWait('Revoke access for Partner Portal', 'Revoke access for Partner Portal?');
    await expectAccessible('revoke question');
    await submitAndWait('Revoke access', 'Connected services');
    expect(await page.getByRole('status').textContent()).toContain('Partner Portal can no longer use your account.');
    expect(await page.locator('main h2').count()).toBe(0);
    await expectAccessible('connected services, after revoking');
  });

  it('sign-out confirmation, signed-out and error pages pass axe', { timeout: SLOW }, async () => {
    // Still signed in from the account pages: the confirmation, then the page after it.
    await page.goto(`${idp.issuer}/session/end`);
    expect(await heading()).toBe('Sign out');
    await expectAccessible('sign out');
    await submitAndWait('Sign out everywhere', 'Signed out');
    await expectAccessible('signed out');

    await page.goto(`${idp.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`);
    expect(await heading()).toBe('Something went wrong');
    await expectAccessible('provider error');

    await page.goto(`${idp.issuer}/interaction/no-such-interaction`);
    expect(await heading()).toBe('Sign-in expired');
    await expectAccessible('sign-in expired');
  });

  it('authenticator code step passes axe', { timeout: SLOW }, async () => {
    await context.clearCookies();
    const request = await authorizationRequest(hubRp, idp.hub);
    await page.goto(request.url.href);
    await page.getByLabel('Mobile number or email address').fill(email);
    await submitAndWait('Send code', 'Enter your code');
    await page.getByLabel('6-digit code').fill(await idp.latestCode(email));
    await submitAndWait('Continue', 'Enter your authenticator code');
    await expectAccessible('authenticator code');
  });

  it('Hindi and Bengali sign-in pages pass axe with the right <html lang>', { timeout: SLOW }, async () => {
    await context.clearCookies();
    for (const [locale, title] of [
      ['hi', 'साइन इन करें'],
      ['bn', 'সাইন ইন করুন'],
    ] as const) {
      const request = await authorizationRequest(hubRp, idp.hub, { extra: { ui_locales: locale } });
      await page.goto(request.url.href);
      expect(await heading()).toBe(title);
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      await expectAccessible(`sign in (${locale})`);
      await page.getByRole('button', { name: locale === 'hi' ? 'कोड भेजें' : 'কোড পাঠান' }).click();
      await page.locator('.govuk-error-summary').waitFor();
      await expectAccessible(`sign in, with an error (${locale})`);
      await page.screenshot({ path: join(SHOTS, `idp-sign-in-error-${locale}-390.png`), fullPage: true });
    }
  });

  it('load the shared stylesheet under their CSP, with the skip link first in keyboard order, nothing refused or missing', async () => {
    await context.clearCookies();
    await page.goto((await authorizationRequest(hubRp, idp.hub)).url.href);
    const styled = await page.evaluate<{ background: string; font: string }>(`({
      background: getComputedStyle(document.querySelector('.govuk-button')).backgroundColor,
      font: getComputedStyle(document.querySelector('.govuk-body')).fontFamily,
    })`);
    // govuk-frontend's green button, not the browser's grey default (rgb(239, 239, 239)).
    expect(styled.background).toMatch(/^rgb\(\d+, 1[0-2]\d, \d+\)$/);
    expect(styled.font).toContain('system-ui');
    expect(styled.font).not.toContain('GDS Transport');
    // The skip link comes first in keyboard order (the field's autofocus is a later stop).
    const firstStop = "document.querySelector('a[href], button, input:not([type=hidden])').getAttribute('href')";
    expect(await page.evaluate<string>(firstStop)).toBe('#main-content');
    // Over every page this suite opened: nothing refused by the CSP, no style or image missing.
    expect(cspReports).toEqual([]);
    expect(failedResources).toEqual([]);
  });
});
