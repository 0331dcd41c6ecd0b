import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClients } from '../../idp/provider/clients.js';
import { clientCredentialsAnswer, type MachineClient, machineClient, machineParty } from '../hub-api/machine-client.js';
import { Browser } from './support/browser.js';
import { login, relyingParty } from './support/relying-party.js';
import { HUB_API, startTestIdp, type TestIdp } from './support/test-idp.js';

describe('client credentials for machine clients', () => {
  const registrationToken = randomBytes(32).toString('base64url');
  const bulk: MachineClient = machineClient('provider-bulk');
  let idp: TestIdp;

  beforeAll(async () => {
    idp = await startTestIdp(
      { ...bulk.env, IDP_REGISTRATION_TOKEN: registrationToken, OTP_SENDS_PER_IP_PER_HOUR: '1000' },
      { extraClients: [bulk.entry] },
    );
  });
  afterAll(() => idp.close());

  it('issues an at+jwt for the hub whose subject is the client, marked gty=client_credentials, with the asked scope and no refresh token', async () => {
    const tokens = await oidc.clientCredentialsGrant(await machineParty(idp, bulk), {
      scope: 'billers:read',
      resource: HUB_API,
    });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.id_token).toBeUndefined();
    expect(tokens.scope).toBe('billers:read');
    // The hub's access token lifetime (IDP_ACCESS_TOKEN_TTL_SECONDS, 15 minutes by default).
    expect(tokens.expires_in).toBeGreaterThan(0);
    expect(tokens.expires_in).toBeLessThanOrEqual(900);
    const { payload, protectedHeader } = await jwtVerify(
      tokens.access_token,
      createRemoteJWKSet(new URL(`${idp.issuer}/jwks`)),
      { issuer: idp.issuer, audience: HUB_API },
    );
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({
      sub: bulk.id,
      client_id: bulk.id,
      scope: 'billers:read',
      gty: 'client_credentials',
      client_name: 'Machine provider-bulk',
    });
    // No account is behind it: none of a citizen's claims.
    for (const claim of ['email', 'phone_number', 'name', 'amr']) expect(payload).not.toHaveProperty(claim);
  });

  it('refuses a request without a resource with invalid_target, with or without a scope', async () => {
    for (const params of [{}, { scope: 'billers:read' }] as Record<string, string>[]) {
      const answer = await clientCredentialsAnswer(idp, bulk, params);
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.body.error).toBe('invalid_target');
    }
  });

  it('refuses another resource with invalid_target', async () => {
    const answer = await clientCredentialsAnswer(idp, bulk, {
      scope: 'billers:read',
      resource: 'http://127.0.0.1:9/other-api',
    });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it("refuses a citizen's scope, an OpenID scope or an unknown one with invalid_scope, even beside an allowed scope", async () => {
    for (const scope of [
      'bills:read',
      'payments:write',
      'accounts:write',
      'payments:read',
      'billers:read bills:read',
      'openid',
      'billers:write',
    ]) {
      const answer = await clientCredentialsAnswer(idp, bulk, { scope, resource: HUB_API });
      expect(answer, scope).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
      expect(answer.body).not.toHaveProperty('access_token');
    }
  });

  it('refuses a request that asks for no scope with invalid_scope naming the allowed ones', async () => {
    const answer = await clientCredentialsAnswer(idp, bulk, { resource: HUB_API });
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    expect(String(answer.body.error_description)).toContain('billers:read');
  });

  it('refuses the grant to a client not registered for it (the partner portal)', async () => {
    const partner = await relyingParty(idp, idp.partner);
    // oidc-provider answers invalid_request (RFC 6749 would say unauthorized_client); either way, no token.
    await expect(
      oidc.clientCredentialsGrant(partner, { scope: 'billers:read', resource: HUB_API }),
    ).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/grant type/) });
  });

  it('refuses a machine client with a wrong secret with invalid_client', async () => {
    const answer = await clientCredentialsAnswer(
      idp,
      { ...bulk, secret: randomBytes(32).toString('base64url') },
      { scope: 'billers:read', resource: HUB_API },
    );
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it("never puts a client scope in a citizen's token, nor the client credentials mark", async () => {
    const hubRp = await relyingParty(idp, idp.hub);
    const { tokens } = await login(idp, new Browser([idp.hub.redirectUri]), hubRp, idp.hub, {
      identifier: 'machine.scope@example.org',
      scope: 'openid bills:read billers:read',
      resource: HUB_API,
    });
    const payload = decodeJwt(tokens.access_token);
    expect(payload.scope).toBe('bills:read');
    expect(payload).not.toHaveProperty('gty');
    expect(payload.sub).not.toBe(payload.client_id);
  });

  it('lets no dynamically registered client take the client_credentials grant or a client scope list', async () => {
    for (const metadata of [
      { grant_types: ['client_credentials'], response_types: [], redirect_uris: [] },
      { redirect_uris: ['http://127.0.0.1:9/reg/callback'], client_credentials_scopes: ['billers:read'] },
    ]) {
      const res = await fetch(`${idp.issuer}/reg`, {
        method: 'POST',
        headers: { authorization: `Bearer ${registrationToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ token_endpoint_auth_method: 'client_secret_basic', ...metadata }),
      });
      expect(res.status, JSON.stringify(metadata)).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_client_metadata' });
    }
  });
});

describe('machine clients in the clients file', () => {
  const withFile = (clients: unknown[], check: (file: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'machine-clients-'));
    try {
      const file = join(dir, 'clients.json');
      writeFileSync(file, JSON.stringify({ clients }));
      check(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const secret = randomBytes(32).toString('base64url');
  const machine = {
    client_id: 'ops-tool',
    client_secret_env: 'OPS_TOOL_SECRET',
    grant_types: ['client_credentials'],
    client_credentials_scopes: ['billers:read'],
  };

  it('loads a machine client without redirect URIs or response types, its secret from the environment', () => {
    withFile([machine], (file) => {
      expect(loadClients(file, { OPS_TOOL_SECRET: secret })).toEqual([
        {
          client_id: 'ops-tool',
          token_endpoint_auth_method: 'client_secret_basic',
          redirect_uris: [],
          post_logout_redirect_uris: [],
          grant_types: ['client_credentials'],
          client_credentials_scopes: ['billers:read'],
          first_party: false,
          client_secret: secret,
          response_types: [],
        },
      ]);
    });
  });

  it('refuses a machine client with a citizen scope, without its scope list, public, or with redirect URIs', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...machine, client_credentials_scopes: ['bills:read'] }, /client_credentials_scopes/],
      [{ ...machine, client_credentials_scopes: undefined }, /client_credentials_scopes/],
      [{ ...machine, token_endpoint_auth_method: 'none' }, /token_endpoint_auth_method/],
      [{ ...machine, redirect_uris: ['http://127.0.0.1:9/cb'] }, /redirect_uris/],
      [{ ...machine, grant_types: ['authorization_code'] }, /redirect_uris/],
    ];
    for (const [client, message] of bad) {
      withFile([client], (file) => {
        expect(() => loadClients(file, { OPS_TOOL_SECRET: secret }), JSON.stringify(client)).toThrow(message);
      });
    }
  });

  it('loads idp/clients.example.json, with its machine client, from the secrets npm start generates', () => {
    const env = Object.fromEntries(
      [
        'HUB_OIDC_CLIENT_SECRET',
        'PARTNER_OIDC_CLIENT_SECRET',
        'PROVIDER_API_CLIENT_SECRET',
        'OPERATOR_OIDC_CLIENT_SECRET',
      ].map((name) => [name, randomBytes(32).toString('base64url')]),
    );
    const clients = loadClients('idp/clients.example.json', env);
    expect(clients.find((client) => client.client_id === 'provider-bulk-api')).toMatchObject({
      grant_types: ['client_credentials'],
      client_credentials_scopes: ['billers:read', 'demands:write', 'demands:read'],
      response_types: [],
      client_secret: env.PROVIDER_API_CLIENT_SECRET,
    });
  });
});
