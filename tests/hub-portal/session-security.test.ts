import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_SIGNED_OUT_COOKIE } from '../../hub/portal/routes/auth-routes.js';
import type { Session } from '../../hub/portal/session/session-store.js';
import { title } from '../idp/support/relying-party.js';
import { startApiStub } from './support/api-stub.js';
import { CitizenBrowser, csrfOf, heading, sessionCookie, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

let stack: PortalStack;
beforeAll(async () => {
  stack = await startPortalStack();
});
afterAll(async () => {
  await stack?.close();
});

const url = (path: string) => `${stack.portal}${path}`;
const sessionKey = (id: string) => `portal:session:${id}`;

async function stored(browser: CitizenBrowser): Promise<Session | undefined> {
  const raw = await stack.hub.service.redis.get(sessionKey((await sessionCookie(browser, stack.portal)) ?? ''));
  return raw ? (JSON.parse(raw) as Session) : undefined;
}

async function rewrite(browser: CitizenBrowser, change: (session: Session) => void): Promise<Session> {
  const session = await stored(browser);
  if (!session) throw new Error('no session');
  change(session);
  await stack.hub.service.redis.set(sessionKey(session.id), JSON.stringify(session), 'KEEPTTL');
  return session;
}

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
});

describe('CSRF', () => {
  it('a POST without the session’s CSRF token, or with another one, is refused with a 403 page and changes nothing', async () => {
    const { browser } = await signIn(stack);
    const settings = await browser.go(url('/settings'));
    const attempts: Record<string, string>[] = [
      { language: 'bn', channel: 'sms' },
      { language: 'bn', channel: 'sms', csrf: 'x'.repeat(43) },
    ];
    for (const fields of attempts) {
      const res = await browser.raw(url('/settings'), form(fields));
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('This form has expired');
      expect(html).toContain('<html lang="en"');
    }
    const language = await browser.raw(url('/language'), form({ lang: 'hi', returnTo: '/settings' }));
    expect(language.status).toBe(403);
    const logout = await browser.raw(url('/auth/logout'), form({}));
    expect(logout.status).toBe(403);
    expect(await stored(browser)).toBeDefined();

    const after = await browser.go(url('/settings'));
    expect(after.html).toContain('<html lang="en"');
    expect(csrfOf(after)).toBe(csrfOf(settings));
  });

  it('a token from another browser’s session does not work in this one', async () => {
    const { browser: mine } = await signIn(stack);
    const { browser: theirs } = await signIn(stack);
    const theirToken = csrfOf(await theirs.go(url('/settings')));
    const res = await mine.raw(url('/settings'), form({ language: 'bn', channel: 'sms', csrf: theirToken }));
    expect(res.status).toBe(403);
  });
});

