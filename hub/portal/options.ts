import type { HubConfig } from '../config.js';

/** Everything the portal needs, resolved once from the hub's config. */
export interface PortalOptions {
  /** The portal's public base URL, no trailing slash (http://localhost:3000). */
  baseUrl: string;
  /** The hub API the portal calls over HTTP, no trailing slash (`<baseUrl>/api/v1`). */
  apiUrl: string;
  oidc: {
    issuer: string;
    /** Where the server reaches the idp when not at the issuer's own address. */
    internalUrl?: string;
    clientId: string;
    /** Unset: signing in is not set up, and says so. */
    clientSecret?: string;
    /** The hub API's resource indicator (RFC 8707), the audience of its access tokens. */
    resource: string;
    scope: string;
  };
  timeoutMs: number;
  session: { idleSeconds: number; absoluteSeconds: number };
  /** Origins a form may lead to through redirects (CSP form-action), besides 'self'. */
  formActionOrigins: string[];
  /**
   * The hub verifies mobile wallet transfers (WALLET_API_KEY set: its wallet route exists), so a
   * demand's page offers "paid elsewhere by a wallet transfer".
   */
  walletPayments: boolean;
}

/** The scopes the portal asks for (hub/portal/README.md says what each is for). */
export const PORTAL_SCOPES = [
  'openid',
  'profile',
  'email',
  'phone',
  'offline_access',
  'bills:read',
  'accounts:write',
  'payments:read',
  'payments:write',
] as const;

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The portal's options from the hub's config. Its base URL is PORTAL_PUBLIC_URL, else HUB_PUBLIC_URL,
 * else `publicUrl` (the hub's own URL as it was started).
 */
export function portalOptionsOf(config: HubConfig, publicUrl: string): PortalOptions {
  const baseUrl = trimSlash(config.PORTAL_PUBLIC_URL ?? config.HUB_PUBLIC_URL ?? publicUrl);
  const issuerOrigin = new URL(config.IDP_ISSUER).origin;
  const formActionOrigins = [
    issuerOrigin,
    new URL(config.GATEWAY_BASE_URL).origin,
    ...config.PORTAL_FORM_ACTION_ORIGINS.map((url) => new URL(url).origin),
  ];
  return {
    baseUrl,
    apiUrl: trimSlash(config.PORTAL_API_URL ?? `${baseUrl}/api/v1`),
    oidc: {
      issuer: config.IDP_ISSUER,
      internalUrl: config.PORTAL_IDP_INTERNAL_URL,
      clientId: config.HUB_OIDC_CLIENT_ID,
      clientSecret: config.HUB_OIDC_CLIENT_SECRET,
      resource: config.HUB_API_RESOURCE,
      scope: PORTAL_SCOPES.join(' '),
    },
    timeoutMs: config.PORTAL_HTTP_TIMEOUT_MS,
    session: {
      idleSeconds: config.PORTAL_SESSION_IDLE_SECONDS,
      absoluteSeconds: config.PORTAL_SESSION_ABSOLUTE_SECONDS,
    },
    formActionOrigins: [...new Set(formActionOrigins)],
    walletPayments: Boolean(config.WALLET_API_KEY),
  };
}
