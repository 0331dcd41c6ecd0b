import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';

/**
 * The scopes the hub's API understands, each allowing exactly what its consent text says:
 * `bills:read` reads the biller directory's bills, saved accounts and dues; `accounts:write` links
 * and unlinks saved accounts; `payments:read` reads payments and receipts; `payments:write` makes
 * payments (checkouts) and asks the gateway for their state. The hub's routes name them
 * (hub/api/routes).
 */
export const HUB_API_SCOPES = ['bills:read', 'accounts:write', 'payments:write', 'payments:read'] as const;

/**
 * RFC 8707 resource indicators: a token asked for the hub's API is a JWT (RFC 9068) with the
 * API as its audience and only the API's scopes; any other resource is refused.
 */
export function resourceIndicators(hubApiResource: string, accessTokenTtlSeconds: number) {
  return {
    enabled: true,
    // A client that asked for one resource at /auth need not repeat it at /token.
    defaultResource: async (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: readonly string[]) => oneOf?.[0],
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string): Promise<ResourceServer> => {
      if (indicator !== hubApiResource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
      return {
        scope: HUB_API_SCOPES.join(' '),
        audience: hubApiResource,
        accessTokenTTL: accessTokenTtlSeconds,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}
