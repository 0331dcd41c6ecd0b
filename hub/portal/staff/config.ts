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

/**
 * The prefixed variables of one staff portal, before they get their names; their descriptions name
 * the portal's own variables (`P` the portal prefix, `C` the client prefix, as staffPortalEnvSchema).
 */
const prefixedFields = (prefix: string, clientPrefix: string, defaults: StaffPortalEnvDefaults) => ({
  port: env.port(defaults.port).describe('The port the portal listens on.'),
  publicUrl: env
    .url()
    .optional()
    .describe(
      `The portal's address as browsers see it; the idp's ${defaults.clientId} client lists <this>/auth/callback. Empty: http://localhost:<${prefix}_PORT>.`,
    ),
  idpInternalUrl: env
    .url()
    .optional()
    .describe(
      "Where the portal's server reaches the idp when not at IDP_ISSUER (compose: http://idp:4000). Empty: IDP_ISSUER.",
    ),
  clientId: z
    .string()
    .min(1)
    .default(defaults.clientId)
    .describe(`The portal's client at the idp; its secret is ${clientPrefix}_OIDC_CLIENT_SECRET.`),
  clientSecret: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe(
      "The portal's client secret at the idp (32+ characters; npm start generates it). Unset: the portal starts, but says that signing in is not set up.",
    ),
  hubApiUrl: env
    .url()
    .default('http://localhost:3000/api/v1')
    .describe("The hub API the portal calls with the signed-in person's token."),
  httpTimeoutMs: z.coerce
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(10_000)
    .describe('Milliseconds the portal waits for one call to the idp or the hub API.'),
  sessionIdleSeconds: seconds(defaults.idleSeconds).describe(
    'A session ends after this many seconds without a request.',
  ),
  sessionAbsoluteSeconds: seconds(defaults.absoluteSeconds).describe(
    'A session ends this many seconds after sign-in, however busy.',
  ),
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
  IDP_ISSUER: env.url().default('http://localhost:4000').describe('The idp that signs staff in.'),
  HUB_API_RESOURCE: env
    .url()
    .default('http://localhost:3000/api')
    .describe("The hub API's resource indicator: the audience of the tokens the portal asks for."),
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
  const fields = prefixedFields(prefix, clientPrefix, defaults);
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
