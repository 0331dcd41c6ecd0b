import { once } from 'node:events';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

/** The acr the idp gives a sign-in with the authenticator app (an operator's token must carry it). */
export const CODE_AND_APP = 'urn:citizen-billpay:acr:code-and-app';

export interface TokenSigner {
  /** Serves `/jwks`: the hub's access-token check fetches `${issuer}/jwks`. */
  issuer: string;
  sign(claims: JWTPayload): Promise<string>;
  /** An operator's hub token as the contract has it: `roles: ["operator"]`, acr code-and-app, ops scopes. */
  operator(extra?: JWTPayload): Promise<string>;
  /** A citizen's hub token with the same scopes asked for: not an operator. */
  citizen(extra?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** A test idp in miniature: its own signing key, a JWKS endpoint, and RFC 9068 access tokens for `audience`. */
export async function startTokenSigner(audience: string): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'ops-test', alg: 'RS256', use: 'sig' };
  const server: Server = http.createServer((req, res) => {
    if (req.url === '/jwks')
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (claims: JWTPayload) =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'ops-test', typ: 'at+jwt' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
  return {
    issuer,
    sign,
    operator: (extra = {}) =>
      sign({
        sub: 'ops-asha',
        client_id: 'operator-console',
        scope: 'ops:read ops:write',
        roles: ['operator'],
        operator_team: 'BillPay Operations',
        acr: CODE_AND_APP,
        name: 'Asha Ops',
        ...extra,
      }),
    citizen: (extra = {}) =>
      sign({ sub: 'citizen-ravi', client_id: 'hub-portal', scope: 'ops:read ops:write payments:read', ...extra }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
