import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { generateSync } from 'otplib';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { totpUri } from '../../idp/totp/totp.js';
import { Browser, type Page } from './support/browser.js';
import { authorizationRequest, completeInteraction, login, relyingParty, title } from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** A code for the next 30 s step: the step enrolment used is never accepted again. */
const codeAt = (secret: string, offsetSteps: number) =>
  generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });

describe('an authenticator app as a second step', () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  let secret = '';
  const email = 'totp.user@example.org';
  // The account page's own sign-in comes back to /account?iss=...; later redirects there are followed.
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri, `${idp.issuer}/account?iss=`]);
  let accountBrowser: Browser;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', OTP_SENDS_PER_IDENTIFIER_PER_HOUR: '100' });
    hubRp = await relyingParty(idp, idp.hub);
  });
  afterAll(() => idp.close());

  async function accountPage(browser: Browser): Promise<Page> {
    const start = await browser.go(`${idp.issuer}/account`);
    // Signing in to the account page goes through the provider and returns to /account.
    const back = await completeInteraction(idp, browser, start, { identifier: email, name: 'Totp User' });
    const page = await browser.go(back.url);
    expect(title(page)).toBe('Your account');
    return page;
  }

  it('enrols with a QR code and secret, confirmed by a first code', async () => {
    accountBrowser = browserFor();
    const browser = accountBrowser;
    const page = await accountPage(browser);
    const enrol = await browser.submit(page, '/account/totp/start');
    expect(enrol.html).toMatch(/<img class="qr" src="data:image\/png;base64,/);
    secret = enrol.html.match(/<code>([A-Z2-7]+)<\/code>/)?.[1] ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    const wrong = await browser.submit(enrol, '/account/totp/confirm', { code: '000000' });
    expect(wrong.status).toBe(400);
    // The QR code shown again after a wrong code is the first one: labelled with the email, not the name.
    const qrOf = (page: Page) => page.html.match(/<img class="qr" src="([^"]+)"/)?.[1];
    const issuer = new URL(idp.issuer).host;
    expect(qrOf(enrol)).toBe(await QRCode.toDataURL(totpUri({ secret, accountName: email, issuer })));
    expect(qrOf(wrong)).toBe(qrOf(enrol));
    const confirmed = await browser.submit(enrol, '/account/totp/confirm', { code: codeAt(secret, 0) });
    expect(confirmed.html).toContain('Authenticator app turned on.');
    expect(confirmed.html).toContain('To turn it off');
    const stored = await idp.service.mongo.collection('accounts').findOne({ email });
    expect(stored?.totp?.sealedSecret).toMatch(/^v1\./);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it('asks for the authenticator code after the one-time code and puts both in amr', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: email,
      totp: () => codeAt(secret, 1),
    });
    expect(tokens.claims()?.amr).toEqual(['email', 'otp']);
  });

  it('refuses an authenticator code that was already used', async () => {
    const browser = browserFor();
    const request = await authorizationRequest(hubRp, idp.hub);
    let page = await browser.go(request.url.href);
    page = await browser.submit(page, '/identify', { identifier: email });
    page = await browser.submit(page, '/verify', { code: await idp.latestCode(email) });
    expect(title(page)).toBe('Enter your authenticator code');
    const replay = await browser.submit(page, '/totp', { code: codeAt(secret, 1) });
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('already used');
  });

  it('turns the authenticator off only with a fresh valid code', async () => {
    // Every step up to now+1 was used above; a real citizen would wait for the next code.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 120_000 });
    try {
      const page = await accountBrowser.go(`${idp.issuer}/account`);
      expect(title(page)).toBe('Your account');
      const refused = await accountBrowser.submit(page, '/account/totp/disable', { code: '123456' });
      expect(refused.status).toBe(400);
      const done = await accountBrowser.submit(page, '/account/totp/disable', { code: codeAt(secret, 0) });
      expect(done.html).toContain('Authenticator app turned off.');
      expect((await idp.service.mongo.collection('accounts').findOne({ email }))?.totp).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('signing out', () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  let partnerRp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hubRp = await relyingParty(idp, idp.hub);
    partnerRp = await relyingParty(idp, idp.partner);
  });
  afterAll(() => idp.close());

  it('ends the session for every client and notifies the partner over the back channel', async () => {
    const browser = new Browser([idp.hub.redirectUri, idp.partner.redirectUri, idp.hub.postLogoutRedirectUri]);
    const hub = await login(idp, browser, hubRp, idp.hub, { identifier: 'leaving@example.org' });
    const partner = await login(idp, browser, partnerRp, idp.partner, { identifier: 'unused' });
    const sub = hub.tokens.claims()?.sub;
    const sid = partner.tokens.claims()?.sid;

    const endSession = oidc.buildEndSessionUrl(hubRp, {
      id_token_hint: hub.tokens.id_token as string,
      post_logout_redirect_uri: idp.hub.postLogoutRedirectUri,
    });
    const confirm = await browser.go(endSession.href);
    expect(title(confirm)).toBe('Sign out');
    const after = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(after.url.startsWith(idp.hub.postLogoutRedirectUri)).toBe(true);

    expect(idp.backchannelLogouts).toHaveLength(1);
    const logoutToken = idp.backchannelLogouts[0] as string;
    const { payload } = await jwtVerify(logoutToken, createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)), {
      issuer: idp.issuer,
      audience: idp.partner.id,
    });
    expect(payload.sub).toBe(sub);
    expect(payload.sid).toBe(sid);
    expect(payload.events).toEqual({ 'http://schemas.openid.net/event/backchannel-logout': {} });
    expect(decodeJwt(logoutToken).nonce).toBeUndefined();

    // Neither client gets a silent sign-in any more.
    for (const [rp, client] of [
      [hubRp, idp.hub],
      [partnerRp, idp.partner],
    ] as const) {
      const silent = await authorizationRequest(rp, client, { extra: { prompt: 'none' } });
      const landed = await browser.go(silent.url.href);
      expect(new URL(landed.url).searchParams.get('error')).toBe('login_required');
    }
    // Refresh tokens issued without offline_access ended with the session.
    await expect(oidc.refreshTokenGrant(hubRp, hub.tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
