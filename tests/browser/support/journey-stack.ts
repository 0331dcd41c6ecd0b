import type { Browser } from 'playwright-core';
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
