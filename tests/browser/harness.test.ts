import { existsSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, expectAccessible } from './support/axe.js';
import { launchChromium, PHONE } from './support/chromium.js';
import { withFailureShot } from './support/failure-shots.js';

/** The browser suite's own tools: Chromium starts, axe judges, a failing step leaves a screenshot. */
describe('browser suite harness', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: PHONE });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('axe reports an unlabelled field and passes a labelled one', { timeout: 60_000 }, async () => {
    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Form</title></head><body><main><h1>Form</h1><input id="x"></main></body></html>',
    );
    const violations = await axeViolations(page);
    expect(violations.map((v) => v.id)).toContain('label');
    await expect(expectAccessible(page, 'unlabelled')).rejects.toThrow(/label.*\n.*at #x/);

    await page.setContent(
      '<!doctype html><html lang="en"><head><title>Form</title></head><body><main><h1>Form</h1><label for="x">Name</label><input id="x"></main></body></html>',
    );
    await expectAccessible(page, 'labelled');
  });

  it('a failing step saves a screenshot and names it in the error', { timeout: 60_000 }, async () => {
    await page.setContent('<!doctype html><html lang="en"><title>Broken</title><h1>Broken step</h1></html>');
    const step = withFailureShot(
      () => page,
      async () => {
        throw new Error('the page did not show the dues');
      },
    );
    const error = await step({ task: { name: 'harness: a deliberately failing step' } }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const shot = (error as Error).message.match(/screenshot: (\S+\.png)/)?.[1];
    expect((error as Error).message).toContain('the page did not show the dues');
    expect(shot).toBe('test-results/browser/harness-a-deliberately-failing-step.png');
    expect(existsSync(shot as string)).toBe(true);
    // A PNG, not an empty file.
    expect(
      readFileSync(shot as string)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
