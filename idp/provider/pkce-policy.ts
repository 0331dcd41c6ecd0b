import { type Client, errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * Who must send PKCE (RFC 7636) with an authorization code request (`IDP_REQUIRE_PKCE`):
 * - `public`: clients without a secret (token_endpoint_auth_method `none`), and confidential
 *   clients registered with `require_pkce: true`. Other confidential clients may use the plain
 *   code flow, as OpenID certification and many off-the-shelf relying parties expect.
 * - `all`: every client, confidential ones too.
 */
export type PkceScope = 'public' | 'all';

/** The custom client metadata property that makes one confidential client always send PKCE. */
export const REQUIRE_PKCE = 'require_pkce';

/**
 * oidc-provider's `pkce.required(ctx, client)`: it is asked only when an authorization request
 * for a code lacks `code_challenge`, and `true` refuses the request with invalid_request.
 * The method is S256 in every case: oidc-provider 9 knows no other and refuses `plain`, and a
 * code issued with a challenge always needs the matching code_verifier, whatever this says.
 */
export function pkceRequired(scope: PkceScope): (ctx: KoaContextWithOIDC, client: Client) => boolean {
  return (_ctx, client) =>
    scope === 'all' ||
    client.clientAuthMethod === 'none' ||
    (client as unknown as Record<string, unknown>)[REQUIRE_PKCE] === true;
}

/**
 * Checks `require_pkce` wherever client metadata is read (clients file, dynamic registration,
 * stored registrations), as oidc-provider's `extraClientMetadata.validator` does for each
 * property. Throws invalid_client_metadata unless it is absent or a boolean.
 */
export function validateRequirePkce(key: string, value: unknown): void {
  if (key === REQUIRE_PKCE && value !== undefined && typeof value !== 'boolean') {
    throw new errors.InvalidClientMetadata(`${REQUIRE_PKCE} must be a boolean`);
  }
}
