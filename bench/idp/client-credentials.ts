import type { HttpClient } from './http-client.js';
import type { MachineBenchClient } from './login-flow.js';

export interface ClientCredentialsTarget {
  tokenEndpoint: URL;
  client: MachineBenchClient;
  /** The resource indicator the token is for (the hub's API). */
  resource: string;
}

/**
 * One client_credentials grant with client_secret_basic, as a machine client (a provider's bulk
 * upload) asks for its own JWT access token for the hub's API. Throws unless it gets one.
 */
export async function clientCredentialsOnce(http: HttpClient, target: ClientCredentialsTarget): Promise<void> {
  const { client } = target;
  const res = await http.send(target.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      scope: client.scope,
      resource: target.resource,
    }).toString(),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
  const body = JSON.parse(res.body) as { access_token?: string };
  if (!body.access_token) throw new Error('client credentials answer without access_token');
}
