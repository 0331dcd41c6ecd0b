import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); no browser is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A quiet, headless, offline-friendly Chromium for a small CI box. Playwright gives every launch
 * a fresh temporary --user-data-dir of its own and removes it on close.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone and a desktop: every page is checked at both widths (px). */
export const WIDTHS = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
] as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA (the bar), plus axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];

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
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async (tags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe and the DOM live in the page, untyped here
    const inPage = globalThis as any;
    const out = await inPage.axe.run(inPage.document, { runOnly: { type: 'tag', values: tags } });
    return {
      passes: out.passes.length as number,
      violations: (out.violations as { id: string; nodes: { target: string[]; failureSummary?: string }[] }[]).flatMap(
        (v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} (${n.failureSummary ?? ''})`),
      ),
    };
  }, AXE_TAGS);
  return { page: name, width: page.viewportSize()?.width ?? 0, ...result };
}
