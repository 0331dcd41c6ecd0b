import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * The hub scopes a machine client may get for itself (client credentials), never in a citizen's
 * token: `billers:read` reads the biller directory (the billers and the fields each needs);
 * `demands:write` raises, uploads, amends and cancels its provider's payment demands, and
 * `demands:read` lists and exports them (the provider is the organisation the roles file ties the
 * client to, else the client itself). The demand scopes also go to a provider's members at a
 * provider portal (idp/roles/provider-claims.ts). hub/api/scopes.ts lists the same names (the two
 * services share no code).
 */
export const HUB_CLIENT_SCOPES = ['billers:read', 'demands:write', 'demands:read'] as const;

/**
 * Client metadata, set only in the clients file: the hub scopes (HUB_CLIENT_SCOPES) this client
 * may get with `grant_type=client_credentials`. A client without it gets no such token.
 * (Not the RFC 7591 `scope`, which oidc-provider checks against its OpenID scopes.)
 */
export const CLIENT_CREDENTIALS_SCOPES = 'client_credentials_scopes';

/**
 * The claim the idp puts in every client credentials access token, and in no other: `gty`
 * (grant type) = `client_credentials`. Together with `sub` = `client_id` it tells the hub that the
 * token speaks for a client, not a citizen (hub/api/access-token.ts).
 */
export const TOKEN_GRANT_CLAIM = { name: 'gty', clientCredentials: 'client_credentials' } as const;

/** Whether this request is a token request of the client credentials grant. */
export function isClientCredentialsRequest(ctx: KoaContextWithOIDC | undefined): boolean {
  return ctx?.oidc?.params?.grant_type === 'client_credentials';
}

/**
 * The scope of the hub's resource for a client credentials request: the client's allowed scopes.
 * Throws invalid_target when the client is allowed none (the API is not for it) and invalid_scope
 * (RFC 6749 §5.2) when the request asks for none, or for any scope the client is not allowed
 * (a citizen's scope, an OpenID scope): oidc-provider would otherwise drop those silently.
 */
export function clientCredentialsScope(ctx: KoaContextWithOIDC, client?: { [key: string]: unknown }): string {
  const allowed = (client?.[CLIENT_CREDENTIALS_SCOPES] as string[] | undefined) ?? [];
  if (!allowed.length) throw new errors.InvalidTarget('this client may not get tokens for the hub API for itself');
  const requested = String(ctx.oidc.params?.scope ?? '')
    .split(' ')
    .filter(Boolean);
  if (!requested.length) throw new errors.InvalidScope(`ask for the scopes you need: ${allowed.join(' ')}`, '');
  const refused = requested.find((scope) => !allowed.includes(scope));
  if (refused) throw new errors.InvalidScope('requested scope is not allowed', refused);
  return allowed.join(' ');
}

/**
 * The claim carrying the client's display name (its `client_name` metadata) in a client
 * credentials token for the hub: the hub names a service provider by it in the messages it sends
 * payers (a demand from "Kolkata Municipal Corporation", not from a client id).
 */
export const CLIENT_NAME_CLAIM = 'client_name';

/**
 * The extra claims of a client credentials access token for the hub: its kind, and the client's
 * display name when it has one; never an account's.
 */
export function clientCredentialsClaims(
  token: { resourceServer?: { audience?: string }; client?: { clientName?: unknown } },
  hubApiResource: string,
): Record<string, string> | undefined {
  if (token.resourceServer?.audience !== hubApiResource) return undefined;
  const name = token.client?.clientName;
  return {
    [TOKEN_GRANT_CLAIM.name]: TOKEN_GRANT_CLAIM.clientCredentials,
    ...(typeof name === 'string' && name.trim() ? { [CLIENT_NAME_CLAIM]: name.trim() } : {}),
  };
}

/**
 * Checks `client_credentials_scopes` (an extraClientMetadata validator): a list of HUB_CLIENT_SCOPES
 * on a confidential client. Only the clients file makes machine clients: dynamic registration
 * (a request context) may set neither the list nor the client_credentials grant.
 */
export function validateClientCredentialsMetadata(
  ctx: unknown,
  key: string,
  value: unknown,
  metadata: { grant_types?: readonly string[]; token_endpoint_auth_method?: string },
): void {
  if (key !== CLIENT_CREDENTIALS_SCOPES) return;
  const grantsIt = metadata.grant_types?.includes('client_credentials') === true;
  if (ctx !== undefined && (value !== undefined || grantsIt)) {
    throw new errors.InvalidClientMetadata('client_credentials is only for clients of the clients file');
  }
  if (value === undefined) return;
  const known: readonly string[] = HUB_CLIENT_SCOPES;
  if (!Array.isArray(value) || !value.length || value.some((scope) => !known.includes(scope))) {
    throw new errors.InvalidClientMetadata(`${CLIENT_CREDENTIALS_SCOPES} must list some of ${known.join(' ')}`);
  }
  if (!grantsIt || metadata.token_endpoint_auth_method === 'none') {
    throw new errors.InvalidClientMetadata(
      `${CLIENT_CREDENTIALS_SCOPES} needs a confidential client with the client_credentials grant`,
    );
  }
}
