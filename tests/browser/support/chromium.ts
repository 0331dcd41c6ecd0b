import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); no browser is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Switches for a quiet, headless, offline-friendly Chromium on a CI box. Playwright gives every
 * launch a fresh temporary `--user-data-dir` of its own (it refuses one in `args`) and removes
 * it on close, so no profile outlives a run.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Phone and desktop widths every page is checked at (px). */
export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

/** Launches headless Chromium; close it with `browser.close()`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A fresh browser profile at phone width (PHONE) in en-IN, whose actions wait up to 30 s, and its page. */
export async function newPhonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-IN' });
  context.setDefaultTimeout(30_000);
  return { context, page: await context.newPage() };
}
