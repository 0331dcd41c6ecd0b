import { randomBytes } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './support/browser.js';
import { authorizationRequest, completeInteraction, login, relyingParty, title } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestClient, type TestIdp } from './support/test-idp.js';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Flips one character in the middle of a JWT part (0 header, 1 payload, 2 signature), keeping base64url. */
function flipCharacter(jwt: string, part: 0 | 1 | 2): string {
  const parts = jwt.split('.');
  const segment = parts[part] as string;
  const at = Math.floor(segment.length / 2);
  parts[part] = segment.slice(0, at) + (segment[at] === 'A' ? 'B' : 'A') + segment.slice(at + 1);
  return parts.join('.');
}

/** The token's payload with a change, under the original header and signature. */
function withPayload(jwt: string, change: Record<string, unknown>): string {
  const [header, , signature] = jwt.split('.');
  return [header, b64url(JSON.stringify({ ...decodeJwt(jwt), ...change })), signature].join('.');
}

/** The token's payload under an unsigned header (`alg: none`) and an empty signature. */
function unsigned(jwt: string, typ: string): string {
  return [b64url(JSON.stringify({ alg: 'none', typ })), jwt.split('.')[1], ''].join('.');
}

/** Where the idp's /auth answer sends the browser, without following it. */
async function authorize(url: URL) {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location, url) : undefined, body: await res.text() };
}

