import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_SCOPES } from '../../hub/portal/options.js';
import { Browser } from './support/browser.js';
import { consentSentences } from './support/consent-walk.js';
import { login, relyingParty } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from './support/test-idp.js';

/** The identity claims a hub access token might carry (RFC 9068 §2.2.1). */
const IDENTITY_CLAIMS = ['name', 'email', 'email_verified', 'phone_number', 'phone_number_verified'];

/**
 * A hub access token carries the citizen's name and contact only when the citizen allowed the
 * client to know them: its consent covered the claim's scope, or the claim asked for by name.
 */
describe("identity claims in a citizen's hub access token follow what the citizen allowed the client", () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  let partnerRp: oidc.Configuration;
  let verifyHubToken: (token: string) => Promise<JWTPayload>;
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri]);
  const identityOf = (payload: JWTPayload) =>
    Object.fromEntries(Object.entries(payload).filter(([claim]) => IDENTITY_CLAIMS.includes(claim)));

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    hubRp = await relyingParty(idp, idp.hub);
    partnerRp = await relyingParty(idp, idp.partner);
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    verifyHubToken = async (token) =>
      (await jwtVerify(token, jwks, { issuer: idp.issuer, audience: HUB_API, typ: 'at+jwt' })).payload;
  });
  afterAll(() => idp.close());

  it('a third party granted only bills:read gets no name, phone or email in its hub token, nor after a refresh', async () => {
    const consents: string[][] = [];
    const { tokens } = await login(idp, browserFor(), partnerRp, idp.partner, {
      identifier: '90000 33333',
      to: '+919000033333',
      name: 'Priya Sharma',
      scope: 'openid bills:read',
      resource: HUB_API,
      onConsent: (page) => consents.push(consentSentences(page)),
    });
    // The consent page asked about no contact or name: the token must not carry one.
    expect(consents.flat().join(' ')).not.toMatch(/mobile|email|name/i);
    const payload = await verifyHubToken(tokens.access_token);
    expect(payload.scope).toBe('bills:read');
    expect(identityOf(payload)).toEqual({});
    const refreshed = await oidc.refreshTokenGrant(partnerRp, tokens.refresh_token as string, { resource: HUB_API });
    expect(identityOf(await verifyHubToken(refreshed.access_token))).toEqual({});
  });

  it('a third party granted the phone scope gets the phone number only, not the name', async () => {
    const { tokens } = await login(idp, browserFor(), partnerRp, idp.partner, {
      identifier: '90000 44444',
      to: '+919000044444',
      name: 'Phone Only',
      scope: 'openid phone bills:read',
      resource: HUB_API,
    });
    expect(identityOf(await verifyHubToken(tokens.access_token))).toEqual({ phone_number: '+919000044444' });
  });

  it('a third party granted the email claim by the claims parameter gets the email only', async () => {
    const { tokens } = await login(idp, browserFor(), partnerRp, idp.partner, {
      identifier: 'claimed.email@example.org',
      name: 'Email By Name',
      scope: 'openid bills:read',
      resource: HUB_API,
      extra: { claims: JSON.stringify({ userinfo: { email: null } }) },
    });
    expect(identityOf(await verifyHubToken(tokens.access_token))).toEqual({ email: 'claimed.email@example.org' });
  });

  it("the hub portal, asking for its own scopes, still gets the payer's name and verified contact, after a refresh too", async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: '90000 55555',
      to: '+919000055555',
      name: 'Portal Payer',
      scope: PORTAL_SCOPES.join(' '),
      resource: HUB_API,
    });
    const expected = { name: 'Portal Payer', phone_number: '+919000055555' };
    expect(identityOf(await verifyHubToken(tokens.access_token))).toEqual(expected);
    const refreshed = await oidc.refreshTokenGrant(hubRp, tokens.refresh_token as string, { resource: HUB_API });
    expect(identityOf(await verifyHubToken(refreshed.access_token))).toEqual(expected);
  });

  it('the hub portal signed in by email gets the verified email and the name', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'portal.payer@example.org',
      name: 'Email Payer',
      scope: PORTAL_SCOPES.join(' '),
      resource: HUB_API,
    });
    expect(identityOf(await verifyHubToken(tokens.access_token))).toEqual({
      name: 'Email Payer',
      email: 'portal.payer@example.org',
    });
  });
});
