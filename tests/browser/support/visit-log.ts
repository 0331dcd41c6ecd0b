import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type AxeRecord, axeViolations, describeViolations } from './axe.js';
import { DESKTOP, PHONE } from './chromium.js';
import { FAILURE_DIR } from './failure-shots.js';

/** A navigation (a meta refresh, a redirect) replaced the page while it was being inspected. */
const isNavigationRace = (error: unknown) =>
  /Execution context was destroyed|navigation|Target page, context or browser has been closed/i.test(
    (error as Error).message ?? '',
  );

/**
 * Runs `inspect` on the page as it is now; when the page navigates away underneath (the return
 * page's meta refresh), waits for the new document and tries again, up to three times.
 */
export async function onSettledPage<T>(page: Page, inspect: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.waitForLoadState('load');
      return await inspect();
    } catch (error) {
      if (attempt >= 3 || !isNavigationRace(error)) throw error;
    }
  }
}

/**
 * The axe results of a whole journey: every page visited is checked at 390 px, key pages at
 * 1280 px as well, and nothing throws until `problems()` is asked, so one page's findings do
 * not hide the next page's.
 */
export class AxeJourneyLog {
  readonly records: AxeRecord[] = [];

  /** Checks `page` now and records the result under `label`. */
  async check(page: Page, label: string, key = false): Promise<void> {
    const widths = key ? [PHONE, DESKTOP] : [PHONE];
    for (const size of widths) {
      await page.setViewportSize(size);
      const violations = await onSettledPage(page, () => axeViolations(page));
      this.records.push({ label, url: page.url(), width: size.width, violations });
    }
    await page.setViewportSize(PHONE);
  }

  /** Each page and width with violations, as readable text; empty when every page passed. */
  problems(): string[] {
    return this.records
      .filter((r) => r.violations.length > 0)
      .map((r) => `"${r.label}" at ${r.width} px (${r.url}):\n${describeViolations(r.violations)}`);
  }

  /** Throws one error naming every page and width with violations; returns when every page passed. */
  assertNoViolations(): void {
    const problems = this.problems();
    if (problems.length > 0) {
      throw new Error(`axe found violations on ${problems.length} page(s):\n${problems.join('\n')}`);
    }
  }

  /** One line per check ("landing @390: 0 violations"), for the suite's report. */
  summary(): string {
    return this.records
      .map(
        (r) =>
          `${r.label} @${r.width}px: ${r.violations.length ? r.violations.map((v) => v.id).join(', ') : 'no violations'}`,
      )
      .join('\n');
  }

  /** Writes the records as JSON beside the failure screenshots (test-results/browser/axe-report.json). */
  save(): string {
    mkdirSync(FAILURE_DIR, { recursive: true });
    const file = join(FAILURE_DIR, 'axe-report.json');
    writeFileSync(file, `${JSON.stringify(this.records, null, 2)}\n`);
    return file;
  }
}
