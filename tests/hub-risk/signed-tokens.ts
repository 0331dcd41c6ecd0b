import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** The acr an operator's hub token carries: signed in with the one-time code and the authenticator app. */
export const CODE_AND_APP = 'urn:citizen-billpay:acr:code-and-app';

export interface TokenIssuer {
  issuer: string;
  resource: string;
  jwksUrl: string;
  /** A citizen's hub token (the portal's client), with the given scopes. */
  citizen(sub: string, scope?: string): Promise<string>;
  /** An operator's hub token as the idp issues it to the operator console: role, scopes and acr. */
  operator(sub: string, name?: string, extra?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/**
 * Signs hub access tokens itself (its own key, served as a JWKS) in the idp's shape, so hub tests
 * can act as citizens and operators without signing in through the idp.
 */
export async function startTokenIssuer(): Promise<TokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'risk-test', alg: 'RS256', use: 'sig' };
  const server: Server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const resource = `${issuer}/hub-api`;
  const sign = (claims: JWTPayload) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'risk-test', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(resource)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
  return {
    issuer,
    resource,
    jwksUrl: `${issuer}/jwks`,
    citizen: (sub, scope = 'bills:read payments:read payments:write') => sign({ sub, client_id: 'hub-portal', scope }),
    operator: (sub, name = 'Ops One', extra = {}) =>
      sign({
        sub,
        client_id: 'operator-console',
        scope: 'ops:read ops:write',
        roles: ['operator'],
        operator_team: 'BillPay Operations',
        acr: CODE_AND_APP,
        name,
        ...extra,
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
