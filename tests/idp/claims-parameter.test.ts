import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './support/browser.js';
import {
  authorizationRequest,
  completeInteraction,
  exchangeCode,
  login,
  relyingParty,
  title,
} from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

describe('standard claims: by scope, and by the claims parameter', () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  let partnerRp: oidc.Configuration;
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri]);

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hubRp = await relyingParty(idp, idp.hub);
    partnerRp = await relyingParty(idp, idp.partner);
  });
  afterAll(() => idp.close());

  it('lists in claims_supported exactly the claims the idp holds and the protocol claims, nothing invented', () => {
    const meta = hubRp.serverMetadata();
    expect([...(meta.claims_supported ?? [])].sort()).toEqual(
      [
        'sub',
        'name',
        'email',
        'email_verified',
        'phone_number',
        'phone_number_verified',
        'acr',
        'amr',
        'auth_time',
        'sid',
        'iss',
        // A provider member's organisation (idp/roles/provider-claims.ts), released only to provider portals.
        'provider_id',
        'provider_name',
        // An operator's role and team (idp/roles/operator-claims.ts), released only to operator consoles.
        'roles',
        'operator_team',
      ].sort(),
    );
    expect(meta.claims_parameter_supported).toBe(true);
  });

  it('userinfo returns the claims of the granted scopes and none of the others', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'scoped@example.org',
      name: 'Scoped Citizen',
      scope: 'openid email',
    });
    const sub = tokens.claims()?.sub as string;
    const userinfo = await oidc.fetchUserInfo(hubRp, tokens.access_token, sub);
    expect(userinfo).toEqual({ sub, email: 'scoped@example.org', email_verified: true });
  });

  it('userinfo returns name, email and phone for profile, email and phone when the account holds them', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: '90000 11111',
      to: '+919000011111',
      name: 'Phone Citizen',
      scope: 'openid profile email phone',
    });
    const sub = tokens.claims()?.sub as string;
    // No email on this account: the email scope releases nothing rather than an empty value.
    expect(await oidc.fetchUserInfo(hubRp, tokens.access_token, sub)).toEqual({
      sub,
      name: 'Phone Citizen',
      phone_number: '+919000011111',
      phone_number_verified: true,
    });
  });

  it('the claims parameter releases a claim without its scope, to userinfo or the ID token as asked', async () => {
    const claims = JSON.stringify({ userinfo: { name: null }, id_token: { email: { essential: true } } });
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'asked@example.org',
      name: 'Asked For',
      scope: 'openid',
      extra: { claims },
    });
    const idToken = tokens.claims();
    expect(idToken?.email).toBe('asked@example.org');
    expect(idToken?.name).toBeUndefined();
    const userinfo = await oidc.fetchUserInfo(hubRp, tokens.access_token, idToken?.sub as string);
    expect(userinfo.name).toBe('Asked For');
    expect(userinfo.email).toBeUndefined();
  });

  it('a claim the idp does not hold is never returned, even when asked for by name', async () => {
    const claims = JSON.stringify({ userinfo: { birthdate: null, locale: null, address: null, name: null } });
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'nothing.more@example.org',
      name: 'Nothing More',
      scope: 'openid',
      extra: { claims },
    });
    const sub = tokens.claims()?.sub as string;
    expect(await oidc.fetchUserInfo(hubRp, tokens.access_token, sub)).toEqual({ sub, name: 'Nothing More' });
  });

  it('a third party asking for a single claim shows its scope on the consent page and receives it after consent', async () => {
    const browser = browserFor();
    const claims = JSON.stringify({ userinfo: { phone_number: null } });
    const request = await authorizationRequest(partnerRp, idp.partner, { scope: 'openid', extra: { claims } });
    let page = await browser.go(request.url.href);
    page = await browser.submit(page, '/identify', { identifier: '90000 22222' });
    page = await browser.submit(page, '/verify', { code: await idp.latestCode('+919000022222') });
    page = await browser.submit(page, '/register', { name: 'Partner Citizen' });
    expect(title(page)).toBe('Allow access');
    expect(page.html).toContain('see your mobile number and whether it is verified');
    const callback = await completeInteraction(idp, browser, page, { identifier: 'unused' });
    const tokens = await exchangeCode(partnerRp, request, callback.url);
    const sub = tokens.claims()?.sub as string;
    expect(await oidc.fetchUserInfo(partnerRp, tokens.access_token, sub)).toEqual({
      sub,
      phone_number: '+919000022222',
    });
  });
});
