import { z } from 'zod';
import { env, proxyEnvSchema } from '../../../infra/config.js';

/** What differs between the staff portals' environments besides their variables' prefixes. */
export interface StaffPortalEnvDefaults {
  port: number;
  /** The portal's client id at the idp. */
  clientId: string;
  /** Seconds without a request before a session ends. */
  idleSeconds: number;
  /** Seconds after sign-in before a session ends, however busy. */
  absoluteSeconds: number;
}

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The prefixed variables of one staff portal, before they get their names. */
const prefixedFields = (defaults: StaffPortalEnvDefaults) => ({
  port: env.port(defaults.port),
  /** The portal's address as browsers see it (its callback is registered at the idp under it). */
  publicUrl: env.url().optional(),
  /** Where the server reaches the idp when not at IDP_ISSUER (compose: http://idp:4000). */
  idpInternalUrl: env.url().optional(),
  clientId: z.string().min(1).default(defaults.clientId),
  /** Unset: the portal starts, but says that signing in is not set up. */
  clientSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The hub API the portal calls with the signed-in person's token. */
  hubApiUrl: env.url().default('http://localhost:3000/api/v1'),
  httpTimeoutMs: z.coerce.number().int().min(500).max(60_000).default(10_000),
  sessionIdleSeconds: seconds(defaults.idleSeconds),
  sessionAbsoluteSeconds: seconds(defaults.absoluteSeconds),
});
type Fields = ReturnType<typeof prefixedFields>;

/**
 * The variables of a staff portal whose portal prefix is `P` (`PROVIDER_PORTAL`) and whose OIDC
 * client prefix is `C` (`PARTNER`): `P_PORT`, `P_PUBLIC_URL`, `P_IDP_INTERNAL_URL`,
 * `C_OIDC_CLIENT_ID`, `C_OIDC_CLIENT_SECRET`, `P_HUB_API_URL`, `P_HTTP_TIMEOUT_MS`,
 * `P_SESSION_IDLE_SECONDS`, `P_SESSION_ABSOLUTE_SECONDS`.
 */
export type StaffPortalPrefixedShape<P extends string, C extends string> = Record<`${P}_PORT`, Fields['port']> &
  Record<`${P}_PUBLIC_URL`, Fields['publicUrl']> &
  Record<`${P}_IDP_INTERNAL_URL`, Fields['idpInternalUrl']> &
  Record<`${C}_OIDC_CLIENT_ID`, Fields['clientId']> &
  Record<`${C}_OIDC_CLIENT_SECRET`, Fields['clientSecret']> &
  Record<`${P}_HUB_API_URL`, Fields['hubApiUrl']> &
  Record<`${P}_HTTP_TIMEOUT_MS`, Fields['httpTimeoutMs']> &
  Record<`${P}_SESSION_IDLE_SECONDS`, Fields['sessionIdleSeconds']> &
  Record<`${P}_SESSION_ABSOLUTE_SECONDS`, Fields['sessionAbsoluteSeconds']>;

/** The variables every staff portal reads whatever its prefix: logging, Redis, the idp and the hub API's resource. */
const sharedShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  REDIS_URL: env.redisUrl(),
  BIND_HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_TOKEN: z.string().min(16, 'needs at least 16 characters').optional(),
  IDP_ISSUER: env.url().default('http://localhost:4000'),
  HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
};

/**
 * The environment schema of a staff portal (the provider portal, the operator console): where it
 * listens and is seen, the idp it signs staff in at, the hub API it calls, Redis for sessions and
 * the proxy settings. A portal adds variables of its own with `.extend()`.
 */
export function staffPortalEnvSchema<P extends string, C extends string>(
  prefix: P,
  clientPrefix: C,
  defaults: StaffPortalEnvDefaults,
) {
  const fields = prefixedFields(defaults);
  const prefixed = {
    [`${prefix}_PORT`]: fields.port,
    [`${prefix}_PUBLIC_URL`]: fields.publicUrl,
    [`${prefix}_IDP_INTERNAL_URL`]: fields.idpInternalUrl,
    [`${clientPrefix}_OIDC_CLIENT_ID`]: fields.clientId,
    [`${clientPrefix}_OIDC_CLIENT_SECRET`]: fields.clientSecret,
    [`${prefix}_HUB_API_URL`]: fields.hubApiUrl,
    [`${prefix}_HTTP_TIMEOUT_MS`]: fields.httpTimeoutMs,
    [`${prefix}_SESSION_IDLE_SECONDS`]: fields.sessionIdleSeconds,
    [`${prefix}_SESSION_ABSOLUTE_SECONDS`]: fields.sessionAbsoluteSeconds,
  } as StaffPortalPrefixedShape<P, C>;
  return z.object({ ...sharedShape, ...prefixed }).extend(proxyEnvSchema.shape);
}
