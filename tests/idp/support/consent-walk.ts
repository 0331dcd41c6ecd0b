import * as oidc from 'openid-client';
import { expect } from 'vitest';
import type { Browser, Page } from './browser.js';
import { authorizationRequest, title } from './relying-party.js';
import type { TestClient, TestIdp } from './test-idp.js';

/** The bullet list of a consent page: one sentence per scope asked for. */
export const consentSentences = (page: Page) =>
  [...page.html.matchAll(/<li>([^<]*)<\/li>/g)].map(([, sentence]) => sentence as string);

export interface Walk {
  /** The sentences of each consent page on the way, in order (none: consent was not asked). */
  consents: string[][];
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
}

/**
 * Signs in to `client` in `browser` like a citizen (an email `identifier`), allowing every
 * consent page on the way and noting what each one asked, then exchanges the code. A browser
 * that already has a session goes straight to consent (or back to the client).
 */
export async function signInNoting(
  idp: TestIdp,
  browser: Browser,
  rp: oidc.Configuration,
  client: TestClient,
  options: { identifier: string; scope?: string; extra?: Record<string, string> },
): Promise<Walk> {
  const request = await authorizationRequest(rp, client, { scope: options.scope, extra: options.extra });
  const consents: string[][] = [];
  let page = await browser.go(request.url.href);
  for (let step = 0; step < 8 && page.status !== 0; step++) {
    switch (title(page)) {
      case 'Sign in':
        page = await browser.submit(page, '/identify', { identifier: options.identifier });
        break;
      case 'Enter your code':
        page = await browser.submit(page, '/verify', { code: await idp.latestCode(options.identifier) });
        break;
      case 'Create your account':
        page = await browser.submit(page, '/register', { name: 'Consenting Citizen' });
        break;
      case 'Allow access':
        consents.push(consentSentences(page));
        page = await browser.submit(page, '/consent');
        break;
      default:
        throw new Error(`unexpected page "${title(page)}" (${page.status}) at ${page.url}`);
    }
  }
  expect(page.url.startsWith(client.redirectUri), page.url).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(page.url), {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  return { consents, tokens };
}
