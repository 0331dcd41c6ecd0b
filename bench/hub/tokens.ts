import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const CITIZEN_SCOPE = 'bills:read payments:read payments:write';

export interface TokenIssuer {
  /** The `iss` of the tokens; the hub's IDP_ISSUER. */
  issuer: string;
  /** The hub's IDP_JWKS_URL. */
  jwksUrl: string;
  /** How many times the JWKS was fetched (the hub caches it: about once per process). */
  jwksFetches: () => number;
  /** An RFC 9068 access token, as the idp would issue it for the hub's API (`claims`: more of the idp's, e.g. a verified email). */
  mint: (sub: string, audience: string, claims?: Record<string, unknown>) => Promise<string>;
  close: () => Promise<void>;
}

/**
 * Stands in for the idp: an RS256 key from jose, its public half served as a JWKS on a loopback
 * port, and access tokens signed with it. No idp process, so none of its CPU in the numbers.
 */
export async function startTokenIssuer(): Promise<TokenIssuer> {
  const kid = `bench-${randomBytes(4).toString('hex')}`;
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/jwks') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(jwks);
      return;
    }
    res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const mint = (sub: string, audience: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims, scope: CITIZEN_SCOPE, client_id: 'bench-hub', jti: randomBytes(12).toString('base64url') })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject(sub)
      .setIssuedAt()
      // Longer than any run, so no token lapses mid-measurement.
      .setExpirationTime('2h')
      .sign(privateKey);

  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    jwksFetches: () => fetches,
    mint,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
