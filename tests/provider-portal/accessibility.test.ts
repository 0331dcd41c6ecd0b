import type { BrowserContext, Browser as Chromium, Page as ChromiumPage } from 'playwright-core';
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
import { demandJson, type StubAnswer, type StubCall } from './support/hub-stub.js';
import { MEMBER, type PortalStack, startPortalStack } from './support/portal-stack.js';

const REFERENCE = 'DM-7K2QH-9X4TB-M';

function answer(call: StubCall): StubAnswer {
  if (call.path.startsWith('/demands?')) {
    return {
      status: 200,
      json: {
        demands: [demandJson(REFERENCE), demandJson('DM-22222-33333-4', { status: 'open' })],
        limit: 25,
        offset: 0,
        nextOffset: 25,
        totals: { demands: 30, collectedMinor: 1_203_600, outstandingMinor: 9_440_000 },
      },
    };
  }
  if (call.path.startsWith('/demands/')) return { status: 200, json: demandJson(REFERENCE) };
  if (call.path === '/demand-uploads' && call.body.includes(';')) {
    // Long unbreakable text in an error (a mangled header, a value pasted whole): it must wrap.
    const word =
      'payer_phone;payer_email;title;item;amount;cgst;sgst;igst;due_date;instalments;late_fee;discount_until';
    return {
      status: 422,
      json: {
        code: 'invalid_upload',
        detail: `The file has errors in 1 row: ${word}`,
        errors: [{ row: 1, column: word, message: `unknown column ${word}` }],
      },
    };
  }
  if (call.path === '/demand-uploads') {
    return {
      status: 422,
      json: { code: 'invalid_upload', detail: 'errors', errors: [{ row: 2, column: 'amount', message: 'not rupees' }] },
    };
  }
  return { status: 404, json: { code: 'not_found', detail: 'stub' } };
}

/** Every provider portal page passes axe-core (WCAG 2.2 A and AA plus best practices) at phone and desktop widths. */
describe('the provider portal pages in headless Chromium', () => {
  let stack: PortalStack;
  let chromium: Chromium;
  const results: AxeResult[] = [];

  /** A Chromium tab signed in as `identifier` (signed in with the fetch browser, its cookie handed over). */
  async function tabFor(identifier: string): Promise<{ context: BrowserContext; page: ChromiumPage }> {
    const who = new Browser([`${stack.portalUrl}/auth/callback`]);
    const start = await who.go(`${stack.portalUrl}/auth/login`);
    await who.go((await completeInteraction(stack.idp, who, start, { identifier, name: 'Axe Checker' })).url);
    return tabWithCookiesOf(chromium, who, stack.portalUrl);
  }

  const expectAccessible = (page: ChromiumPage, name: string) => expectAccessibleAt(page, name, results);

  beforeAll(async () => {
    stack = await startPortalStack(answer);
    chromium = await launchChromium();
  });
  afterAll(async () => {
    console.info(axeSummary('axe-core on the provider portal', results));
    await chromium?.close();
    await stack?.close();
  });

  it('the start page, the dashboard, a demand, the amend, raise and upload forms, and their error states have no violations', async () => {
    await expectAccessibleSignedOut(chromium, `${stack.portalUrl}/`, 'start page', results);

    const { context, page } = await tabFor(MEMBER);
    for (const [path, name] of [
      ['/demands', 'dashboard'],
      ['/demands?dueFrom=2027-01-01&status=open', 'dashboard filtered'],
      [`/demands/${REFERENCE}`, 'demand'],
      [`/demands/${REFERENCE}/amend`, 'amend form'],
      ['/demands/new', 'raise form'],
      ['/demands/upload', 'upload form'],
    ] as const) {
      await page.goto(`${stack.portalUrl}${path}`);
      await expectAccessible(page, name);
    }
    await page.goto(`${stack.portalUrl}/demands/new`);
    await page.getByRole('button', { name: 'Raise the demand' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page, 'raise form with errors');
    await page.goto(`${stack.portalUrl}/demands/upload`);
    await page.setInputFiles('#file', { name: 'demands.csv', mimeType: 'text/csv', buffer: Buffer.from('title\nx\n') });
    await page.getByRole('button', { name: 'Upload and raise the demands' }).click();
    await page.locator('[data-testid="row-errors"]').waitFor();
    await expectAccessible(page, 'upload with row errors');
    await page.setInputFiles('#file', {
      name: 'semicolon.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('payer_phone;title\n9876543210;x\n'),
    });
    await page.getByRole('button', { name: 'Upload and raise the demands' }).click();
    await page.locator('[data-testid="row-errors"]').waitFor();
    await expectAccessible(page, 'upload with long unbreakable errors');
    await page.goto(`${stack.portalUrl}/demands/new`);
    await page.locator('#payerPhone').fill('+919800000001');
    await page.getByRole('button', { name: 'Raise the demand' }).click();
    await page.locator('.govuk-error-summary').waitFor();
    await expectAccessible(page, 'raise form with every error at once');
    await context.close();
  });

  it('at 1280 px the dashboard table fits its column, references and dates stay on one line, and "Sign out" lines up with the links', async () => {
    const { context, page } = await tabFor(MEMBER);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${stack.portalUrl}/demands`);
    const layout = await page.evaluate(`(() => {
      const box = (el) => el.getBoundingClientRect();
      const text = (el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getBoundingClientRect(); };
      const main = box(document.querySelector('main'));
      const region = document.querySelector('[data-testid=demands-scroll]');
      return {
        contentRight: main.right,
        regionRight: box(region).right,
        tableRight: box(document.querySelector('[data-testid=demands]')).right,
        regionScrolls: region.scrollWidth > region.clientWidth,
        linesOfUnbroken: [...document.querySelectorAll('[data-testid=demands] .app-nowrap')].map((el) => el.getClientRects().length),
        signOutTop: text(document.querySelector('[data-testid=sign-out]')).top,
        linkTop: text(document.querySelector('[data-testid=nav-demands]')).top,
      };
    })()`);
    const measured = layout as {
      contentRight: number;
      regionRight: number;
      tableRight: number;
      regionScrolls: boolean;
      linesOfUnbroken: number[];
      signOutTop: number;
      linkTop: number;
    };
    expect(measured.regionRight).toBeLessThanOrEqual(measured.contentRight);
    expect(measured.tableRight).toBeLessThanOrEqual(measured.contentRight);
    expect(measured.regionScrolls).toBe(false);
    // References, instalment dates and amounts: each a single line box.
    expect(measured.linesOfUnbroken.length).toBeGreaterThan(10);
    expect(new Set(measured.linesOfUnbroken)).toEqual(new Set([1]));
    expect(Math.abs(measured.signOutTop - measured.linkTop)).toBeLessThanOrEqual(1);
    await context.close();
  });

  it("on a phone the demand page's heading keeps the reference on one line", async () => {
    const { context, page } = await tabFor(MEMBER);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${stack.portalUrl}/demands/${REFERENCE}`);
    const lines = await page.locator('[data-testid=heading-reference]').evaluate((el) => el.getClientRects().length);
    expect(lines).toBe(1);
    await context.close();
  });

  it('the page for a person who is not a member has no violations', async () => {
    const { context, page } = await tabFor('+919800000041');
    await page.goto(`${stack.portalUrl}/demands`);
    expect(await page.locator('h1').textContent()).toContain('not a member of a provider organisation');
    await expectAccessible(page, 'not a member');
    await context.close();
  });
});
