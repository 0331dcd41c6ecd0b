import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { HUB_API, type TestIdp } from '../idp/support/test-idp.js';

/** A machine client of the clients file: client credentials only, like provider-bulk-api in idp/clients.example.json. */
export interface MachineClient {
  id: string;
  secret: string;
  /** Its entry for startTestIdp's `extraClients`. */
  entry: Record<string, unknown>;
  /** The variable holding its secret, for startTestIdp's env. */
  env: Record<string, string>;
}

/** A confidential client allowed the client_credentials grant with `scopes` (default billers:read). */
export function machineClient(id: string, scopes: string[] = ['billers:read']): MachineClient {
  const variable = `TEST_${id.toUpperCase().replace(/\W/g, '_')}_SECRET`;
  const secret = randomBytes(32).toString('base64url');
  return {
    id,
    secret,
    entry: {
      client_id: id,
      client_name: `Machine ${id}`,
      client_secret_env: variable,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      client_credentials_scopes: scopes,
    },
    env: { [variable]: secret },
  };
}

/** openid-client configured as the machine client (client_secret_basic). */
export function machineParty(idp: TestIdp, client: MachineClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(idp.issuer), client.id, client.secret, oidc.ClientSecretBasic(client.secret), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** A client's own access token for the hub API (HUB_API) with `scope`, by the client credentials grant. */
export async function machineToken(idp: TestIdp, client: MachineClient, scope: string): Promise<string> {
  const tokens = await oidc.clientCredentialsGrant(await machineParty(idp, client), { scope, resource: HUB_API });
  return tokens.access_token;
}

/** The raw answer of the idp's token endpoint to a client credentials request with these parameters. */
export async function clientCredentialsAnswer(idp: TestIdp, client: MachineClient, params: Record<string, string>) {
  const res = await fetch(`${idp.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...params }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
