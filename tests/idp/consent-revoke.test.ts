import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { returnPageOf } from '../../idp/account-page/router.js';
import { formatDateIST } from '../../infra/web/format.js';
import { Browser, type Page } from './support/browser.js';
import { signInNoting } from './support/consent-walk.js';
import { authorizationRequest, completeInteraction, relyingParty, title } from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** Every line the test idp logs (the harness asks for a silent logger; here it logs at info). */
const logLines = vi.hoisted(() => [] as string[]);

vi.mock('../../infra/logger.js', async (importOriginal) =>
  (await import('../support/log-capture.js')).capturingLoggerModule(await importOriginal(), logLines),
);

/** The consent page's (and the connected page's) sentence for `offline_access`. */
const OFFLINE = 'keep the access you allow here even when you are not signed in';

describe('connected services at the idp', () => {
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;
  let hubRp: oidc.Configuration;
  // The account page's own sign-in comes back to /account?iss=...; the walk stops there.
  const newBrowser = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri, `${idp.issuer}/account?iss=`]);

  beforeAll(async () => {
    idp = await startTestIdp({
      OTP_SENDS_PER_IP_PER_HOUR: '1000',
      OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100',
      IDP_REFRESH_REUSE_GRACE_SECONDS: '0',
    });
    partnerRp = await relyingParty(idp, idp.partner);
    hubRp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp?.close());

  /** The connected services page in a browser that is signed in at the idp already. */
  async function connectedPage(browser: Browser): Promise<Page> {
    const account = await browser.go(`${idp.issuer}/account`);
    // The account page signs in through the provider (silently, with this session) and returns.
    const page = account.status === 0 ? await browser.go(account.url) : account;
    expect(title(page)).toBe('Your account');
    expect(page.html).toContain('href="/account/connected"');
    const connected = await browser.go(`${idp.issuer}/account/connected`);
    expect(title(connected)).toBe('Connected services');
    return connected;
  }

  /** The question page before revoking `clientId`, reached by the connected page's Revoke button. */
  async function revokeQuestion(browser: Browser, connected: Page, clientId: string): Promise<Page> {
    const href = `/account/connected/revoke?${new URLSearchParams({ client: clientId })}`;
    expect(connected.html).toContain(`href="${href}"`);
    const page = await browser.go(new URL(href, idp.issuer).href);
    expect(title(page)).toMatch(/^Revoke access for .*\?$/);
    return page;
  }

  it('lists a consented third-party client with what it may do and since when, but not the first-party hub', async () => {
    const browser = newBrowser();
    const identifier = 'lists@example.org';
    await signInNoting(idp, browser, hubRp, idp.hub, { identifier });
    await signInNoting(idp, browser, partnerRp, idp.partner, { identifier, scope: 'openid profile email' });
    const page = await connectedPage(browser);

    expect(page.html).toContain('<h2 class="govuk-heading-m">Partner Portal</h2>');
    expect(page.html).toContain('Partner Portal can:');
    for (const sentence of [
      'know who you are each time you sign in',
      'see your name',
      'see your email address and whether it is verified',
    ]) {
      expect(page.html).toContain(`<li>${sentence}</li>`);
    }
    expect(page.html).toContain(`Allowed since ${formatDateIST(new Date(), 'en')}`);
    expect(page.html).toContain('Revoke access for Partner Portal');
    expect(page.html).not.toContain(idp.hub.id);
    expect(page.html).not.toContain(OFFLINE);
  });

  it('lists offline access the partner keeps after the citizen signed out, until it is revoked', async () => {
    const identifier = 'offline.kept@example.org';
    const browser = new Browser([
      idp.hub.redirectUri,
      idp.partner.redirectUri,
      idp.hub.postLogoutRedirectUri,
      `${idp.issuer}/account?iss=`,
    ]);
    const hub = await signInNoting(idp, browser, hubRp, idp.hub, { identifier });
    const scope = 'openid profile offline_access';
    const partner = await signInNoting(idp, browser, partnerRp, idp.partner, {
      identifier,
      scope,
      extra: { prompt: 'consent' },
    });
    expect(partner.consents.flat()).toContain(OFFLINE);

    const endSession = oidc.buildEndSessionUrl(hubRp, {
      id_token_hint: hub.tokens.id_token as string,
      post_logout_redirect_uri: idp.hub.postLogoutRedirectUri,
    });
    const signedOut = await browser.submit(await browser.go(endSession.href), '/session/end/confirm', {
      logout: 'yes',
    });
    expect(signedOut.url.startsWith(idp.hub.postLogoutRedirectUri)).toBe(true);
    // The partner still refreshes while nobody is signed in: that is what the citizen allowed.
    const kept = await oidc.refreshTokenGrant(partnerRp, partner.tokens.refresh_token as string);
    expect(kept.refresh_token).toBeTruthy();

    await completeInteraction(idp, browser, await browser.go(`${idp.issuer}/account`), { identifier });
    const page = await connectedPage(browser);
    expect(page.html).toContain('<h2 class="govuk-heading-m">Partner Portal</h2>');
    expect(page.html).toContain(`<li>${OFFLINE}</li>`);

    const question = await revokeQuestion(browser, page, idp.partner.id);
    const after = await browser.submit(question, '/account/connected/revoke');
    expect(after.html).toContain('Partner Portal can no longer use your account.');
    await expect(oidc.refreshTokenGrant(partnerRp, kept.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('says so when no other service can use the account', async () => {
    const browser = newBrowser();
    await signInNoting(idp, browser, hubRp, idp.hub, { identifier: 'nobody.connected@example.org' });
    const page = await connectedPage(browser);
    expect(page.html).toContain('No other service can use your account.');
    expect(page.html).not.toContain('/account/connected/revoke');
  });

  it('revoking a connected service ends its refresh tokens in every session and asks for consent at the next sign-in', async () => {
    const identifier = 'revokes@example.org';
    const scope = 'openid profile';
    const here = newBrowser();
    const first = await signInNoting(idp, here, partnerRp, idp.partner, { identifier, scope });
    expect(first.consents).toHaveLength(1);
    // A second session elsewhere, remembered without asking: its own grant and tokens.
    const elsewhere = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope });
    expect(elsewhere.consents).toEqual([]);
    for (const tokens of [first.tokens, elsewhere.tokens]) {
      expect((await oidc.tokenIntrospection(partnerRp, tokens.refresh_token as string)).active).toBe(true);
    }

    const page = await connectedPage(here);
    const after = await here.submit(await revokeQuestion(here, page, idp.partner.id), '/account/connected/revoke');
    expect(title(after)).toBe('Connected services');
    expect(after.html).toContain(
      'Partner Portal can no longer use your account. It will ask for your permission the next time you sign in there.',
    );
    expect(after.html).toContain('No other service can use your account.');

    for (const tokens of [first.tokens, elsewhere.tokens]) {
      await expect(oidc.refreshTokenGrant(partnerRp, tokens.refresh_token as string)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      expect((await oidc.tokenIntrospection(partnerRp, tokens.access_token)).active).toBe(false);
    }
    const accountId = first.tokens.claims()?.sub;
    expect(await idp.service.mongo.collection('consents').countDocuments({ accountId })).toBe(0);

    // This very session may not sign the partner in silently any more, and a new one is asked again.
    const silent = await authorizationRequest(partnerRp, idp.partner, { scope, extra: { prompt: 'none' } });
    const landed = await here.go(silent.url.href);
    expect(new URL(landed.url).searchParams.get('error')).toBe('consent_required');
    const next = await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope });
    expect(next.consents).toEqual([['know who you are each time you sign in', 'see your name']]);
  });

  it('refuses a revoke without the page’s CSRF token and keeps the service connected', async () => {
    const identifier = 'csrf.refused@example.org';
    const browser = newBrowser();
    const walk = await signInNoting(idp, browser, partnerRp, idp.partner, { identifier, scope: 'openid' });
    const page = await connectedPage(browser);

    for (const csrf of ['', 'forged-token']) {
      const refused = await browser.go(`${idp.issuer}/account/connected/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client: idp.partner.id, ...(csrf ? { csrf } : {}) }),
      });
      expect(refused.status).toBe(403);
      expect(title(refused)).toBe('Please try again');
    }
    // Another session's token is no good here either: tokens are bound to the session.
    const other = newBrowser();
    await signInNoting(idp, other, partnerRp, idp.partner, { identifier, scope: 'openid' });
    const othersPage = await connectedPage(other);
    const othersToken = othersPage.html.match(/name="csrf" value="([^"]+)"/)?.[1] as string;
    const question = await revokeQuestion(browser, page, idp.partner.id);
    const crossed = await browser.submit(question, '/account/connected/revoke', { csrf: othersToken });
    expect(crossed.status).toBe(403);

    expect((await connectedPage(browser)).html).toContain('Revoke access for Partner Portal');
    const next = await oidc.refreshTokenGrant(partnerRp, walk.tokens.refresh_token as string);
    expect(next.access_token).toBeTruthy();
  });

  it('will not revoke the first-party hub, whose sign-in never asks', async () => {
    const identifier = 'hub.stays@example.org';
    const browser = newBrowser();
    const hub = await signInNoting(idp, browser, hubRp, idp.hub, { identifier });
    await signInNoting(idp, browser, partnerRp, idp.partner, { identifier, scope: 'openid' });
    const page = await connectedPage(browser);
    expect(page.html).not.toContain(`client=${idp.hub.id}`);
    const question = await revokeQuestion(browser, page, idp.partner.id);
    const after = await browser.submit(question, '/account/connected/revoke', { client: idp.hub.id });
    expect(title(after)).toBe('Connected services');
    expect(after.html).toContain('Revoke access for Partner Portal');
    const next = await oidc.refreshTokenGrant(hubRp, hub.tokens.refresh_token as string);
    expect(next.access_token).toBeTruthy();
  });

  it('sends a visitor who is not signed in to sign in instead of showing or revoking anything', async () => {
    const page = await new Browser([`${idp.issuer}/auth`]).go(`${idp.issuer}/account/connected`);
    expect(page.status).toBe(0);
    expect(new URL(page.url).searchParams.get('client_id')).toBe('idp-account-console');
  });

  it('asks before revoking: the Revoke button leads to a question with what the service may do, and Cancel keeps it', async () => {
    const identifier = 'asked.first@example.org';
    const browser = newBrowser();
    const walk = await signInNoting(idp, browser, partnerRp, idp.partner, { identifier, scope: 'openid profile' });
    const page = await connectedPage(browser);
    expect(page.html).not.toContain('<form method="post" action="/account/connected/revoke"');
    const question = await revokeQuestion(browser, page, idp.partner.id);
    expect(question.status).toBe(200);
    expect(title(question)).toBe('Revoke access for Partner Portal?');
    expect(question.html).toContain('<li>see your name</li>');
    expect(question.html).toContain('Partner Portal will no longer be able to use your account');
    expect(question.html).toContain('<a class="govuk-link" href="/account/connected">Cancel</a>');
    expect(question.html).toMatch(/<button[^>]*govuk-button--warning[^>]*>\s*Revoke access\s*<\/button>/);
    // Seeing the question revoked nothing.
    expect((await oidc.refreshTokenGrant(partnerRp, walk.tokens.refresh_token as string)).access_token).toBeTruthy();
    const hindi = await browser.go(`${idp.issuer}/account/connected/revoke?client=${idp.partner.id}&lang=hi`);
    expect(title(hindi)).toBe('Partner Portal की पहुँच हटाएँ?');
    expect(hindi.url).toBe(`${idp.issuer}/account/connected/revoke?client=${idp.partner.id}`);
    await browser.go(`${idp.issuer}/account/connected?lang=en`);
  });

  it('answers that nothing was connected when asked to revoke an unknown client, and records no revoke', async () => {
    const identifier = 'revokes.nothing@example.org';
    const browser = newBrowser();
    await signInNoting(idp, browser, partnerRp, idp.partner, { identifier, scope: 'openid' });
    const page = await connectedPage(browser);
    const asked = await browser.go(`${idp.issuer}/account/connected/revoke?client=nope`);
    expect([asked.status, title(asked)]).toEqual([404, 'Connected services']);
    expect(asked.html).toContain('That service was not connected to your account, so there was nothing to revoke.');
    const question = await revokeQuestion(browser, page, idp.partner.id);
    const logged = logLines.length;
    for (const client of ['nope', idp.partner.id]) {
      if (client === idp.partner.id) await browser.submit(question, '/account/connected/revoke', { client });
      const before = logLines.length;
      // The partner a second time: revoked already, so nothing is left to revoke either.
      const answer = await browser.submit(question, '/account/connected/revoke', { client });
      expect([client, answer.status, title(answer)]).toEqual([client, 404, 'Connected services']);
      expect(answer.html).toContain('That service was not connected to your account, so there was nothing to revoke.');
      expect(answer.html).not.toContain('can no longer use your account');
      expect(logLines.slice(before).filter((line) => line.includes('"event":"consent_revoked"'))).toEqual([]);
    }
    // The one real revoke in between was recorded.
    const revokes = logLines.slice(logged).filter((line) => line.includes('"event":"consent_revoked"'));
    expect(revokes).toHaveLength(1);
    expect(revokes[0]).toContain(`"client":"${idp.partner.id}"`);
  });

  it('returns to the connected services page after the sign-in that a link to it started', async () => {
    const identifier = 'deep.link@example.org';
    const browser = new Browser([idp.partner.redirectUri, `${idp.issuer}/account?`]);
    await signInNoting(idp, newBrowser(), partnerRp, idp.partner, { identifier, scope: 'openid profile' });
    const start = await browser.go(`${idp.issuer}/account/connected`);
    const back = await completeInteraction(idp, browser, start, { identifier });
    expect(new URL(back.url).searchParams.get('state')).toBe('/account/connected');
    const page = await browser.go(back.url);
    expect(title(page)).toBe('Connected services');
    expect(page.url).toBe(`${idp.issuer}/account/connected`);
    expect(page.html).toContain('Revoke access for Partner Portal');
  });

  it('never returns anywhere but an account page, whatever the state in the link', async () => {
    const browser = newBrowser();
    await signInNoting(idp, browser, hubRp, idp.hub, { identifier: 'no.open.redirect@example.org' });
    await connectedPage(browser);
    for (const state of [
      'https://evil.example/account',
      '//evil.example/account',
      '/account/../auth',
      '/accountx',
      '/\\evil.example',
    ]) {
      const page = await browser.go(`${idp.issuer}/account?${new URLSearchParams({ state })}`);
      expect([state, page.url, title(page)]).toEqual([
        state,
        expect.stringContaining(`${idp.issuer}/account?`),
        'Your account',
      ]);
    }
    expect(['/account/connected', '/account/totp', '/account/a-b'].map(returnPageOf)).toEqual([
      '/account/connected',
      '/account/totp',
      '/account/a-b',
    ]);
    expect(['/account', '/account/', '/account/Connected', '/account/connected?x=1', 42].map(returnPageOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
