import type { PortalOptions } from '../options.js';

/** Everything a staff portal needs, resolved once from its config (or given by a test). */
export interface StaffPortalOptions {
  /** Public base URL, no trailing slash (http://localhost:5000). */
  baseUrl: string;
  /** The hub API, no trailing slash (http://localhost:3000/api/v1). */
  apiUrl: string;
  /** The relying party's settings, in the hub portal's shape (its RelyingParty is reused). */
  oidc: PortalOptions['oidc'];
  timeoutMs: number;
  session: { idleSeconds: number; absoluteSeconds: number };
}

/** `url` without trailing slashes. */
export const trimSlash = (url: string) => url.replace(/\/+$/, '');

/**
 * The shared options from a staff portal's config (read by config.ts staffPortalEnvSchema with
 * prefixes `prefix` and `clientPrefix`), asking the idp for `scopes`; the base URL defaults to http://localhost:<port>.
 */
export function staffPortalOptionsOf(
  config: { IDP_ISSUER: string; HUB_API_RESOURCE: string },
  prefix: string,
  clientPrefix: string,
  scopes: readonly string[],
): StaffPortalOptions {
  // The prefixed names are computed here, so read them as plain keys (config.ts checked their types).
  const value = config as unknown as Record<string, unknown>;
  const read = <T>(name: string) => value[name] as T;
  return {
    baseUrl: trimSlash(
      read<string | undefined>(`${prefix}_PUBLIC_URL`) ?? `http://localhost:${read<number>(`${prefix}_PORT`)}`,
    ),
    apiUrl: trimSlash(read<string>(`${prefix}_HUB_API_URL`)),
    oidc: {
      issuer: config.IDP_ISSUER,
      internalUrl: read<string | undefined>(`${prefix}_IDP_INTERNAL_URL`),
      clientId: read<string>(`${clientPrefix}_OIDC_CLIENT_ID`),
      clientSecret: read<string | undefined>(`${clientPrefix}_OIDC_CLIENT_SECRET`),
      resource: config.HUB_API_RESOURCE,
      scope: scopes.join(' '),
    },
    timeoutMs: read<number>(`${prefix}_HTTP_TIMEOUT_MS`),
    session: {
      idleSeconds: read<number>(`${prefix}_SESSION_IDLE_SECONDS`),
      absoluteSeconds: read<number>(`${prefix}_SESSION_ABSOLUTE_SECONDS`),
    },
  };
}