describe('protocol refusals of the idp', () => {
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

  /** Signs in at the hub up to its callback, without exchanging the code. */
  async function callbackFor(identifier: string, options: { scope?: string; resource?: string } = {}) {
    const browser = browserFor();
    const request = await authorizationRequest(hubRp, idp.hub, options);
    const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), { identifier });
    expect(callback.url.startsWith(idp.hub.redirectUri)).toBe(true);
    return { request, callbackUrl: new URL(callback.url) };
  }

  it('refuses a reused authorization code with invalid_grant and revokes the tokens of its first use', async () => {
    const { request, callbackUrl } = await callbackFor('code.reuse@example.org');
    const checks = { pkceCodeVerifier: request.verifier, expectedState: request.state, expectedNonce: request.nonce };
    const tokens = await oidc.authorizationCodeGrant(hubRp, callbackUrl, checks);
    expect((await oidc.tokenIntrospection(hubRp, tokens.access_token)).active).toBe(true);

    await expect(oidc.authorizationCodeGrant(hubRp, callbackUrl, checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    expect((await oidc.tokenIntrospection(hubRp, tokens.access_token)).active).toBe(false);
    expect((await oidc.tokenIntrospection(hubRp, tokens.refresh_token as string)).active).toBe(false);
    await expect(oidc.refreshTokenGrant(hubRp, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses an unregistered redirect_uri at /auth with a 400 page instead of redirecting to it', async () => {
    const evil = 'http://127.0.0.1:9/evil/callback';
    const url = oidc.buildAuthorizationUrl(hubRp, {
      redirect_uri: evil,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: oidc.randomState(),
    });
    const answer = await authorize(url);
    expect(answer.status).toBe(400);
    expect(answer.location).toBeUndefined();
    expect(answer.body).toMatch(/<h1[^>]*>Something went wrong<\/h1>/);
    expect(answer.body).toMatch(/redirect_uri/);
    expect(answer.body).not.toContain(evil);
  });

  it('refuses an authorization request of the portal (require_pkce) without PKCE, or with the plain method, with invalid_request', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const variants: Record<string, Record<string, string>> = {
      'no code_challenge': {},
      'code_challenge_method=plain': { code_challenge: verifier, code_challenge_method: 'plain' },
    };
    for (const [variant, pkce] of Object.entries(variants)) {
      const state = oidc.randomState();
      const url = oidc.buildAuthorizationUrl(hubRp, {
        redirect_uri: idp.hub.redirectUri,
        scope: 'openid',
        state,
        ...pkce,
      });
      const answer = await authorize(url);
      expect(answer.status, variant).toBeGreaterThanOrEqual(300);
      expect(answer.status, variant).toBeLessThan(400);
      const back = answer.location as URL;
      expect(`${back.origin}${back.pathname}`, variant).toBe(idp.hub.redirectUri);
      expect(back.searchParams.get('error'), variant).toBe('invalid_request');
      expect(back.searchParams.get('error_description'), variant).toMatch(/PKCE|code_challenge/);
      expect(back.searchParams.get('state'), variant).toBe(state);
      expect(back.searchParams.has('code'), variant).toBe(false);
    }
  });

  it('refuses a token exchange with the wrong code_verifier with invalid_grant', async () => {
    const { request, callbackUrl } = await callbackFor('wrong.verifier@example.org');
    await expect(
      oidc.authorizationCodeGrant(hubRp, callbackUrl, {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('makes tampered or unsigned tokens fail verification against the JWKS and at userinfo', async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, {
      identifier: 'tamper@example.org',
      scope: 'openid profile bills:read',
      resource: HUB_API,
    });
    const idToken = tokens.id_token as string;
    const accessToken = tokens.access_token;
    const jwks = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const idTokenOptions = { issuer: idp.issuer, audience: idp.hub.id };
    const accessTokenOptions = { issuer: idp.issuer, audience: HUB_API, typ: 'at+jwt' };
    // The untouched tokens verify, so every refusal below is the tampering's doing.
    await expect(jwtVerify(idToken, jwks, idTokenOptions)).resolves.toBeDefined();
    await expect(jwtVerify(accessToken, jwks, accessTokenOptions)).resolves.toBeDefined();

    const badSignature = joseErrors.JWSSignatureVerificationFailed;
    await expect(jwtVerify(flipCharacter(idToken, 2), jwks, idTokenOptions)).rejects.toThrow(badSignature);
    await expect(jwtVerify(flipCharacter(accessToken, 2), jwks, accessTokenOptions)).rejects.toThrow(badSignature);
    await expect(jwtVerify(flipCharacter(idToken, 1), jwks, idTokenOptions)).rejects.toThrow();
    const otherSubject = withPayload(idToken, { sub: 'someone-else' });
    await expect(jwtVerify(otherSubject, jwks, idTokenOptions)).rejects.toThrow(badSignature);
    const moreScope = withPayload(accessToken, { scope: 'bills:read payments:write' });
    await expect(jwtVerify(moreScope, jwks, accessTokenOptions)).rejects.toThrow(badSignature);

    const unsignedAccessToken = unsigned(accessToken, 'at+jwt');
    const unsignedIdToken = unsigned(idToken, 'JWT');
    await expect(jwtVerify(unsignedAccessToken, jwks, accessTokenOptions)).rejects.toThrow(joseErrors.JOSEError);
    await expect(jwtVerify(unsignedIdToken, jwks, idTokenOptions)).rejects.toThrow(joseErrors.JOSEError);

    const userinfo = (token: string) =>
      fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${token}` } }).then(async (res) => ({
        status: res.status,
        challenge: res.headers.get('www-authenticate') ?? '',
      }));
    // Userinfo answers a genuine token of its own (opaque) ...
    const { tokens: plain } = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'tamper@example.org' });
    expect((await userinfo(plain.access_token)).status).toBe(200);
    // ... and no forged one, even one that claims the issuer as its audience.
    const unsignedForIssuer = unsigned(
      withPayload(accessToken, { aud: idp.issuer, scope: 'openid profile' }),
      'at+jwt',
    );
    const forgeries = [
      unsignedAccessToken,
      unsignedForIssuer,
      unsignedIdToken,
      flipCharacter(accessToken, 2),
      moreScope,
    ];
    for (const forged of forgeries) {
      const answer = await userinfo(forged);
      expect(answer.status).toBe(401);
      expect(answer.challenge).toMatch(/error="invalid_token"/);
    }
  });

  it('answers access_denied at the redirect_uri of a third-party client whose consent the citizen declines', async () => {
    const browser = browserFor();
    const request = await authorizationRequest(partnerRp, idp.partner);
    let page = await browser.go(request.url.href);
    page = await browser.submit(page, '/identify', { identifier: 'declines@example.org' });
    page = await browser.submit(page, '/verify', { code: await idp.latestCode('declines@example.org') });
    page = await browser.submit(page, '/register', { name: 'Declining Citizen' });
    expect(title(page)).toBe('Allow access');
    expect(page.html).toContain('Partner Portal');

    const back = await browser.submit(page, '/abort');
    expect(back.status).toBe(0);
    const callback = new URL(back.url);
    expect(`${callback.origin}${callback.pathname}`).toBe(idp.partner.redirectUri);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(request.state);
    expect(callback.searchParams.has('code')).toBe(false);
    await expect(
      oidc.authorizationCodeGrant(partnerRp, callback, {
        pkceCodeVerifier: request.verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it("does not reveal one client's token to another client's introspection", async () => {
    const { tokens } = await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'introspect@example.org' });
    const byOwner = await oidc.tokenIntrospection(hubRp, tokens.access_token);
    expect(byOwner).toMatchObject({ active: true, client_id: idp.hub.id });

    for (const token of [tokens.access_token, tokens.refresh_token as string]) {
      const byOther = await oidc.tokenIntrospection(partnerRp, token);
      expect(byOther.active).toBe(false);
      expect(byOther.sub).toBeUndefined();
      expect(byOther.client_id).toBeUndefined();
    }
  });

  it('serves the dev messages route outside production', async () => {
    await login(idp, browserFor(), hubRp, idp.hub, { identifier: 'dev.inbox@example.org' });
    const res = await fetch(`${idp.issuer}/__dev/messages?to=dev.inbox@example.org`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const messages = (await res.json()) as { to: string; text: string }[];
    expect(messages).toHaveLength(1);
    expect(messages[0]?.to).toBe('dev.inbox@example.org');
  });
});

describe('the idp in production mode', () => {
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp({ NODE_ENV: 'production' });
  });
  afterAll(() => idp.close());

  it('has no dev messages route', async () => {
    const rp = await relyingParty(idp, idp.hub);
    await login(idp, new Browser([idp.hub.redirectUri]), rp, idp.hub, { identifier: 'prod.inbox@example.org' });
    // The code was captured (the route would have something to show) ...
    expect(await idp.messages('prod.inbox@example.org')).toHaveLength(1);
    // ... but nothing serves it.
    const res = await fetch(`${idp.issuer}/__dev/messages?to=prod.inbox@example.org`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('sign-in code');
  });

  it('has no registration endpoint without IDP_REGISTRATION_TOKEN', async () => {
    const meta = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(meta.registration_endpoint).toBeUndefined();
    const res = await fetch(`${idp.issuer}/reg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:9/dyn/callback'] }),
    });
    expect(res.status).toBe(404);
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  const registrationToken = randomBytes(32).toString('base64url');
  const redirectUri = 'http://127.0.0.1:9/dynamic/callback';
  const metadata = {
    client_name: 'Dynamic Client',
    redirect_uris: [redirectUri],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  let idp: TestIdp;
  let registrationEndpoint: string;

  beforeAll(async () => {
    idp = await startTestIdp({ IDP_REGISTRATION_TOKEN: registrationToken, OTP_SENDS_PER_IP_PER_HOUR: '1000' });
    const rp = await relyingParty(idp, idp.hub);
    registrationEndpoint = rp.serverMetadata().registration_endpoint as string;
  });
  afterAll(() => idp.close());

  const register = (body: unknown, token?: string) =>
    fetch(registrationEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  it('refuses a registration without the initial access token, or with a wrong one, with 401', async () => {
    expect(registrationEndpoint).toBe(`${idp.issuer}/reg`);
    for (const token of [undefined, 'x'.repeat(43), `${registrationToken}x`]) {
      const res = await register(metadata, token);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
    }
  });

  it('registers a client with the initial access token that can then sign a citizen in', async () => {
    const res = await register(metadata, registrationToken);
    expect(res.status).toBe(201);
    const registered = (await res.json()) as { client_id: string; client_secret: string; first_party?: unknown };
    expect(registered.client_id).toBeTruthy();
    expect(registered.client_secret.length).toBeGreaterThanOrEqual(32);
    expect(registered.first_party).toBeUndefined();

    const client: TestClient = {
      id: registered.client_id,
      secret: registered.client_secret,
      redirectUri,
      postLogoutRedirectUri: redirectUri,
    };
    const rp = await relyingParty(idp, client);
    const { tokens } = await login(idp, new Browser([redirectUri]), rp, client, {
      identifier: 'dynamic@example.org',
      scope: 'openid profile',
      name: 'Dynamic Citizen',
    });
    expect(tokens.claims()).toMatchObject({ iss: idp.issuer, aud: client.id });
    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()?.sub as string);
    expect(userinfo.name).toBe('Dynamic Citizen');
  });

  it('accepts a registration made by openid-client with the initial access token, as client_secret_basic', async () => {
    const rp = await oidc.dynamicClientRegistration(new URL(idp.issuer), metadata, undefined, {
      initialAccessToken: registrationToken,
      execute: [oidc.allowInsecureRequests],
    });
    expect(rp.clientMetadata().client_id).toBeTruthy();
    expect(rp.clientMetadata().token_endpoint_auth_method).toBe('client_secret_basic');
  });

  it('refuses a registration that claims first_party with invalid_client_metadata', async () => {
    for (const firstParty of [true, false]) {
      const res = await register({ ...metadata, first_party: firstParty }, registrationToken);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('invalid_client_metadata');
    }
  });
});
