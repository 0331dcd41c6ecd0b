import { z } from 'zod';
import { env, loadConfig, proxyEnvSchema } from '../infra/config.js';

/**
 * The operator console's environment (operator-console/README.md): where it listens and is seen,
 * the idp it signs operators in at as `operator-console`, the hub API it calls, and Redis for sessions.
 */
export const operatorConsoleEnvSchema = z
  .object({
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    REDIS_URL: env.redisUrl(),
    BIND_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_TOKEN: z.string().min(16, 'needs at least 16 characters').optional(),
    OPERATOR_CONSOLE_PORT: env.port(5100),
    /** The console's address as browsers see it (its callback is registered at the idp under it). */
    OPERATOR_CONSOLE_PUBLIC_URL: env.url().optional(),
    IDP_ISSUER: env.url().default('http://localhost:4000'),
    /** Where the server reaches the idp when not at IDP_ISSUER (compose: http://idp:4000). */
    OPERATOR_CONSOLE_IDP_INTERNAL_URL: env.url().optional(),
    OPERATOR_OIDC_CLIENT_ID: z.string().min(1).default('operator-console'),
    /** Unset: the console starts, but says that signing in is not set up. */
    OPERATOR_OIDC_CLIENT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    HUB_API_RESOURCE: env.url().default('http://localhost:3000/api'),
    /** The hub API the console calls with the operator's token. */
    OPERATOR_CONSOLE_HUB_API_URL: env.url().default('http://localhost:3000/api/v1'),
    OPERATOR_CONSOLE_HTTP_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
    /** Operators' sessions end sooner than a provider's: 15 minutes without a request. */
    OPERATOR_CONSOLE_SESSION_IDLE_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(15 * 60),
    OPERATOR_CONSOLE_SESSION_ABSOLUTE_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(8 * 3600),
  })
  .extend(proxyEnvSchema.shape);
export type OperatorConsoleConfig = z.infer<typeof operatorConsoleEnvSchema>;

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export const loadOperatorConsoleConfig = (environment: Record<string, string | undefined> = process.env) =>
  loadConfig(operatorConsoleEnvSchema, environment);
