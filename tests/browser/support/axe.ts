import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the bar the issue sets (WCAG 2.2 AA). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  /** Each offending element's CSS selector and axe's summary of what to fix. */
  nodes: { target: string; summary: string }[];
}

/** One axe run on one page at one width, for the suite's record. */
export interface AxeRecord {
  label: string;
  url: string;
  width: number;
  violations: AxeViolation[];
}

/** Every axe run of this process, in order (the journey prints them as its axe report). */
export const axeLog: AxeRecord[] = [];

/**
 * Runs axe-core in the page with the given tags (WCAG A+AA by default): how many rules passed
 * (proof that axe looked at something) and the violations. axe is evaluated through the DevTools
 * protocol rather than added as a script tag, so the page's own Content-Security-Policy (which
 * rightly refuses inline scripts) stays in force for everything else.
 */
export async function axeResults(
  page: Page,
  tags: readonly string[] = WCAG_TAGS,
): Promise<{ passes: number; violations: AxeViolation[] }> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (runTags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe and the DOM live in the page, untyped here
    const inPage = globalThis as any;
    const result = await inPage.axe.run(inPage.document, {
      runOnly: { type: 'tag', values: runTags },
      resultTypes: ['violations'],
    });
    return {
      passes: result.passes.length as number,
      violations: result.violations.map(
        (v: {
          id: string;
          impact: string | null;
          help: string;
          helpUrl: string;
          nodes: { target: unknown[]; failureSummary?: string }[];
        }) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' })),
        }),
      ),
    };
  }, tags);
}

/** The WCAG A+AA violations on the page as it is (see axeResults). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeResults(page)).violations;
}

/** The violations as readable lines: rule, impact, help, then each element. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `- ${v.id} (${v.impact ?? 'n/a'}): ${v.help} ${v.helpUrl}\n${v.nodes
          .map((n) => `    at ${n.target}: ${n.summary.replace(/\n\s*/g, ' ')}`)
          .join('\n')}`,
    )
    .join('\n');
}

/**
 * Runs axe on the page as it is, records the result in `axeLog`, and throws an Error listing
 * every violation when there is any.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  const violations = await axeViolations(page);
  const width = page.viewportSize()?.width ?? 0;
  axeLog.push({ label, url: page.url(), width, violations });
  if (violations.length > 0) {
    throw new Error(
      `axe: ${violations.length} WCAG A/AA violation(s) on "${label}" at ${width} px (${page.url()}):\n${describeViolations(violations)}`,
    );
  }
}

/**
 * Checks the page at each width in turn (the viewport is left at the first), so a page is
 * judged both as a phone and as a desktop shows it.
 */
export async function expectAccessibleAt(page: Page, label: string, widths: { width: number; height: number }[]) {
  const original = page.viewportSize();
  const errors: string[] = [];
  for (const size of widths) {
    await page.setViewportSize(size);
    try {
      await expectAccessible(page, label);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (original) await page.setViewportSize(original);
  if (errors.length > 0) throw new Error(errors.join('\n'));
}