describe('tokens stay fresh', () => {
  it('an access token near expiry is refreshed before the API call, and the refresh token rotates', async () => {
    const { browser } = await signIn(stack);
    const before = await rewrite(browser, (session) => {
      if (session.tokens) session.tokens.accessExpiresAt = Date.now() - 1_000;
    });
    const page = await browser.go(url('/dashboard'));
    expect(page.status).toBe(200);
    expect(heading(page)).toBe('Your bills');
    const after = await stored(browser);
    expect(after?.tokens?.accessToken).not.toBe(before.tokens?.accessToken);
    expect(after?.tokens?.refreshToken).not.toBe(before.tokens?.refreshToken);
    expect(after?.tokens?.accessExpiresAt).toBeGreaterThan(Date.now() + 60_000);
  });

  it('an access token the API refuses is refreshed once and the call retried', async () => {
    const { browser } = await signIn(stack);
    await rewrite(browser, (session) => {
      if (session.tokens) session.tokens.accessToken = 'not-a-token-the-hub-accepts';
    });
    const page = await browser.go(url('/dashboard'));
    expect(page.status).toBe(200);
    expect((await stored(browser))?.tokens?.accessToken).not.toBe('not-a-token-the-hub-accepts');
  });

  it('a refresh the idp refuses signs the session out cleanly and sends the browser to sign in', async () => {
    const { browser } = await signIn(stack);
    const session = await rewrite(browser, (s) => {
      if (s.tokens) {
        s.tokens.accessExpiresAt = Date.now() - 1_000;
        s.tokens.refreshToken = 'revoked-refresh-token';
      }
    });
    const res = await browser.raw(url('/dashboard'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/login?returnTo=%2Fdashboard');
    expect(await stack.hub.service.redis.exists(sessionKey(session.id))).toBe(0);
  });
});

describe('signing out', () => {
  it('Sign out ends the portal session and continues to the idp’s end-session endpoint with the ID token hint', async () => {
    const { browser } = await signIn(stack);
    const session = await stored(browser);
    const page = await browser.go(url('/dashboard'));
    const res = await browser.raw(url('/auth/logout'), form({ csrf: csrfOf(page) }));
    expect(res.status).toBe(303);
    const endSession = new URL(res.headers.get('location') ?? '');
    expect(endSession.origin).toBe(stack.idp.issuer);
    expect(endSession.searchParams.get('id_token_hint')).toBe(session?.tokens?.idToken);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.portal}/`);
    expect(await stack.hub.service.redis.exists(sessionKey(session?.id ?? ''))).toBe(0);
    const after = await browser.raw(url('/dashboard'));
    expect(after.status).toBe(303);
  });

  it('after Sign out, declining the idp’s "sign out everywhere" does not let the next sign-in here slip through on single sign-on', async () => {
    const { browser, identifier } = await signIn(stack);
    const page = await browser.go(url('/dashboard'));
    await browser.raw(url('/auth/logout'), form({ csrf: csrfOf(page) }));
    // The citizen closes the idp's confirmation page: the idp session lives on. The next sign-in asks again.
    const again = await browser.raw(url('/auth/login'));
    expect(again.status).toBe(303);
    const authorization = new URL(again.headers.get('location') ?? '');
    expect(authorization.origin).toBe(stack.idp.issuer);
    expect(authorization.searchParams.get('prompt')).toBe('login');
    // Once the person has signed in afresh, later sign-ins ride single sign-on again.
    await signIn(stack, browser, identifier);
    const page2 = await browser.go(url('/dashboard'));
    expect(page2.status).toBe(200);
    const cookies = await browser.jar.getCookies(stack.portal);
    expect(cookies.find((cookie) => cookie.key === PORTAL_SIGNED_OUT_COOKIE)).toBeUndefined();
    // A browser that never signed out here is not asked again.
    const { browser: other } = await signIn(stack);
    await other.raw(url('/auth/logout'), form({ csrf: csrfOf(await other.go(url('/dashboard'))) }));
    const fresh = new CitizenBrowser();
    const first = new URL((await fresh.raw(url('/auth/login'))).headers.get('location') ?? '');
    expect(first.searchParams.get('prompt')).toBeNull();
  });

  it('a logout at the idp ends the portal session through the back channel, and only that citizen’s', async () => {
    const { browser: bystander } = await signIn(stack);
    const { browser } = await signIn(stack);
    const session = await stored(browser);
    expect(session?.user?.sub).toBeTruthy();
    // The citizen signs out at the idp itself (say, from another portal): no portal involved.
    const confirm = await browser.go(`${stack.idp.issuer}/session/end`);
    expect(title(confirm)).toBe('Sign out');
    await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    for (let i = 0; i < 50 && (await stack.hub.service.redis.exists(sessionKey(session?.id ?? ''))); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await stack.hub.service.redis.exists(sessionKey(session?.id ?? ''))).toBe(0);
    const res = await browser.raw(url('/dashboard'));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/auth/login?returnTo=%2Fdashboard');
    expect((await bystander.go(url('/dashboard'))).status).toBe(200);
  });

  it('the back-channel endpoint refuses a forged logout token with 400 and ends nothing', async () => {
    const { browser } = await signIn(stack);
    const forged = [
      Buffer.from('{"alg":"none"}').toString('base64url'),
      Buffer.from(JSON.stringify({ iss: stack.idp.issuer, aud: 'hub-portal', sub: 'x', iat: 1 })).toString('base64url'),
      '',
    ].join('.');
    const res = await fetch(url('/auth/backchannel-logout'), form({ logout_token: forged }));
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    expect(await stored(browser)).toBeDefined();
  });
});

describe('sign-in callback', () => {
  it('a callback with a state this browser did not start is refused', async () => {
    const browser = new CitizenBrowser();
    await browser.go(url('/'));
    const page = await browser.go(url('/auth/callback?code=abc&state=forged'));
    expect(page.status).toBe(400);
    expect(page.html).toContain('data-testid="error-title"');
    expect(await sessionCookie(browser, stack.portal)).toBeDefined();
    expect((await stored(browser))?.user).toBeUndefined();
  });
});

describe('an API that refuses even a fresh token', () => {
  let strict: PortalStack;
  let stub: Awaited<ReturnType<typeof startApiStub>>;
  beforeAll(async () => {
    stub = await startApiStub((path) =>
      path === '/dues'
        ? {
            status: 401,
            type: 'application/problem+json',
            body: JSON.stringify({ status: 401, code: 'invalid_token' }),
          }
        : undefined,
    );
    strict = await startPortalStack({ env: { PORTAL_API_URL: stub.url } });
    stub.target(strict.hub.url);
  });
  afterAll(async () => {
    await strict?.close();
    stub?.close();
  });

  it('ends the session and shows a service problem, instead of looping through sign-in', async () => {
    const { browser, page } = await signIn(strict);
    expect(page.url).toBe(`${strict.portal}/dashboard`);
    expect(page.status).toBe(503);
    expect(page.html).toContain('data-testid="error-title"');
    // The error page has forms, so the browser holds a new, anonymous session: not a signed-in one.
    const raw = await strict.hub.service.redis.get(sessionKey((await sessionCookie(browser, strict.portal)) ?? ''));
    expect(raw ? (JSON.parse(raw) as Session).user : undefined).toBeUndefined();
    expect((await browser.raw(`${strict.portal}/dashboard`)).status).toBe(303);
  });
});
