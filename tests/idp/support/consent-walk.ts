import type * as oidc from 'openid-client';
import { expect } from 'vitest';
import type { Browser, Page } from './browser.js';
import { authorizationRequest, completeInteraction, exchangeCode } from './relying-party.js';
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
  const page = await completeInteraction(idp, browser, await browser.go(request.url.href), {
    identifier: options.identifier,
    name: 'Consenting Citizen',
    onConsent: (consent) => consents.push(consentSentences(consent)),
  });
  expect(page.url.startsWith(client.redirectUri), page.url).toBe(true);
  const tokens = await exchangeCode(rp, request, page.url);
  return { consents, tokens };
}
