import { errors, type KoaContextWithOIDC, type ResourceServer } from 'oidc-provider';
import { clientCredentialsScope, isClientCredentialsRequest } from './client-credentials.js';

/**
 * The scopes the hub's API understands for a citizen, each allowing exactly what its consent text
 * says: `bills:read` looks up a bill by consumer number and reads saved accounts and dues (the
 * biller directory is public and needs no scope); `accounts:write` links and unlinks saved
 * accounts; `payments:read` reads payments and receipts; `payments:write` makes payments
 * (checkouts) and asks the gateway for their state. The hub's routes name them
 * (hub/api/routes). They are never in a client credentials token.
 */
export const HUB_API_SCOPES = ['bills:read', 'accounts:write', 'payments:write', 'payments:read'] as const;

/**
 * RFC 8707 resource indicators: a token asked for the hub's API is a JWT (RFC 9068) with the
 * API as its audience and only the API's scopes; any other resource is refused. A citizen's
 * token may carry the citizen scopes, a client credentials token only the scopes its client is
 * allowed (client-credentials.ts), and it must name the resource.
 */
export function resourceIndicators(
  hubApiResource: string,
  accessTokenTtlSeconds: number,
  /** Hub scopes a person's token may carry beyond HUB_API_SCOPES (a provider member's demand scopes). */
  extraPersonScopes: (ctx: KoaContextWithOIDC, clientId: string | undefined) => Promise<string[]> = async () => [],
) {
  return {
    enabled: true,
    // A client that asked for one resource at /auth need not repeat it at /token. A client asking
    // for a token for itself must name the API: without one it would get a token for nothing.
    defaultResource: async (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: readonly string[]) => {
      if (isClientCredentialsRequest(ctx)) {
        throw new errors.InvalidTarget(`client_credentials needs resource=${hubApiResource}`);
      }
      return oneOf?.[0];
    },
    useGrantedResource: async () => true,
    getResourceServerInfo: async (
      ctx: KoaContextWithOIDC,
      indicator: string,
      client?: { [key: string]: unknown },
    ): Promise<ResourceServer> => {
      if (indicator !== hubApiResource) throw new errors.InvalidTarget(`unknown resource ${indicator}`);
      const scope = isClientCredentialsRequest(ctx)
        ? clientCredentialsScope(ctx, client)
        : [...HUB_API_SCOPES, ...(await extraPersonScopes(ctx, client?.clientId as string | undefined))].join(' ');
      return {
        scope,
        audience: hubApiResource,
        accessTokenTTL: accessTokenTtlSeconds,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      };
    },
  };
}

/**
 * The person a request is for, where the provider knows it: the Grant's account at the token
 * endpoint (code and refresh grants load the Grant first), else the session's at /auth and its
 * resume. Undefined before anyone signed in: the request then offers only HUB_API_SCOPES, and the
 * resume after sign-in asks again.
 */
export function accountIdOf(ctx: KoaContextWithOIDC): string | undefined {
  const oidc = ctx.oidc as unknown as {
    entities?: { Grant?: { accountId?: string } };
    session?: { accountId?: string };
  };
  return oidc.entities?.Grant?.accountId ?? oidc.session?.accountId;
}
