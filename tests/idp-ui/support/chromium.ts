import type { Page } from 'playwright-core';
import { axeResults, WCAG_TAGS } from '../../browser/support/axe.js';
import { DESKTOP, PHONE } from '../../browser/support/chromium.js';

export { launchChromium } from '../../browser/support/chromium.js';

/** A phone and a desktop: every page is checked at both widths (px). */
export const WIDTHS = [PHONE, DESKTOP] as const;

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA (the bar), plus axe's best practices. */
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
