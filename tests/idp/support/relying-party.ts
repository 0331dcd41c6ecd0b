import * as oidc from 'openid-client';
import { Browser, type Page } from './browser.js';
import type { TestClient, TestIdp } from './test-idp.js';

/** openid-client, an independent certified relying party, configured for one test client. */
export async function relyingParty(idp: TestIdp, client: TestClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(idp.issuer), client.id, client.secret, undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface LoginOptions {
  /** What the citizen types; `to` is where the idp sends the code (normalised). */
  identifier: string;
  to?: string;
  name?: string;
  totp?: () => string;
  scope?: string;
  resource?: string;
  extra?: Record<string, string>;
  /** Sees each consent page before the walk allows it. */
  onConsent?: (page: Page) => void;
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(
  rp: oidc.Configuration,
  client: TestClient,
  options: Pick<LoginOptions, 'scope' | 'resource' | 'extra'> = {},
): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: client.redirectUri,
    scope: options.scope ?? 'openid profile phone email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(options.resource ? { resource: options.resource } : {}),
    ...options.extra,
  });
  return { url, verifier, state, nonce };
}

/** The page's one h1 (the govuk heading class and no markup inside). */
export const title = (page: Page) => page.html.match(/<h1[^>]*>([^<]*)<\/h1>/)?.[1] ?? '';

/** Walks the interaction pages like a citizen: identifier, code, authenticator, name, consent. */
export async function completeInteraction(idp: TestIdp, browser: Browser, start: Page, options: LoginOptions) {
  let page = start;
  for (let step = 0; step < 8 && page.status !== 0; step++) {
    switch (title(page)) {
      case 'Sign in':
        page = await browser.submit(page, '/identify', { identifier: options.identifier });
        break;
      case 'Enter your code':
        page = await browser.submit(page, '/verify', { code: await idp.latestCode(options.to ?? options.identifier) });
        break;
      case 'Enter your authenticator code':
        if (!options.totp) throw new Error('the idp asked for an authenticator code');
        page = await browser.submit(page, '/totp', { code: options.totp() });
        break;
      case 'Create your account':
        page = await browser.submit(page, '/register', { name: options.name ?? 'Test Citizen' });
        break;
      case 'Allow access':
        options.onConsent?.(page);
        page = await browser.submit(page, '/consent');
        break;
      default:
        throw new Error(
          `unexpected page "${title(page)}" (${page.status}) at ${page.url}:\n${page.html.slice(0, 1500)}`,
        );
    }
  }
  return page;
}

/** The whole code flow with PKCE: authorize, interact, exchange the code. */
export async function login(
  idp: TestIdp,
  browser: Browser,
  rp: oidc.Configuration,
  client: TestClient,
  options: LoginOptions,
) {
  const request = await authorizationRequest(rp, client, options);
  const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), options);
  const tokens = await exchangeCode(rp, request, callback.url);
  return { tokens, callbackUrl: callback.url };
}

/** The access token a person signing in at `client` in a fresh browser gets (see login for `options`). */
export async function accessTokenAt(idp: TestIdp, client: TestClient, options: LoginOptions): Promise<string> {
  const browser = new Browser([client.redirectUri]);
  return (await login(idp, browser, await relyingParty(idp, client), client, options)).tokens.access_token;
}

/** The token request for the code in `callbackUrl`, checking the request's PKCE verifier, state and nonce. */
export function exchangeCode(rp: oidc.Configuration, request: Authorization, callbackUrl: string) {
  return oidc.authorizationCodeGrant(rp, new URL(callbackUrl), {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
}
