import { z } from 'zod';
import { env, loadConfig, proxyEnvSchema } from '../infra/config.js';

/**
 * The provider portal's environment (provider-portal/README.md): where it listens and is seen,
 * the idp it signs members in at as `partner-portal`, the hub API it calls, and Redis for sessions.
 */
export const providerPortalEnvSchema = z
  .object({
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    REDIS_URL: env.redisUrl(),
    BIND_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'needs at least 16 characters').optional(),
    PROVIDER_PORTAL_PORT: env.port(5000),
    /** The portal's address as browsers see it (its callback is registered at the idp under it). */
    PROVIDER_PORTAL_PUBLIC_URL: env.url().optional(),
    IDP_ISSUER: env.url().default('http://localhost:4000'),
    /** Where the server reaches the idp when not at IDP_ISSUER (compose: http://idp:4000). */
    PROVIDER_PORTAL_IDP_INTERNAL_URL: env.url().optional(),
    PARTNER_OIDC_CLIENT_ID: z.string().min(1).default('partner-portal'),
    /** Unset: the portal starts, but says that signing in is not set up. */
    PARTNER_OIDC_CLIENT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
    /** The hub API the portal calls with the member's token. */
    PROVIDER_PORTAL_HUB_API_URL: env.url().default('http://localhost:3000/api/v1'),
    /** The citizen portal (the hub's), linked for a person who is not a member, to pay their own bills. */
    PROVIDER_PORTAL_CITIZEN_PORTAL_URL: env.url().default('http://localhost:3000'),
    PROVIDER_PORTAL_HTTP_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
    PROVIDER_PORTAL_SESSION_IDLE_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(30 * 60),
    PROVIDER_PORTAL_SESSION_ABSOLUTE_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(12 * 3600),
  })
  .extend(proxyEnvSchema.shape);
export type ProviderPortalConfig = z.infer<typeof providerPortalEnvSchema>;

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export const loadProviderPortalConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(providerPortalEnvSchema, environment);
