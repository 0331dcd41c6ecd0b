import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdpConfig } from '../../idp/config.js';
import { loadClients } from '../../idp/provider/clients.js';
import { ConfigError } from '../../infra/config.js';
import { Browser } from './support/browser.js';
import { authorizationRequest, completeInteraction, login, relyingParty } from './support/relying-party.js';
import { startTestIdp, type TestClient, type TestIdp } from './support/test-idp.js';

const secret = () => randomBytes(32).toString('base64url');

/** A client of the clients file beside the harness's hub-portal and partner-portal. */
function extraClient(id: string): TestClient {
  return {
    id,
    secret: secret(),
    redirectUri: `http://127.0.0.1:9/${id}/callback`,
    postLogoutRedirectUri: `http://127.0.0.1:9/${id}/`,
  };
}

/** openid-client for a client without a secret (token_endpoint_auth_method none). */
function publicRelyingParty(idp: TestIdp, client: TestClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(idp.issuer), client.id, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** An authorization request for a code without code_challenge, or with the given PKCE parameters. */
function requestWithoutS256(rp: oidc.Configuration, client: TestClient, pkce: Record<string, string> = {}) {
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: client.redirectUri,
    scope: 'openid profile',
    state,
    nonce,
    ...pkce,
  });
  return { url, state, nonce };
}

/** Where the idp's /auth answer sends the browser, without following it. */
async function authorize(url: URL) {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location ? new URL(location, url) : undefined };
}

/** The request was sent back to the client's redirect_uri with invalid_request about PKCE, and no code. */
async function expectPkceRefusal(url: URL, client: TestClient, state: string, variant = '') {
  const answer = await authorize(url);
  expect(answer.status, variant).toBeGreaterThanOrEqual(300);
  expect(answer.status, variant).toBeLessThan(400);
  const back = answer.location as URL;
  expect(`${back.origin}${back.pathname}`, variant).toBe(client.redirectUri);
  expect(back.searchParams.get('error'), variant).toBe('invalid_request');
  expect(back.searchParams.get('error_description'), variant).toMatch(/PKCE|code_challenge/);
  expect(back.searchParams.get('state'), variant).toBe(state);
  expect(back.searchParams.has('code'), variant).toBe(false);
}

