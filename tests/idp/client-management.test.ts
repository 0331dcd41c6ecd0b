import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relyingParty } from './support/relying-party.js';
import { startTestIdp, type TestIdp } from './support/test-idp.js';

/** What the registration endpoint answers (RFC 7591 §3.2.1, RFC 7592 §3). */
interface Registered {
  client_id: string;
  client_name?: string;
  redirect_uris: string[];
  registration_access_token: string;
  registration_client_uri: string;
}

describe('registered clients manage themselves (RFC 7592)', () => {
  const registrationToken = randomBytes(32).toString('base64url');
  const redirectUri = 'http://127.0.0.1:9/managed/callback';
  let idp: TestIdp;
  let registrationEndpoint: string;

  beforeAll(async () => {
    idp = await startTestIdp({ IDP_REGISTRATION_TOKEN: registrationToken });
    registrationEndpoint = (await relyingParty(idp, idp.hub)).serverMetadata().registration_endpoint as string;
  });
  afterAll(() => idp.close());

  const call = (url: string, token: string, method = 'GET', body?: unknown) =>
    fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('reads itself, updates itself with a new registration access token, then deletes itself', async () => {
    const created = await call(registrationEndpoint, registrationToken, 'POST', {
      client_name: 'Ward Office Portal',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(created.status).toBe(201);
    const client = (await created.json()) as Registered;
    expect(client.registration_client_uri).toBe(`${idp.issuer}/reg/${client.client_id}`);

    const read = await call(client.registration_client_uri, client.registration_access_token);
    expect(read.status).toBe(200);
    expect(((await read.json()) as Registered).client_name).toBe('Ward Office Portal');
    expect((await call(client.registration_client_uri, 'not-the-token')).status).toBe(401);

    const updated = await call(client.registration_client_uri, client.registration_access_token, 'PUT', {
      client_id: client.client_id,
      client_name: 'Ward Office Services',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(updated.status).toBe(200);
    const after = (await updated.json()) as Registered;
    expect(after.client_name).toBe('Ward Office Services');
    expect(after.registration_access_token).not.toBe(client.registration_access_token);
    // The replaced token no longer works; the new one does.
    expect((await call(client.registration_client_uri, client.registration_access_token)).status).toBe(401);

    const deleted = await call(client.registration_client_uri, after.registration_access_token, 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await call(client.registration_client_uri, after.registration_access_token)).status).toBe(401);
  });
});
