import type { Page } from 'playwright-core';
import { pressOn, tabTo } from './keyboard.js';
import type { Stack } from './stack.js';

/** A citizen as the idp knows them: what they type, where the code goes, the name to register. */
export interface Identity {
  /** Typed into the sign-in form ("98450 12345"). */
  identifier: string;
  /** The normalised recipient the development sink files the code under ("+919845012345"). */
  to: string;
  name: string;
}

/** Called on every page reached: the suite runs axe there, the screenshot script takes a picture. */
export type Visit = (label: string, options?: { key?: boolean }) => Promise<void>;

const heading = (page: Page) => page.locator('h1').first();

/**
 * On the idp's pages from its sign-in form to the portal's `landsOn` URL: identifier, a code
 * read from the development sink, and a name when the idp registers a new citizen. With
 * `keyboard`, every field and button is reached with Tab and used with the keyboard only.
 */
export async function signInAtIdp(
  stack: Stack,
  page: Page,
  who: Identity,
  visit: Visit,
  options: { keyboard: boolean; landsOn: RegExp },
): Promise<{ registered: boolean }> {
  const identifier = page.locator('#identifier');
  await identifier.waitFor();
  await visit('idp: sign in', { key: true });
  const before = await stack.messageCount(who.to);
  if (options.keyboard) {
    await tabTo(page, identifier);
    await page.keyboard.type(who.identifier);
    await pressOn(page, page.locator('form:has(#identifier) button[type=submit]'), 'Enter');
  } else {
    await identifier.fill(who.identifier);
    await page.locator('form:has(#identifier) button[type=submit]').click();
  }

  const codeField = page.locator('#code');
  await codeField.waitFor();
  await visit('idp: enter code', { key: true });
  const { code } = await stack.nextCode(who.to, before);
  if (options.keyboard) {
    await tabTo(page, codeField);
    await page.keyboard.type(code);
    await pressOn(page, page.locator('form:has(#code) button[type=submit]'), 'Enter');
  } else {
    await codeField.fill(code);
    await page.locator('form:has(#code) button[type=submit]').click();
  }

  // A new citizen is asked for a name; a returning one goes straight back to the portal.
  const nameField = page.locator('#name');
  const next = await Promise.race([
    nameField.waitFor().then(() => 'register' as const),
    page.waitForURL(options.landsOn).then(() => 'portal' as const),
  ]);
  if (next === 'register') {
    await visit('idp: create account');
    if (options.keyboard) {
      await tabTo(page, nameField);
      await page.keyboard.type(who.name);
      await pressOn(page, page.locator('form:has(#name) button[type=submit]'), 'Enter');
    } else {
      await nameField.fill(who.name);
      await page.locator('form:has(#name) button[type=submit]').click();
    }
    await page.waitForURL(options.landsOn);
  }
  return { registered: next === 'register' };
}

/**
 * At the idp's end-session endpoint, as a citizen who signs out there (not at the portal):
 * confirms "sign out everywhere" and waits for the idp's signed-out page.
 */
export async function signOutAtIdp(stack: Stack, page: Page, visit: Visit): Promise<void> {
  await page.goto(`${stack.idpUrl}/session/end`);
  const confirm = page.locator('button[name=logout][value=yes]');
  await confirm.waitFor();
  await visit('idp: sign out');
  const title = await heading(page).textContent();
  await confirm.click();
  // The signed-out page has a heading of its own.
  await page.waitForFunction((before) => {
    // biome-ignore lint/suspicious/noExplicitAny: the DOM is the page's, untyped here
    const h1 = (globalThis as any).document.querySelector('h1');
    return h1 && h1.textContent !== before;
  }, title);
  await visit('idp: signed out');
}