/** Signs a citizen in without PKCE up to the client's callback, and exchanges the code without a verifier. */
async function loginWithoutPkce(idp: TestIdp, rp: oidc.Configuration, client: TestClient, identifier: string) {
  const browser = new Browser([client.redirectUri]);
  const request = requestWithoutS256(rp, client);
  const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), { identifier });
  expect(callback.url.startsWith(client.redirectUri)).toBe(true);
  return oidc.authorizationCodeGrant(rp, new URL(callback.url), {
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
}

describe('PKCE policy by default (IDP_REQUIRE_PKCE unset: public clients)', () => {
  const registrationToken = secret();
  const strict = extraClient('strict-partner');
  const publicApp = extraClient('public-app');
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;
  let strictRp: oidc.Configuration;
  let publicRp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp(
      {
        OTP_SENDS_PER_IP_PER_HOUR: '1000',
        IDP_REGISTRATION_TOKEN: registrationToken,
        TEST_STRICT_SECRET: strict.secret,
      },
      {
        extraClients: [
          {
            client_id: strict.id,
            client_secret_env: 'TEST_STRICT_SECRET',
            redirect_uris: [strict.redirectUri],
            require_pkce: true,
          },
          { client_id: publicApp.id, token_endpoint_auth_method: 'none', redirect_uris: [publicApp.redirectUri] },
        ],
      },
    );
    partnerRp = await relyingParty(idp, idp.partner);
    strictRp = await relyingParty(idp, strict);
    publicRp = await publicRelyingParty(idp, publicApp);
  });
  afterAll(() => idp?.close());

  it('a confidential client completes the code flow without PKCE and gets tokens', async () => {
    const tokens = await loginWithoutPkce(idp, partnerRp, idp.partner, 'no.pkce@example.org');
    expect(tokens.claims()).toMatchObject({ iss: idp.issuer, aud: idp.partner.id });
    const info = await oidc.fetchUserInfo(partnerRp, tokens.access_token, tokens.claims()?.sub as string);
    expect(info.sub).toBe(tokens.claims()?.sub);
  });

  it('a confidential client that sent a code_challenge is refused at the token endpoint with a wrong code_verifier or none', async () => {
    for (const [variant, verifier] of [
      ['wrong code_verifier', oidc.randomPKCECodeVerifier()],
      ['no code_verifier', undefined],
    ] as const) {
      const browser = new Browser([idp.partner.redirectUri]);
      const request = await authorizationRequest(partnerRp, idp.partner);
      const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), {
        identifier: `sent.challenge.${verifier ? 'wrong' : 'none'}@example.org`,
      });
      expect(callback.url.startsWith(idp.partner.redirectUri), variant).toBe(true);
      await expect(
        oidc.authorizationCodeGrant(partnerRp, new URL(callback.url), {
          ...(verifier ? { pkceCodeVerifier: verifier } : {}),
          expectedState: request.state,
          expectedNonce: request.nonce,
        }),
        variant,
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    }
  });

  it('a code_verifier sent for a code issued without code_challenge is refused with invalid_grant (PKCE downgrade, RFC 9700 §4.8)', async () => {
    const browser = new Browser([idp.partner.redirectUri]);
    const request = requestWithoutS256(partnerRp, idp.partner);
    const callback = await completeInteraction(idp, browser, await browser.go(request.url.href), {
      identifier: 'late.verifier@example.org',
    });
    expect(callback.url.startsWith(idp.partner.redirectUri)).toBe(true);
    await expect(
      oidc.authorizationCodeGrant(partnerRp, new URL(callback.url), {
        pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
        expectedState: request.state,
        expectedNonce: request.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a confidential client with require_pkce true in the clients file is refused without PKCE, and signs in with S256', async () => {
    const request = requestWithoutS256(strictRp, strict);
    await expectPkceRefusal(request.url, strict, request.state);

    const { tokens } = await login(idp, new Browser([strict.redirectUri]), strictRp, strict, {
      identifier: 'strict.partner@example.org',
      scope: 'openid profile',
    });
    expect(tokens.claims()).toMatchObject({ aud: strict.id });
  });

  it('the portal (require_pkce true, as in clients.example.json) is refused without PKCE', async () => {
    const hubRp = await relyingParty(idp, idp.hub);
    const request = requestWithoutS256(hubRp, idp.hub);
    await expectPkceRefusal(request.url, idp.hub, request.state);
  });

  it('a client registered with require_pkce true is refused without PKCE; a non-boolean require_pkce is refused at registration', async () => {
    const redirectUri = 'http://127.0.0.1:9/registered-strict/callback';
    const register = (extra: Record<string, unknown>) =>
      fetch(`${idp.issuer}/reg`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${registrationToken}` },
        body: JSON.stringify({
          redirect_uris: [redirectUri],
          token_endpoint_auth_method: 'client_secret_basic',
          ...extra,
        }),
      });
    for (const bad of ['true', 1, null]) {
      const res = await register({ require_pkce: bad });
      expect(res.status, String(bad)).toBe(400);
      expect(((await res.json()) as { error: string }).error, String(bad)).toBe('invalid_client_metadata');
    }

    const res = await register({ require_pkce: true });
    expect(res.status).toBe(201);
    const registered = (await res.json()) as { client_id: string; client_secret: string; require_pkce?: unknown };
    expect(registered.require_pkce).toBe(true);
    const client: TestClient = {
      id: registered.client_id,
      secret: registered.client_secret,
      redirectUri,
      postLogoutRedirectUri: redirectUri,
    };
    const rp = await relyingParty(idp, client);
    const request = requestWithoutS256(rp, client);
    await expectPkceRefusal(request.url, client, request.state);
  });

  it('a public client is refused without PKCE and with the plain method, and completes the flow with S256', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const variants: Record<string, Record<string, string>> = {
      'no code_challenge': {},
      'code_challenge_method=plain': { code_challenge: verifier, code_challenge_method: 'plain' },
    };
    for (const [variant, pkce] of Object.entries(variants)) {
      const request = requestWithoutS256(publicRp, publicApp, pkce);
      await expectPkceRefusal(request.url, publicApp, request.state, variant);
    }

    const { tokens } = await login(idp, new Browser([publicApp.redirectUri]), publicRp, publicApp, {
      identifier: 'public.app@example.org',
      scope: 'openid profile',
    });
    expect(tokens.claims()).toMatchObject({ iss: idp.issuer, aud: publicApp.id });
  });
});

describe('PKCE policy with IDP_REQUIRE_PKCE=all', () => {
  let idp: TestIdp;
  let partnerRp: oidc.Configuration;

  beforeAll(async () => {
    idp = await startTestIdp({ OTP_SENDS_PER_IP_PER_HOUR: '1000', IDP_REQUIRE_PKCE: 'all' });
    partnerRp = await relyingParty(idp, idp.partner);
  });
  afterAll(() => idp?.close());

  it('refuses a confidential client without PKCE, and lets it sign in with S256', async () => {
    const request = requestWithoutS256(partnerRp, idp.partner);
    await expectPkceRefusal(request.url, idp.partner, request.state);

    const { tokens } = await login(idp, new Browser([idp.partner.redirectUri]), partnerRp, idp.partner, {
      identifier: 'all.pkce@example.org',
      scope: 'openid profile',
    });
    expect(tokens.claims()).toMatchObject({ aud: idp.partner.id });
  });
});

describe('PKCE settings are validated at start-up', () => {
  const required = {
    MONGODB_URI: 'mongodb://127.0.0.1:27017',
    REDIS_URL: 'redis://127.0.0.1:6379',
    IDP_COOKIE_KEYS: secret(),
    IDP_OTP_SECRET: secret(),
    IDP_DATA_KEY: randomBytes(32).toString('base64'),
  };

  it('IDP_REQUIRE_PKCE is public by default, accepts all, and refuses any other value naming the variable', () => {
    expect(loadIdpConfig(required).IDP_REQUIRE_PKCE).toBe('public');
    expect(loadIdpConfig({ ...required, IDP_REQUIRE_PKCE: 'all' }).IDP_REQUIRE_PKCE).toBe('all');
    for (const bad of ['none', 'confidential', 'ALL', 'true']) {
      const attempt = () => loadIdpConfig({ ...required, IDP_REQUIRE_PKCE: bad });
      expect(attempt, bad).toThrow(ConfigError);
      expect(attempt, bad).toThrow(/IDP_REQUIRE_PKCE/);
    }
  });

  it('the clients file accepts a boolean require_pkce and refuses any other value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pkce-clients-'));
    try {
      const file = join(dir, 'clients.json');
      const write = (requirePkce: unknown) =>
        writeFileSync(
          file,
          JSON.stringify({
            clients: [
              {
                client_id: 'rp-one',
                token_endpoint_auth_method: 'none',
                redirect_uris: ['http://127.0.0.1:9/rp-one/callback'],
                require_pkce: requirePkce,
              },
            ],
          }),
        );
      write(true);
      expect(loadClients(file)[0]).toMatchObject({ client_id: 'rp-one', require_pkce: true });
      for (const bad of ['yes', 1]) {
        write(bad);
        expect(() => loadClients(file), String(bad)).toThrow(/require_pkce/);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
