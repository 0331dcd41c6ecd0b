import type { Locator, Page } from 'playwright-core';

/**
 * Presses Tab (as a keyboard-only citizen would) until `target` has the focus; throws if it is
 * not reached within `maxTabs` presses (so an element the keyboard cannot reach fails the test).
 */
export async function tabTo(page: Page, target: Locator, maxTabs = 80): Promise<void> {
  await target.waitFor({ state: 'visible' });
  for (let presses = 0; presses <= maxTabs; presses++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  const focused = await page.evaluate(() => {
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const el = (globalThis as any).document.activeElement;
    return el ? `${el.tagName.toLowerCase()}#${el.id} "${(el.textContent ?? '').trim().slice(0, 40)}"` : 'nothing';
  });
  throw new Error(`${maxTabs} presses of Tab never reached ${target}; the focus is on ${focused}`);
}

/** Tabs to `target` and presses `key` on it (Enter for links and buttons, Space for checkboxes). */
export async function pressOn(page: Page, target: Locator, key: 'Enter' | 'Space'): Promise<void> {
  await tabTo(page, target);
  await page.keyboard.press(key);
}

/** Tabs to a text field and types into it, key by key. */
export async function typeInto(page: Page, field: Locator, text: string): Promise<void> {
  await tabTo(page, field);
  await page.keyboard.type(text);
}
