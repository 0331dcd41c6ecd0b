import type { Browser, BrowserContext } from 'playwright-core';
import { inject } from 'vitest';
import { launchChromium } from './chromium.js';
import { type Stack, startStack } from './stack.js';

/**
 * Starts the whole stack on the suite's Mongo and Redis (provided by vitest's global setup) and
 * headless Chromium together; the caller closes both (`stack.close()`, `browser.close()`).
 */
export async function startJourney(): Promise<{ stack: Stack; browser: Browser }> {
  const [stack, browser] = await Promise.all([
    startStack({ mongoUri: inject('mongoUri'), redisUrl: inject('redisUrl') }),
    launchChromium(),
  ]);
  return { stack, browser };
}

/** Ends a journey: its browser profile (ignoring one already gone), Chromium, then the stack; any may be unset. */
export async function closeJourney(
  context: BrowserContext | undefined,
  browser: Browser | undefined,
  stack: Stack | undefined,
): Promise<void> {
  await context?.close().catch(() => {});
  await browser?.close();
  await stack?.close();
}
