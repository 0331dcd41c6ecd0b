import * as oidc from 'openid-client';
import { CookieJar, type HttpClient, type HttpResponse } from './http-client.js';

export interface BenchClient {
  id: string;
  secret: string;
  redirectUri: string;
}

/** A confidential client allowed only the client_credentials grant, for `scope` at the hub's API. */
export interface MachineBenchClient {
  id: string;
  secret: string;
  scope: string;
}

export interface LoginTarget {
  issuer: string;
  rp: oidc.Configuration;
  client: BenchClient;
  scope: string;
  /** The latest one-time code sent to this (normalised) identifier. */
  readCode: (to: string) => Promise<string>;
}

/** Milliseconds per step of one login, summed over the logins of a phase. */
export type StepTimes = Record<string, number>;

export const LOGIN_STEPS = ['authorize', 'identify', 'read code', 'verify', 'register', 'consent', 'token'] as const;

interface Page {
  url: URL;
  status: number;
  html: string;
}

const TITLE = /<h1[^>]*>([^<]*)<\/h1>/;
const FORM = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g;
const HIDDEN = /<input type="hidden" name="([^"]+)" value="([^"]*)"/g;

/** One citizen's browser: its own cookies, redirects followed by hand until the client's redirect_uri. */
class Browser {
  private readonly jar = new CookieJar();

  constructor(
    private readonly http: HttpClient,
    private readonly stopAt: string,
  ) {}

  async go(start: URL, first: { method?: 'GET' | 'POST'; body?: string } = {}): Promise<Page> {
    let url = start;
    let init = first;
    for (let hops = 0; hops < 10; hops++) {
      if (url.href.startsWith(this.stopAt)) return { url, status: 0, html: '' };
      const headers: Record<string, string> = { cookie: this.jar.header() };
      if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res: HttpResponse = await this.http.send(url, { ...init, headers });
      this.jar.store(res.headers);
      const location = res.headers.location;
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        init = {};
        continue;
      }
      return { url, status: res.status, html: res.body };
    }
    throw new Error(`too many redirects from ${start.pathname}`);
  }

  /** Submits the form whose action ends with `/step`, with its hidden fields plus `fields`. */
  submit(page: Page, step: string, fields: Record<string, string> = {}): Promise<Page> {
    for (const [, action = '', inner = ''] of page.html.matchAll(FORM)) {
      const target = action.replace(/&amp;/g, '&');
      if (!target.endsWith(`/${step}`)) continue;
      const body = new URLSearchParams();
      for (const [, name = '', value = ''] of inner.matchAll(HIDDEN)) body.set(name, value);
      for (const [name, value] of Object.entries(fields)) body.set(name, value);
      return this.go(new URL(target, page.url), { method: 'POST', body: body.toString() });
    }
    throw new Error(`no /${step} form on "${title(page)}" (${page.status}) at ${page.url.pathname}`);
  }
}

const title = (page: Page) => page.html.match(TITLE)?.[1] ?? '';

/**
 * One complete login as a citizen would do it: authorize (code + PKCE), identifier, the code
 * from the capture transport, name on first sign-in, consent when asked, then the token exchange
 * through openid-client. Returns the refresh token; step times are added to `steps`.
 */
export async function loginOnce(
  http: HttpClient,
  target: LoginTarget,
  email: string,
  steps: StepTimes,
): Promise<string> {
  let mark = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    steps[step] = (steps[step] ?? 0) + (now - mark);
    mark = now;
  };

  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(target.rp, {
    redirect_uri: target.client.redirectUri,
    scope: target.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const browser = new Browser(http, target.client.redirectUri);
  let page = await browser.go(url);
  lap('authorize');

  for (let step = 0; step < 8 && page.status !== 0; step++) {
    switch (title(page)) {
      case 'Sign in':
        page = await browser.submit(page, 'identify', { identifier: email });
        lap('identify');
        break;
      case 'Enter your code': {
        const code = await target.readCode(email);
        lap('read code');
        page = await browser.submit(page, 'verify', { code });
        lap('verify');
        break;
      }
      case 'Create your account':
        page = await browser.submit(page, 'register', { name: 'Bench Citizen' });
        lap('register');
        break;
      case 'Allow access':
        page = await browser.submit(page, 'consent');
        lap('consent');
        break;
      default:
        throw new Error(`unexpected page "${title(page)}" (${page.status}) at ${page.url.pathname}`);
    }
  }
  if (page.status !== 0) throw new Error(`login did not reach the client (last page "${title(page)}")`);

  const tokens = await oidc.authorizationCodeGrant(target.rp, page.url, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  lap('token');
  if (!tokens.refresh_token) throw new Error('the token response has no refresh_token');
  return tokens.refresh_token;
}
