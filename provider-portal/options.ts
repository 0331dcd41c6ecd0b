import { type StaffPortalOptions, staffPortalOptionsOf, trimSlash } from '../hub/portal/staff/options.js';
import type { ProviderPortalConfig } from './config.js';

/**
 * The scopes the portal asks for: who the member is (name, phone, email: the hub's audit trail
 * names the member by them), the organisation they act for (`provider`,
 * which only a provider portal gets: idp/roles/provider-claims.ts), and the hub's demand scopes,
 * which the idp grants a member only. No citizen scope: the portal never acts as a citizen.
 */
export const PROVIDER_PORTAL_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'provider',
  'demands:read',
  'demands:write',
] as const;

/** Everything the provider portal needs, resolved once from its config (or given by a test). */
export interface ProviderPortalOptions extends StaffPortalOptions {
  /** The citizen portal's address, no trailing slash (http://localhost:3000). */
  citizenPortalUrl: string;
}

/** The options from the config; the base URL defaults to http://localhost:<port>. */
export function providerPortalOptionsOf(config: ProviderPortalConfig): ProviderPortalOptions {
  return {
    ...staffPortalOptionsOf(config, 'PROVIDER_PORTAL', 'PARTNER', PROVIDER_PORTAL_SCOPES),
    citizenPortalUrl: trimSlash(config.PROVIDER_PORTAL_CITIZEN_PORTAL_URL),
  };
}
