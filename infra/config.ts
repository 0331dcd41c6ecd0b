import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates environment variables against a zod schema once, at start-up.
 * Unknown variables are ignored; defaults live in the schema next to each variable.
 * An empty variable counts as unset, as `${NAME:-}` in docker compose produces.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

/** Building blocks shared by the services' schemas. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback),
  /**
   * How many processes a service runs behind its port (infra/run-processes.ts): 1-256, optional
   * (unset: the service's own default, one per CPU).
   */
  processes: () => z.coerce.number().int().min(1).max(256).optional(),
  url: () => z.url({ protocol: /^https?$/ }),
  mongoUri: () => z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  redisUrl: () => z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * A numeric variable for an option that has a default (`z.number()...default(n)` in an options
   * schema), read from a string: the option stays the one source of its bounds, default and
   * description.
   */
  numberOption: (option: z.ZodDefault<z.ZodNumber>) => {
    const variable = z.coerce.number().pipe(option.unwrap()).default(option.def.defaultValue);
    return option.description ? variable.describe(option.description) : variable;
  },
  /** A comma-separated list: items trimmed, empty items dropped; unset or empty is `[]`. */
  commaList: () =>
    z
      .string()
      .optional()
      .transform((list) =>
        (list ?? '')
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      ),
};

/** Variables every service reads. */
export const baseEnvSchema = z.object({
  NODE_ENV: env
    .nodeEnv()
    .describe(
      "development | test | production. production removes development-only routes (the idp's /__dev/messages).",
    ),
  LOG_LEVEL: env.logLevel().describe('fatal | error | warn | info | debug | trace | silent.'),
  MONGODB_URI: env
    .mongoUri()
    .describe(
      'MongoDB connection string (e.g. mongodb://127.0.0.1:27017/?directConnection=true); each service picks its own database on it. Required by the services; npm start and npm test start a local server and fill it in when unset.',
    ),
  REDIS_URL: env
    .redisUrl()
    .describe(
      'Redis URL (e.g. redis://127.0.0.1:6379), Redis 7.0 or newer. Required by the services; npm start and npm test start a private redis-server and fill it in when unset.',
    ),
  BIND_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'The address the service listens on: loopback by default, so the development message sink (every one-time code) and metrics stay on this machine; compose sets 0.0.0.0 in containers.',
    ),
  METRICS_TOKEN: z
    .string()
    .min(16, 'needs at least 16 characters')
    .optional()
    .describe(
      'A bearer token /metrics asks for (16+ characters); Prometheus of the compose profile observability sends it. Unset: open in development, closed (404) in production.',
    ),
});
export type BaseConfig = z.infer<typeof baseEnvSchema>;

/**
 * Variables of a service that may sit behind a TLS terminator. With TRUST_PROXY the client address
 * is read from X-Forwarded-For, but only the last TRUST_PROXY_HOPS entries, the ones your own
 * proxies appended: anything to their left was sent by the client and can be forged (Koa's
 * `maxIpsCount`). One terminator in front: 1; a CDN then a load balancer: 2.
 */
export const proxyEnvSchema = z.object({
  TRUST_PROXY: z
    .stringbool()
    .default(false)
    .describe('true when a TLS-terminating proxy sets X-Forwarded-For / X-Forwarded-Proto in front of the service.'),
  TRUST_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(1)
    .max(10)
    .default(1)
    .describe(
      "With TRUST_PROXY, how many proxies of your own append to X-Forwarded-For (one terminator: 1; a CDN then a load balancer: 2); the client address is the outermost one's entry.",
    ),
});
export type ProxyConfig = z.infer<typeof proxyEnvSchema>;

/** How a Koa app trusts X-Forwarded-*: off, or on with the number of trusted proxy hops. */
export interface ProxyTrust {
  proxy: boolean;
  /** X-Forwarded-For entries, counted from the right, that trusted proxies wrote (>= 1). */
  hops: number;
}

/** The proxy trust of a service's configuration (see proxyEnvSchema). */
export function proxyTrustOf(config: ProxyConfig): ProxyTrust {
  return { proxy: config.TRUST_PROXY, hops: config.TRUST_PROXY_HOPS };
}

/**
 * Who may read /metrics (see operationalRoutes): a token when METRICS_TOKEN is set; otherwise
 * anyone in development and test (on loopback, BIND_HOST), nobody in production (`null`).
 */
export function metricsTokenOf(config: Pick<BaseConfig, 'METRICS_TOKEN' | 'NODE_ENV'>): string | null | undefined {
  return config.METRICS_TOKEN ?? (config.NODE_ENV === 'production' ? null : undefined);
}
