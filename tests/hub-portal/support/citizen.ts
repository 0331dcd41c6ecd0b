import { randomBytes } from 'node:crypto';
import makeFetchCookie from 'fetch-cookie';
import { Browser, type Page } from '../../idp/support/browser.js';
import { completeInteraction } from '../../idp/support/relying-party.js';
import type { PortalStack } from './portal-stack.js';

/** Everything a response showed the browser: for checking that no token ever reaches it. */
export interface Seen {
  url: string;
  status: number;
  headers: string;
  body: string;
}

/**
 * A browser without JavaScript that records every response (headers and body, redirects
 * included). It stops at the portal's callback while the idp's pages are walked, then goes on.
 */
export class CitizenBrowser extends Browser {
  readonly seen: Seen[] = [];
  private readonly recordingFetch = makeFetchCookie(fetch, this.jar);

  override async go(url: string, init: RequestInit = {}): Promise<Page> {
    let current = url;
    let request = init;
    for (let hops = 0; hops < 20; hops++) {
      if (hops > 0 && this.stopAtPrefixes.some((prefix) => current.startsWith(prefix))) {
        return { url: current, status: 0, html: '' };
      }
      const res = await this.recordingFetch(current, { ...request, redirect: 'manual' });
      const body = await res.text();
      this.seen.push({ url: current, status: res.status, headers: JSON.stringify([...res.headers]), body });
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        current = new URL(location, current).toString();
        request = {};
        continue;
      }
      return { url: current, status: res.status, html: body };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** A raw request without following redirects (status and headers matter). */
  async raw(url: string, init: RequestInit = {}): Promise<Response> {
    return this.recordingFetch(url, { ...init, redirect: 'manual' });
  }

  /** POSTs a form body to a portal path, with the CSRF token of `page` unless given. */
  async post(page: Page, url: string, fields: [string, string][] | Record<string, string>): Promise<Page> {
    const body = new URLSearchParams(fields);
    if (!body.has('csrf')) body.set('csrf', csrfOf(page));
    return this.go(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  }

  stopAtPrefixes: string[] = [];
}

/** The CSRF token a portal page carries in its forms. */
export function csrfOf(page: Page): string {
  const token = page.html.match(/<input type="hidden" name="csrf" value="([^"]+)"/)?.[1];
  if (!token) throw new Error(`no CSRF token on ${page.url}:\n${page.html.slice(0, 1500)}`);
  return token;
}

/** The h1's text of a portal page. */
export const heading = (page: Page) =>
  page.html
    .match(/<h1[^>]*>([\s\S]*?)<\/h1>/)?.[1]
    ?.replace(/<[^>]+>/g, '')
    .trim() ?? '';

/**
 * A new citizen signed in through the real idp (registering on the way); the dashboard page.
 * `to` is where the idp sends the code when it is not the identifier as typed (a phone number's
 * E.164 form).
 */
export async function signIn(
  stack: PortalStack,
  browser = new CitizenBrowser(),
  identifier = `citizen-${randomBytes(6).toString('hex')}@example.in`,
  to?: string,
): Promise<{ browser: CitizenBrowser; page: Page; identifier: string }> {
  const callback = `${stack.portal}/auth/callback`;
  browser.stopAtPrefixes = [callback];
  const start = await browser.go(`${stack.portal}/auth/login`);
  const stopped = await completeInteraction(stack.idp, browser, start, { identifier, to, name: 'Asha Devi' });
  browser.stopAtPrefixes = [];
  const page = await browser.go(stopped.url);
  return { browser, page, identifier };
}

/** The portal session cookie's value in this browser. */
export async function sessionCookie(browser: Browser, portal: string): Promise<string | undefined> {
  const cookies = await browser.jar.getCookies(portal);
  return cookies.find((cookie) => cookie.key === 'portal_session')?.value;
}
