import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** The hub's API resource in these tests: the audience of every token minted here. */
export const TEST_RESOURCE = 'http://127.0.0.1:9/api';

/** The acr the idp gives an operator who signed in with the authenticator app (contracts: code-and-app). */
export const OPERATOR_ACR = 'urn:citizen-billpay:acr:code-and-app';

export interface TestTokens {
  issuer: string;
  jwksUrl: string;
  /** A citizen's access token (the portal's scopes). */
  citizen: (sub: string) => Promise<string>;
  /** An operator's access token as the idp issues it to the operator console. */
  operator: (sub: string, extra?: JWTPayload) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Stands in for the idp (like bench/hub/tokens.ts): a key served as a JWKS on a loopback port and
 * RFC 9068 access tokens signed with it, of a citizen or of an operator (roles ["operator"], acr
 * code-and-app, ops scopes).
 */
export async function startTestTokens(): Promise<TestTokens> {
  const kid = `metrics-${randomBytes(4).toString('hex')}`;
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  const server = createServer((req, res) => {
    if (req.url === '/jwks') res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks);
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (sub: string, claims: JWTPayload) =>
    new SignJWT({ jti: randomBytes(12).toString('base64url'), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(TEST_RESOURCE)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    citizen: (sub) =>
      sign(sub, { client_id: 'hub-portal', scope: 'bills:read accounts:write payments:read payments:write' }),
    operator: (sub, extra = {}) =>
      sign(sub, {
        client_id: 'operator-console',
        scope: 'ops:read ops:write',
        roles: ['operator'],
        operator_team: 'BillPay Operations',
        acr: OPERATOR_ACR,
        name: 'Asha Operator',
        ...extra,
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
