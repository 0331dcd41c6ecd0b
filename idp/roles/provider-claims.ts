import type { Account } from '../accounts/account-store.js';
import type { Organisations, ProviderIdentity } from './organisations.js';

/** The OpenID scope releasing a member's provider claims (listed in scopes_supported). */
export const PROVIDER_SCOPE = 'provider';

/** The claims naming the provider organisation a person or client acts for (claims_supported). */
export const PROVIDER_CLAIMS = ['provider_id', 'provider_name'] as const;

/**
 * The hub scopes a provider member's token may carry for the hub API (the same names as
 * HUB_CLIENT_SCOPES's demand scopes): only a provider portal's token, only for a member.
 */
export const MEMBER_HUB_SCOPES = ['demands:read', 'demands:write'] as const;

/** The two claims for a provider identity. */
export function providerClaims(provider: ProviderIdentity | undefined): Record<string, string> {
  return provider ? { provider_id: provider.id, provider_name: provider.name } : {};
}

/**
 * The provider a person acts for in this client's tokens: only when the client is a provider
 * portal of the roles file and the person a member; undefined otherwise (a citizen, or any other
 * client, which never learns a person's organisation).
 */
export function memberProvider(
  organisations: Organisations,
  clientId: string | undefined,
  account: Pick<Account, 'phone' | 'phoneVerified' | 'email' | 'emailVerified'> | null | undefined,
): ProviderIdentity | undefined {
  return organisations.isProviderPortal(clientId) ? organisations.providerOfAccount(account) : undefined;
}

/** Whether a hub token's scope (space-separated) lets it act on demands, so it names its provider. */
export function carriesDemandScope(scope: string | undefined): boolean {
  const scopes = (scope ?? '').split(' ');
  return MEMBER_HUB_SCOPES.some((s) => scopes.includes(s));
}
