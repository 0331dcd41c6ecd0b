import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Page } from 'playwright-core';

/** Where failing steps leave a screenshot and the page's HTML; CI prints and keeps this folder. */
export const FAILURE_DIR = resolve(import.meta.dirname, '../../../test-results/browser');

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

/**
 * Saves a full-page screenshot and the HTML of `page` as `<name>.png` / `<name>.html` under
 * FAILURE_DIR; returns the screenshot's path, or a note saying why there is none.
 */
export async function saveFailureShot(page: Page | undefined, name: string): Promise<string> {
  if (!page || page.isClosed()) return '(no page open to screenshot)';
  mkdirSync(FAILURE_DIR, { recursive: true });
  const file = join(FAILURE_DIR, `${slug(name)}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true, timeout: 15_000 });
    writeFileSync(file.replace(/\.png$/, '.html'), await page.content());
    return relative(process.cwd(), file);
  } catch (error) {
    return `(screenshot failed: ${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Wraps a test body: when it throws, the page `current()` returns is screenshotted and the
 * error is rethrown with the screenshot's path and the page's URL appended to its message.
 */
export function withFailureShot(
  current: () => Page | undefined,
  body: () => Promise<void>,
): (context: { task: { name: string } }) => Promise<void> {
  return async ({ task }) => {
    try {
      await body();
    } catch (error) {
      const page = current();
      const url = page && !page.isClosed() ? page.url() : '(none)';
      const shot = await saveFailureShot(page, task.name);
      const err = error instanceof Error ? error : new Error(String(error));
      err.message = `${err.message}\n  page: ${url}\n  screenshot: ${shot}`;
      throw err;
    }
  };
}
