import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './support/browser.js';
import { login, relyingParty } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from './support/test-idp.js';

describe('signing in to the idp with a one-time code', () => {
  let idp: TestIdp;
  let hubRp: oidc.Configuration;
  let partnerRp: oidc.Configuration;
  const browserFor = () => new Browser([idp.hub.redirectUri, idp.partner.redirectUri]);

  beforeAll(async () => {
    // No grace window: a used refresh token is refused at once (the window is in refresh-rotation.test.ts).
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_REFRESH_REUSE_GRACE_SECONDS: '0' });
    hubRp = await relyingParty(idp, idp.hub);
    partnerRp = await relyingParty(idp, idp.partner);
  });
  afterAll(() => idp.close());

  it('publishes discovery with code flow, S256 PKCE and the logout and registration endpoints', () => {
    const meta = hubRp.serverMetadata();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.response_types_supported).toEqual(['code', 'none']);
    expect(meta.grant_types_supported).not.toContain('implicit');
    expect(meta.end_session_endpoint).toBe(`${idp.issuer}/session/end`);
    expect(meta.revocation_endpoint).toBeDefined();
    expect(meta.introspection_endpoint).toBeDefined();
    expect(meta.backchannel_logout_supported).toBe(true);
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['phone_number', 'phone_number_verified', 'email']));
  });

  it('registers a new citizen by phone and returns a verified phone number in the ID token and userinfo', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: '98765 43210',
      to: '+919876543210',
      name: 'Asha Verma',
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: idp.issuer, aud: idp.hub.id });
    const userinfo = await oidc.fetchUserInfo(hubRp, tokens.access_token, claims?.sub as string);
    expect(userinfo).toMatchObject({
      name: 'Asha Verma',
      phone_number: '+919876543210',
      phone_number_verified: true,
    });
    expect(userinfo.email).toBeUndefined();
  });

  it('registers a new citizen by email, lowercased and verified', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'Ravi.Kumar@Example.org',
      to: 'ravi.kumar@example.org',
      name: 'Ravi Kumar',
    });
    const userinfo = await oidc.fetchUserInfo(hubRp, tokens.access_token, tokens.claims()?.sub as string);
    expect(userinfo).toMatchObject({ name: 'Ravi Kumar', email: 'ravi.kumar@example.org', email_verified: true });
  });

  it('signs a returning citizen in to the same account without asking for a name', async () => {
    const first = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'meena@example.org', name: 'Meena' });
    const again = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'meena@example.org', name: 'Other' });
    expect(again.tokens.claims()?.sub).toBe(first.tokens.claims()?.sub);
    const userinfo = await oidc.fetchUserInfo(hubRp, again.tokens.access_token, again.tokens.claims()?.sub as string);
    expect(userinfo.name).toBe('Meena');
  });

  it('issues the hub a JWT access token for its API that jose verifies against the JWKS', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'jwt@example.org',
      scope: 'openid profile email bills:read payments:read payments:write',
      resource: HUB_API,
    });
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      issuer: idp.issuer,
      audience: HUB_API,
      typ: 'at+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe(tokens.claims()?.sub);
    expect((payload.scope as string).split(' ').sort()).toEqual(['bills:read', 'payments:read', 'payments:write']);
    expect((payload.exp as number) - (payload.iat as number)).toBe(900);
    expect(payload.client_id).toBe(idp.hub.id);
    // The hub's tokens carry the verified contact it sends receipts to (it asked for the email scope).
    expect(payload.email).toBe('jwt@example.org');
  });

  it('rotates refresh tokens and refuses a refresh token once it was used', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'refresh@example.org' });
    expect(tokens.refresh_token).toBeDefined();
    const next = await oidc.refreshTokenGrant(hubRp, tokens.refresh_token as string);
    expect(next.refresh_token).toBeDefined();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(hubRp, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('revokes an access token so introspection reports it inactive', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'revoke@example.org' });
    expect((await oidc.tokenIntrospection(hubRp, tokens.access_token)).active).toBe(true);
    await oidc.tokenRevocation(hubRp, tokens.access_token);
    expect((await oidc.tokenIntrospection(hubRp, tokens.access_token)).active).toBe(false);
    await expect(oidc.fetchUserInfo(hubRp, tokens.access_token, oidc.skipSubjectCheck)).rejects.toThrow();
  });

  it('gives a second client a session without a new code (SSO), after consent for a third party', async () => {
    const browser = browserFor();
    const first = await login(idp, browser, hubRp, idp.hub, { identifier: 'sso@example.org' });
    const sent = (await idp.messages('sso@example.org')).length;

    const second = await login(idp, browser, partnerRp, idp.partner, { identifier: 'unused' });
    expect(second.tokens.claims()?.sub).toBe(first.tokens.claims()?.sub);
    expect(await idp.messages('sso@example.org')).toHaveLength(sent);
  });
});
