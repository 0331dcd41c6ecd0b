import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT, LogoutTokenVerifier } from '../../hub/portal/oidc/logout-token.js';
import type { RelyingParty } from '../../hub/portal/oidc/relying-party.js';
import { createRedis, type Redis } from '../../infra/redis.js';
import { uniqueName } from '../support/isolation.js';

const ISSUER = 'http://127.0.0.1:1/idp';
const CLIENT = 'hub-portal';

let server: Server;
let redis: Redis;
let verifier: LogoutTokenVerifier;
let sign: (claims: JWTPayload, header?: Record<string, unknown>) => Promise<string>;
let otherKeySign: (claims: JWTPayload) => Promise<string>;

beforeAll(async () => {
  const idpKeys = await generateKeyPair('RS256');
  const strangerKeys = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(idpKeys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  // The verifier needs only these of the relying party: the idp's keys, issuer and this client.
  const rp = {
    jwksUri: async () => jwksUri,
    issuer: ISSUER,
    clientId: CLIENT,
    idpFetch: fetch,
  } as unknown as RelyingParty;
  redis = createRedis(inject('redisUrl'), { keyPrefix: `${uniqueName('logout')}:` });
  verifier = new LogoutTokenVerifier(rp, redis, 5_000);
  // Valid claims unless a test overrides one.
  const build = (claims: JWTPayload) =>
    new SignJWT({
      iss: ISSUER,
      aud: CLIENT,
      iat: Math.floor(Date.now() / 1000),
      jti: crypto.randomUUID(),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      ...claims,
    });
  sign = (claims, header = {}) =>
    build(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt', ...header })
      .sign(idpKeys.privateKey);
  otherKeySign = (claims) =>
    build(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(strangerKeys.privateKey);
});
afterAll(async () => {
  server?.close();
  await redis?.quit();
});

describe('back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.6)', () => {
  it('a token signed by the idp for this client with the logout event names the session to end', async () => {
    expect(await verifier.verify(await sign({ sub: 'citizen-1', sid: 'sid-1' }))).toEqual({
      sub: 'citizen-1',
      sid: 'sid-1',
    });
  });

  it('the same token twice is refused the second time (jti replay)', async () => {
    const token = await sign({ sub: 'citizen-1' });
    await verifier.verify(token);
    await expect(verifier.verify(token)).rejects.toThrow(/replay/);
  });

  it.each([
    ['another signer', () => otherKeySign({ sub: 'c' })],
    ['another audience', () => sign({ sub: 'c', aud: 'partner-portal' })],
    ['another issuer', () => sign({ sub: 'c', iss: 'http://evil.example' })],
    ['a nonce', () => sign({ sub: 'c', nonce: 'n' })],
    ['no logout event', () => sign({ sub: 'c', events: { 'http://example.com/other': {} } })],
    ['an event that is not an object', () => sign({ sub: 'c', events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } })],
    ['neither sid nor sub', () => sign({})],
    ['an iat an hour old', () => sign({ sub: 'c', iat: Math.floor(Date.now() / 1000) - 3600 })],
    ['an access token type', () => sign({ sub: 'c' }, { typ: 'at+jwt' })],
  ])('a token with %s is refused', async (_what, make) => {
    await expect(verifier.verify(await make())).rejects.toThrow();
  });

  it('no token at all is refused', async () => {
    await expect(verifier.verify('')).rejects.toThrow(/required/);
  });
});
