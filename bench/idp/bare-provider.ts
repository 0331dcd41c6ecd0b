import { randomBytes, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { redisAdapterFactory } from '../../idp/provider/redis-adapter.js';
import type { Redis } from '../../infra/redis.js';
import type { BenchClient, MachineBenchClient } from './login-flow.js';

const SESSION_TTL = 14 * 24 * 3600;

export interface BareOptions {
  issuer: string;
  redis: Redis;
  client: BenchClient;
  /** Gets JWT access tokens for `resource` by client credentials, like the idp's machine clients. */
  machine: MachineBenchClient;
  /** The hub API's resource indicator (HUB_API_RESOURCE). */
  resource: string;
  cookieKey: string;
}

/**
 * oidc-provider with nothing of ours but the Redis adapter: the same client, scopes, claims,
 * TTLs, PKCE and refresh-token rotation as the idp, one RS256 key, a findAccount that touches no
 * database, no Koa middleware of our own; client credentials for one machine client, issuing the
 * same RS256 JWT access tokens (RFC 9068) for the hub's API as the idp (resource indicators).
 * What the token endpoint costs before our code.
 */
export async function createBareProvider({
  issuer,
  redis,
  client,
  machine,
  resource,
  cookieKey,
}: BareOptions): Promise<Provider> {
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const key = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: 'RS256', use: 'sig' };
  const configuration: Configuration = {
    adapter: redisAdapterFactory(redis),
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
      {
        client_id: machine.id,
        client_secret: machine.secret,
        redirect_uris: [],
        grant_types: ['client_credentials'],
        response_types: [],
      },
    ],
    jwks: { keys: [key as never] },
    cookies: { keys: [cookieKey] },
    claims: {
      openid: ['sub'],
      profile: ['name'],
      email: ['email', 'email_verified'],
      phone: ['phone_number', 'phone_number_verified'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'phone'],
    findAccount: async (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, name: 'Bench Citizen', email: `${sub}@example.org`, email_verified: true }),
    }),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: machine.scope,
          audience: resource,
          accessTokenTTL: 900,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: 900,
      ClientCredentials: 900,
      AuthorizationCode: 60,
      IdToken: 3600,
      Interaction: 3600,
      Session: SESSION_TTL,
      Grant: SESSION_TTL,
      RefreshToken: SESSION_TTL,
    },
  };
  return new Provider(issuer, configuration);
}

/**
 * Refresh tokens as the authorization_code grant would have issued them after a login, written
 * straight through the provider's models: a session that holds the grant (the tokens are bound
 * to it, like the idp's tokens without offline_access), the grant with the OIDC scopes, and the
 * refresh token.
 */
export async function mintRefreshTokens(
  provider: Provider,
  clientId: string,
  scope: string,
  count: number,
): Promise<string[]> {
  const client = await provider.Client.find(clientId);
  if (!client) throw new Error(`client ${clientId} is not configured`);
  const now = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const accountId = `bare-${randomUUID()}`;
    const grant = new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();

    const session = new provider.Session();
    session.loginAccount({ accountId, amr: ['otp'], loginTs: now });
    const sid = randomUUID();
    session.sidFor(clientId, sid);
    session.grantIdFor(clientId, grantId);
    await session.save(SESSION_TTL);

    const refreshToken = new provider.RefreshToken({
      accountId,
      amr: ['otp'],
      authTime: now,
      client,
      expiresWithSession: true,
      grantId,
      gty: 'authorization_code',
      nonce: randomBytes(32).toString('base64url'),
      rotations: 0,
      scope,
      sessionUid: session.uid,
      sid,
    });
    tokens.push(await refreshToken.save());
  }
  return tokens;
}
