import type { BrowserContext, Browser as Chromium, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeResults, WCAG_TAGS } from '../../browser/support/axe.js';
import { DESKTOP, PHONE } from '../../browser/support/chromium.js';
import type { Browser as FetchBrowser } from '../../idp/support/browser.js';

export { launchChromium } from '../../browser/support/chromium.js';

/** A phone and a desktop: every page is checked at both widths (px). */
export const WIDTHS = [PHONE, DESKTOP] as const;

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA (the issue's bar), plus axe's best practices. */
const AXE_TAGS = [...WCAG_TAGS, 'best-practice'];

export interface AxeResult {
  page: string;
  width: number;
  /** Rules that passed, for the record that axe really looked at something. */
  passes: number;
  /** "rule: element" for each violating element. */
  violations: string[];
}

/**
 * Runs axe-core on the page as it is at its current width. axe is evaluated through the DevTools
 * protocol, not added as a script tag, so the page's own CSP (no script at all) stays in force.
 */
export async function runAxe(page: Page, name: string): Promise<AxeResult> {
  const { passes, violations } = await axeResults(page, AXE_TAGS);
  return {
    page: name,
    width: page.viewportSize()?.width ?? 0,
    passes,
    violations: violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target} (${n.summary})`)),
  };
}

/**
 * Checks the page with axe at each of WIDTHS: no violations, more than ten rules passed (so axe
 * really looked), and nothing scrolls sideways (reflow, WCAG 1.4.10). Each result is added to
 * `results` for the summary; the page is left at the last width.
 */
export async function expectAccessible(page: Page, name: string, results: AxeResult[]): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    const result = await runAxe(page, name);
    results.push(result);
    expect(result.passes, name).toBeGreaterThan(10);
    expect(result.violations, `${name} at ${size.width} px`).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(size.width);
  }
}

/** The results as lines, "page @ width px: n violations, m rules passed", under `heading`. */
export const axeSummary = (heading: string, results: AxeResult[]) =>
  `${heading}:\n${results.map((r) => `${r.page} @ ${r.width}px: ${r.violations.length} violations, ${r.passes} rules passed`).join('\n')}`;

/** A phone-width Chromium tab holding the cookies a fetch browser (tests/idp/support/browser.ts) has for `url`. */
export async function tabWithCookiesOf(
  chromium: Chromium,
  who: FetchBrowser,
  url: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.newContext({ viewport: WIDTHS[0], locale: 'en-IN' });
  const cookies = await who.jar.getCookies(url);
  await context.addCookies(cookies.map((c) => ({ name: c.key, value: c.value, url })));
  return { context, page: await context.newPage() };
}

/** Opens `url` in a phone-width tab with no cookies (a visitor not signed in) and checks it as expectAccessible does. */
export async function expectAccessibleSignedOut(
  chromium: Chromium,
  url: string,
  name: string,
  results: AxeResult[],
): Promise<void> {
  const anonymous = await chromium.newContext({ viewport: WIDTHS[0] });
  try {
    const page = await anonymous.newPage();
    await page.goto(url);
    await expectAccessible(page, name, results);
  } finally {
    await anonymous.close();
  }
}
