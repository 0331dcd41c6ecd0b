import type { PortalOptions } from '../hub/portal/options.js';
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
export interface ProviderPortalOptions {
  /** Public base URL, no trailing slash (http://localhost:5000). */
  baseUrl: string;
  /** The hub API, no trailing slash (http://localhost:3000/api/v1). */
  apiUrl: string;
  /** The citizen portal's address, no trailing slash (http://localhost:3000). */
  citizenPortalUrl: string;
  /** The relying party's settings, in the hub portal's shape (its RelyingParty is reused). */
  oidc: PortalOptions['oidc'];
  timeoutMs: number;
  session: { idleSeconds: number; absoluteSeconds: number };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** The options from the config; the base URL defaults to http://localhost:<port>. */
export function providerPortalOptionsOf(config: ProviderPortalConfig): ProviderPortalOptions {
  return {
    baseUrl: trimSlash(config.PROVIDER_PORTAL_PUBLIC_URL ?? `http://localhost:${config.PROVIDER_PORTAL_PORT}`),
    apiUrl: trimSlash(config.PROVIDER_PORTAL_HUB_API_URL),
    citizenPortalUrl: trimSlash(config.PROVIDER_PORTAL_CITIZEN_PORTAL_URL),
    oidc: {
      issuer: config.IDP_ISSUER,
      internalUrl: config.PROVIDER_PORTAL_IDP_INTERNAL_URL,
      clientId: config.PARTNER_OIDC_CLIENT_ID,
      clientSecret: config.PARTNER_OIDC_CLIENT_SECRET,
      resource: config.HUB_API_RESOURCE,
      scope: PROVIDER_PORTAL_SCOPES.join(' '),
    },
    timeoutMs: config.PROVIDER_PORTAL_HTTP_TIMEOUT_MS,
    session: {
      idleSeconds: config.PROVIDER_PORTAL_SESSION_IDLE_SECONDS,
      absoluteSeconds: config.PROVIDER_PORTAL_SESSION_ABSOLUTE_SECONDS,
    },
  };
}
