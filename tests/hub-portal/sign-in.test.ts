import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../hub/portal/session/session-store.js';
import { CitizenBrowser, heading, sessionCookie, signIn } from './support/citizen.js';
import { type PortalStack, startPortalStack } from './support/portal-stack.js';

let stack: PortalStack;
beforeAll(async () => {
  stack = await startPortalStack();
});
afterAll(async () => {
  await stack?.close();
});

async function storedSession(id: string): Promise<Session> {
  const raw = await stack.hub.service.redis.get(`portal:session:${id}`);
  if (!raw) throw new Error(`no session ${id}`);
  return JSON.parse(raw) as Session;
}

describe('signing in to the portal', () => {
  it('a sign-in through the real idp ends on the dashboard with an opaque session cookie, and no token ever reaches the browser', async () => {
    const browser = new CitizenBrowser();
    const before = await browser.go(`${stack.portal}/`);
    expect(before.status).toBe(200);
    const anonymousId = await sessionCookie(browser, stack.portal);

    const { page } = await signIn(stack, browser);
    expect(page.status).toBe(200);
    expect(page.url).toBe(`${stack.portal}/dashboard`);
    expect(heading(page)).toBe('Your bills');

    const id = await sessionCookie(browser, stack.portal);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The id is rotated at sign-in: one known before it is worthless after it.
    expect(id).not.toBe(anonymousId);
    if (anonymousId) expect(await stack.hub.service.redis.exists(`portal:session:${anonymousId}`)).toBe(0);

    const session = await storedSession(id ?? '');
    expect(session.user?.sub).toBeTruthy();
    const secrets = [session.tokens?.accessToken, session.tokens?.refreshToken, session.tokens?.idToken];
    expect(secrets.every((secret) => typeof secret === 'string' && secret.length > 20)).toBe(true);
    for (const seen of browser.seen) {
      for (const secret of secrets) {
        expect(seen.body.includes(secret as string), `${seen.url} body`).toBe(false);
        expect(seen.headers.includes(secret as string), `${seen.url} headers`).toBe(false);
      }
    }
    const cookies = await browser.jar.getCookies(stack.portal);
    const sessionCookieObject = cookies.find((cookie) => cookie.key === 'portal_session');
    expect(sessionCookieObject?.httpOnly).toBe(true);
    expect(sessionCookieObject?.sameSite).toBe('lax');
  });

  it('the access token is for the hub API, with the scopes the portal asked for', async () => {
    const { browser } = await signIn(stack);
    const session = await storedSession((await sessionCookie(browser, stack.portal)) ?? '');
    const [, payload = ''] = (session.tokens?.accessToken ?? '').split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud: string; scope: string };
    expect(claims.aud).toBe('http://127.0.0.1:3999/api');
    expect(claims.scope.split(' ')).toEqual(expect.arrayContaining(['bills:read', 'payments:read', 'payments:write']));
  });
});
