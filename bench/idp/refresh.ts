import type { HttpClient } from './http-client.js';
import type { BenchClient } from './login-flow.js';

export interface RefreshTarget {
  tokenEndpoint: URL;
  client: BenchClient;
}

const basic = (client: BenchClient) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`;

/**
 * A refresh_token grant with client_secret_basic, as a confidential client sends it. Rotation is
 * on, so the answer's refresh token is the one to use next; returns it.
 */
export async function refreshOnce(http: HttpClient, target: RefreshTarget, refreshToken: string): Promise<string> {
  const res = await http.send(target.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: basic(target.client),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}`,
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.body.slice(0, 200)}`);
  const body = JSON.parse(res.body) as { access_token?: string; refresh_token?: string; id_token?: string };
  if (!body.access_token || !body.refresh_token)
    throw new Error('refresh answer without access_token or refresh_token');
  return body.refresh_token;
}

/**
 * Refresh-token chains for the virtual users: each user keeps rotating its own token; when a chain
 * breaks (an error), the user takes a fresh token from the spare ones.
 */
export class TokenChains {
  private readonly spare: string[];
  private readonly current: (string | undefined)[];

  constructor(tokens: string[], users: number) {
    if (tokens.length < users) throw new Error(`need at least ${users} refresh tokens, got ${tokens.length}`);
    this.current = tokens.slice(0, users);
    this.spare = tokens.slice(users);
  }

  take(user: number): string {
    const token = this.current[user] ?? this.spare.pop();
    if (!token) throw new Error('out of refresh tokens: every chain broke');
    this.current[user] = token;
    return token;
  }

  advance(user: number, next: string): void {
    this.current[user] = next;
  }

  broke(user: number): void {
    this.current[user] = undefined;
  }
}
